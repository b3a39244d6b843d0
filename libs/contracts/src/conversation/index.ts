export * from './conversation-events';
export * from './conversation.requests';
