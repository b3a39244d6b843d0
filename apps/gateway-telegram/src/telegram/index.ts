export * from './telegram-api.errors';
export * from './telegram-bot-api.client';
export * from './telegram-capabilities';
export * from './telegram-text';
export * from './telegram-update.normalizer';
export * from './telegram-update.types';
