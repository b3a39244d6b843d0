export * from './vk-callback.types';
export * from './vk-callback.normalizer';
export * from './vk-api.client';
export * from './vk-api.errors';
export * from './random-id';
export * from './vk-user-lookups';
