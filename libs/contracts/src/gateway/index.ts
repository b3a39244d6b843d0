export * from './gateway.requests';
