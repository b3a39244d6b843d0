export * from './delivery.events';
