export * from './line.messages';
