import { Inject, Injectable } from '@nestjs/common';
import {
  causedBy,
  ConversationErrorCodes,
  ParleyError,
  type AcceptConversation,
  type CloseConversation,
  type ConversationView,
  type Envelope,
  type MessageView,
  type OperatorRole,
  type RequestReply,
} from '@parley/contracts';
import type { StoredEvent } from '@parley/event-store';
import { decideAccept, decideClose, decideReply, type Actor, type ConversationState } from '../conversation/conversation.decider';
import type { ConversationEvent } from '../conversation/conversation.events';
import { ConversationRepository } from '../conversation/conversation.repository';
import { toNewEvent } from '../conversation/conversation-stream.mapper';
import { LinesRepository } from '../lines/lines.repository';
import {
  conversationOfStream,
  messagesOfStream,
  toConversationView,
  toMessageView,
} from '../read-model/conversation-view.reducer';

/**
 * Operator commands. Each loads the stream, decides with the pure decider, appends at the loaded version (retrying
 * on a conflict), then answers with the view folded from the stream it just wrote: read-your-writes without
 * waiting for the projection (the same reducers feed the read model, so the answer equals what queries show next).
 */
@Injectable()
export class ConversationCommandsService {
  constructor(
    @Inject(ConversationRepository) private readonly conversations: ConversationRepository,
    @Inject(LinesRepository) private readonly lines: LinesRepository,
  ) {}

  async accept(envelope: Envelope<AcceptConversation>): Promise<ConversationView> {
    const { conversationId, operatorId, actorRole } = envelope.data;
    const actor = await this.actor(conversationId, operatorId, actorRole);
    await this.conversations.handle(conversationId, (state) => this.toAppend(decideAccept(state, { conversationId, actor }), envelope));
    return this.conversationView(conversationId);
  }

  async reply(envelope: Envelope<RequestReply>): Promise<MessageView> {
    const { conversationId, replyId, operatorId, text, attachments, operatorName } = envelope.data;
    await this.conversations.handle(conversationId, (state) =>
      // The reply id is the idempotency key too: the same id can never become a second ReplyRequested.
      this.toAppend(decideReply(state, { conversationId, replyId, operatorId, text, attachments, ...(operatorName === undefined ? {} : { operatorName }) }), envelope, `reply:${replyId}`),
    );
    const message = messagesOfStream(await this.conversations.readStream(conversationId)).find((m) => m.id === replyId);
    if (!message) {
      throw new ParleyError(ConversationErrorCodes.NOT_FOUND, `reply ${replyId} is not part of conversation ${conversationId}`);
    }
    return toMessageView(message);
  }

  async close(envelope: Envelope<CloseConversation>): Promise<ConversationView> {
    const { conversationId, operatorId, actorRole } = envelope.data;
    const closedBy =
      operatorId === undefined ? ({ kind: 'system' } as const) : ({ kind: 'operator', actor: await this.actor(conversationId, operatorId, actorRole) } as const);
    await this.conversations.handle(conversationId, (state) => this.toAppend(decideClose(state, { conversationId, closedBy }), envelope));
    return this.conversationView(conversationId);
  }

  private toAppend(events: ConversationEvent[], envelope: Envelope, idempotencyKey?: string) {
    return events.map((e) => toNewEvent(e, causedBy(envelope), idempotencyKey));
  }

  /** The acting operator: the role console-api sent (absent = `operator`) and whether they work the line. */
  private async actor(conversationId: string, operatorId: string, role: OperatorRole | undefined): Promise<Actor> {
    return { operatorId, role: role ?? 'operator', isLineMember: await this.isMember(await this.lineOf(conversationId), operatorId) };
  }

  private async lineOf(conversationId: string): Promise<string | null> {
    const { state } = await this.conversations.load(conversationId);
    return lineIdOf(state);
  }

  private async isMember(lineId: string | null, operatorId: string): Promise<boolean> {
    if (lineId === null) return false;
    const line = await this.lines.find(lineId);
    return line !== null && line.memberIds.includes(operatorId);
  }

  private async conversationView(conversationId: string): Promise<ConversationView> {
    const events: StoredEvent[] = await this.conversations.readStream(conversationId);
    const record = conversationOfStream(events);
    if (!record) throw new ParleyError(ConversationErrorCodes.NOT_FOUND, `conversation ${conversationId} does not exist`);
    return toConversationView(record);
  }
}

function lineIdOf(state: ConversationState): string | null {
  return state.status === 'none' ? null : state.lineId;
}
