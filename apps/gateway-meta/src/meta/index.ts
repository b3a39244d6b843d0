export * from './graph-api.client';
export * from './graph-errors';
export * from './meta-capabilities';
export * from './meta-channel-settings';
export * from './meta-webhook.normalizer';
export * from './meta-webhook.types';
export * from './reply-window';
export * from './reply-windows.repository';
