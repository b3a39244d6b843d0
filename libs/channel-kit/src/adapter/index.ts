export * from './channel-adapter';
export * from './channel-capabilities';
