export * from './viber-json';
export * from './viber-callback.types';
export * from './viber-callback.normalizer';
export * from './viber-api.client';
export * from './viber-api.errors';
export * from './viber-capabilities';
export * from './viber-signature';
export * from './profile-memory';
