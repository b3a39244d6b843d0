// class-transformer's @Type reads design-time metadata: load the polyfill before any message class is defined.
import 'reflect-metadata';
export * from './envelope';
export * from './streams';
export * from './common';
export * from './inbound';
export * from './conversation';
export * from './contact';
export * from './routing';
export * from './gateway';
export * from './delivery';
export * from './registry';
