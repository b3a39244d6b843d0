export * from './attachment-store';
export * from './adapter';
export * from './gateway';
