export * from './contact.messages';
