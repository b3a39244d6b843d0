import type { Projection, StoredEvent } from '@parley/event-store';
import type { EntityManager } from 'typeorm';
import {
  applyToConversation,
  applyToMessages,
  referencedMessageId,
  type ConversationRecord,
  type MessageRecord,
} from './conversation-view.reducer';
import type { ReadModelRepository } from './read-model.repository';

const CONVERSATION_PREFIX = 'conversation-';

/**
 * `conversations` + `messages`, one checkpoint for both (they are always consistent with each other). A batch loads
 * the rows it touches, folds its events into them with the pure reducers, and writes them back in bulk.
 */
export class ConversationsProjection implements Projection {
  readonly name = 'conversation-read-model';

  constructor(private readonly repository: ReadModelRepository) {}

  async handle(events: readonly StoredEvent[], tx: EntityManager): Promise<void> {
    const relevant = events.filter((e) => e.streamId.startsWith(CONVERSATION_PREFIX));
    if (relevant.length === 0) return;
    const conversationIds = [...new Set(relevant.map((e) => e.streamId.slice(CONVERSATION_PREFIX.length)))];
    const messageIds = [...new Set(relevant.flatMap((e) => referencedMessageId(e) ?? []))];
    const conversations = await this.repository.conversationsByIds(tx, conversationIds);
    const messages = await this.repository.messagesByIds(tx, messageIds);
    const changedConversations = new Map<string, ConversationRecord>();
    const changedMessages = new Map<string, MessageRecord>();
    for (const event of relevant) {
      const id = event.streamId.slice(CONVERSATION_PREFIX.length);
      const next = applyToConversation(conversations.get(id), event);
      if (next) {
        conversations.set(id, next);
        changedConversations.set(id, next);
      }
      const message = applyToMessages(messages, event);
      if (message) changedMessages.set(message.id, message);
    }
    await this.repository.saveConversations(tx, [...changedConversations.values()]);
    await this.repository.saveMessages(tx, [...changedMessages.values()]);
  }

  async reset(tx: EntityManager): Promise<void> {
    await this.repository.reset(tx);
  }
}
