export * from './envelope';
export * from './message-definition';
export * from './validation';
export * from './reply';
