export * from './gateway.requests';
export * from './gateway.errors';
export * from './channel-type-catalog';
