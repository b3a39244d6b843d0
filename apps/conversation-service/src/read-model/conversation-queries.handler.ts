import { Inject, Injectable } from '@nestjs/common';
import {
  ConversationErrorCodes,
  GetConversationLogV1,
  GetConversationMessagesV1,
  GetConversationV1,
  ListConversationsV1,
  ParleyError,
  type ConversationList,
  type ConversationLog,
  type ConversationView,
  type Envelope,
  type ListConversations,
  type MessageList,
} from '@parley/contracts';
import { OnRequest } from '@parley/messaging';
import { ConversationRepository } from '../conversation/conversation.repository';
import { occurredAtOf } from '../conversation/conversation-stream.mapper';
import { toConversationView, toMessageView } from './conversation-view.reducer';
import { ReadModelRepository } from './read-model.repository';

function notFound(conversationId: string): ParleyError {
  return new ParleyError(ConversationErrorCodes.NOT_FOUND, `conversation ${conversationId} does not exist`);
}

/**
 * Queries. Lists, views and histories come from the read models (eventually consistent: a conversation appears
 * once the projection passed its events, usually within milliseconds); the log comes from the event store itself.
 */
@Injectable()
export class ConversationQueriesHandler {
  constructor(
    @Inject(ReadModelRepository) private readonly readModel: ReadModelRepository,
    @Inject(ConversationRepository) private readonly conversations: ConversationRepository,
  ) {}

  @OnRequest(ListConversationsV1)
  async list(envelope: Envelope<ListConversations, 'ListConversations'>): Promise<ConversationList> {
    const items = await this.readModel.list(envelope.data);
    return { items: items.map(toConversationView) };
  }

  @OnRequest(GetConversationV1)
  async get(envelope: Envelope<{ conversationId: string }, 'GetConversation'>): Promise<ConversationView> {
    const record = await this.readModel.conversation(envelope.data.conversationId);
    if (!record) throw notFound(envelope.data.conversationId);
    return toConversationView(record);
  }

  @OnRequest(GetConversationMessagesV1)
  async messages(envelope: Envelope<{ conversationId: string }, 'GetConversationMessages'>): Promise<MessageList> {
    const { conversationId } = envelope.data;
    const messages = await this.readModel.messages(conversationId);
    if (messages.length === 0 && !(await this.readModel.conversation(conversationId))) throw notFound(conversationId);
    return { items: messages.map(toMessageView) };
  }

  @OnRequest(GetConversationLogV1)
  async log(envelope: Envelope<{ conversationId: string }, 'GetConversationLog'>): Promise<ConversationLog> {
    const { conversationId } = envelope.data;
    const events = await this.conversations.readStream(conversationId);
    if (events.length === 0) throw notFound(conversationId);
    return {
      events: events.map((e) => ({
        id: e.eventId,
        type: e.type,
        version: e.schemaVersion,
        streamPosition: e.streamPosition,
        occurredAt: occurredAtOf(e),
        data: e.data as Record<string, unknown>,
      })),
    };
  }
}
