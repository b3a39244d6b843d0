import { Inject, Injectable } from '@nestjs/common';
import {
  AcceptConversationV1,
  CloseConversationV1,
  CommonErrorCodes,
  GetContactV1,
  GetConversationLogV1,
  GetConversationMessagesV1,
  GetConversationV1,
  ListConversationsV1,
  newCorrelation,
  ParleyError,
  RequestReplyV1,
  type ContactView,
  type ConversationStatus,
  type ConversationView,
  type LoggedEvent,
  type MessageView,
} from '@parley/contracts';
import { RequestClient } from '@parley/messaging';
import { AttachmentStore } from '@parley/channel-kit';
import { LineAccessService } from '../lines/line-access.service';
import type { Operator } from '../operators/operator.model';

export interface ConversationContact {
  id: string;
  displayName: string;
  avatarUrl?: string;
}

export type Conversation = ConversationView & { contact?: ConversationContact };

export interface ConversationFilter {
  lineId?: string;
  status?: ConversationStatus;
  assigneeId?: string;
  contactId?: string;
}

export function avatarUrl(contact: ContactView): string | undefined {
  return contact.avatar ? `/api/attachments/${encodeURIComponent(contact.avatar.id)}` : undefined;
}

/**
 * Conversations live in conversation-service. Every read is limited to the lines the caller works (supervisors and
 * admins: all); commands carry the caller as operator, with their role, and conversation-service enforces its own
 * rules (membership for operators, none for supervisors and admins).
 */
@Injectable()
export class ConversationsService {
  constructor(
    @Inject(RequestClient) private readonly requests: RequestClient,
    @Inject(LineAccessService) private readonly access: LineAccessService,
    @Inject(AttachmentStore) private readonly attachments: AttachmentStore,
  ) {}

  async list(operator: Operator, filter: ConversationFilter): Promise<Conversation[]> {
    const visible = await this.access.visibleLineIds(operator);
    let lineIds: string[] | undefined = filter.lineId ? [filter.lineId] : undefined;
    if (visible) {
      if (filter.lineId && !visible.has(filter.lineId)) {
        throw new ParleyError('NOT_A_LINE_MEMBER', 'you are not a member of this line', { details: { lineId: filter.lineId } });
      }
      lineIds ??= [...visible];
      if (lineIds.length === 0) return [];
    }
    const reply = await this.requests.request(
      ListConversationsV1,
      {
        ...(lineIds ? { lineIds } : {}),
        ...(filter.status ? { status: filter.status } : {}),
        ...(filter.assigneeId ? { assigneeId: filter.assigneeId } : {}),
        ...(filter.contactId ? { contactId: filter.contactId } : {}),
        limit: 500,
      },
      newCorrelation(),
    );
    return this.withContacts(reply.items);
  }

  /** One conversation the caller may see: NOT_FOUND, or NOT_A_LINE_MEMBER for another line's. */
  async get(operator: Operator, conversationId: string): Promise<Conversation> {
    const conversation = await this.requests.request(GetConversationV1, { conversationId }, newCorrelation());
    await this.access.assertMember(operator, conversation.lineId);
    const [withContact] = await this.withContacts([conversation]);
    return withContact ?? conversation;
  }

  async messages(operator: Operator, conversationId: string): Promise<MessageView[]> {
    await this.get(operator, conversationId);
    return (await this.requests.request(GetConversationMessagesV1, { conversationId }, newCorrelation())).items;
  }

  async log(operator: Operator, conversationId: string): Promise<LoggedEvent[]> {
    await this.get(operator, conversationId);
    return (await this.requests.request(GetConversationLogV1, { conversationId }, newCorrelation())).events;
  }

  async accept(operator: Operator, conversationId: string): Promise<Conversation> {
    const view = await this.requests.request(AcceptConversationV1, { conversationId, operatorId: operator.id, actorRole: operator.role }, newCorrelation());
    return (await this.withContacts([view]))[0] ?? view;
  }

  async close(operator: Operator, conversationId: string): Promise<Conversation> {
    const view = await this.requests.request(CloseConversationV1, { conversationId, operatorId: operator.id, actorRole: operator.role }, newCorrelation());
    return (await this.withContacts([view]))[0] ?? view;
  }

  async reply(operator: Operator, conversationId: string, reply: { id: string; text?: string; attachmentIds?: string[] }): Promise<MessageView> {
    const attachments = await this.attachments.refs(reply.attachmentIds ?? []);
    return this.requests.request(
      RequestReplyV1,
      { conversationId, replyId: reply.id, operatorId: operator.id, operatorName: operator.name, text: reply.text ?? '', attachments },
      newCorrelation(),
    );
  }

  /** Adds `contact` (name, avatar) from contact-service; a contact that cannot be fetched is left out. */
  async withContacts(conversations: ConversationView[]): Promise<Conversation[]> {
    const ids = [...new Set(conversations.map((c) => c.contactId))];
    const contacts = new Map<string, ConversationContact>();
    await Promise.all(
      ids.map(async (contactId) => {
        try {
          const contact = await this.requests.request(GetContactV1, { contactId }, newCorrelation(), { timeoutMs: 2_000 });
          const url = avatarUrl(contact);
          contacts.set(contactId, { id: contact.id, displayName: contact.displayName, ...(url ? { avatarUrl: url } : {}) });
        } catch (err) {
          if (!(err instanceof ParleyError) || err.code === CommonErrorCodes.INTERNAL) throw err;
        }
      }),
    );
    return conversations.map((c) => {
      const contact = contacts.get(c.contactId);
      return contact ? { ...c, contact } : c;
    });
  }
}
