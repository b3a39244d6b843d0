import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { AttachmentRef } from '../common/attachment-ref';
import { ChannelTypes, type ChannelType } from '../common/channel-type';
import { OperatorRoles, type OperatorRole } from '../common/operator-role';
import { defineRequest } from '../envelope/message-definition';
import { MessageAuthor } from './conversation-events';

export const ConversationStatuses = ['queued', 'assigned', 'closed'] as const;
export type ConversationStatus = (typeof ConversationStatuses)[number];

/** Domain error codes of the conversation commands (mapped to HTTP statuses by console-api). */
export const ConversationErrorCodes = {
  NOT_FOUND: 'NOT_FOUND',
  NOT_A_LINE_MEMBER: 'NOT_A_LINE_MEMBER',
  ALREADY_ASSIGNED: 'ALREADY_ASSIGNED',
  NOT_ASSIGNED_TO_YOU: 'NOT_ASSIGNED_TO_YOU',
  CONVERSATION_CLOSED: 'CONVERSATION_CLOSED',
  RECIPIENT_BLOCKED: 'RECIPIENT_BLOCKED',
  EMPTY_REPLY: 'EMPTY_REPLY',
  CANNOT_INITIATE: 'CANNOT_INITIATE',
} as const;

export class ConversationView {
  @IsUUID()
  id!: string;

  @IsUUID()
  lineId!: string;

  @IsUUID()
  channelId!: string;

  @IsIn(ChannelTypes)
  channelType!: ChannelType;

  @IsUUID()
  contactId!: string;

  @IsIn(ConversationStatuses)
  status!: ConversationStatus;

  @ValidateIf((_, v) => v !== null)
  @IsUUID()
  assigneeId!: string | null;

  /** The customer blocked the channel: replies are refused. */
  @IsBoolean()
  blocked!: boolean;

  @ValidateIf((_, v) => v !== null)
  @IsUUID()
  previousConversationId!: string | null;

  @IsString()
  openedAt!: string;

  @IsString()
  lastMessageAt!: string;

  /** Text of the last message, for queue previews. */
  @IsString()
  lastMessagePreview!: string;

  @IsInt()
  messageCount!: number;

  /** Stream version: the position of the last event applied to this view. */
  @IsInt()
  version!: number;
}

export class MessageView {
  @IsUUID()
  id!: string;

  @IsUUID()
  conversationId!: string;

  @IsIn(['inbound', 'outbound'])
  direction!: 'inbound' | 'outbound';

  @ValidateNested()
  @Type(() => MessageAuthor)
  author!: MessageAuthor;

  @IsString()
  text!: string;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => AttachmentRef)
  attachments!: AttachmentRef[];

  /** `received` for inbound; for replies `pending` → `delivered` | `failed`; `sent` for replies written in the messenger. */
  @IsIn(['received', 'pending', 'delivered', 'failed', 'sent'])
  status!: 'received' | 'pending' | 'delivered' | 'failed' | 'sent';

  @IsOptional()
  @IsString()
  failureCode?: string;

  @IsOptional()
  @IsString()
  failureReason?: string;

  @IsOptional()
  @IsString()
  externalMessageId?: string;

  /**
   * What the messenger reported after accepting a reply (Viber receipts): `delivered` to the device, `seen`, or
   * `failed` (then `status` is `failed` too, code `MESSENGER_REPORTED_FAILED`, the messenger's reason). Absent: no report.
   */
  @IsOptional()
  @IsIn(['delivered', 'seen', 'failed'])
  receipt?: 'delivered' | 'seen' | 'failed';

  /** When the last receipt was reported. */
  @IsOptional()
  @IsString()
  receiptAt?: string;

  @IsString()
  sentAt!: string;

  /** When the customer last edited it (the text is the edited one); absent when never edited. */
  @IsOptional()
  @IsString()
  editedAt?: string;
}

class ConversationRef {
  @IsUUID()
  conversationId!: string;
}

export class AcceptConversation extends ConversationRef {
  @IsUUID()
  operatorId!: string;

  /**
   * The operator's role as console-api (the owner of accounts) knows it at the time of the request: `admin` and
   * `supervisor` act in every line, member or not; absent means `operator` (members of the line only). The same
   * field on CloseConversation. (Replies need no role: whoever took the conversation answers it, whatever their role.)
   */
  @IsOptional()
  @IsIn(OperatorRoles)
  actorRole?: OperatorRole;
}

export const AcceptConversationV1 = defineRequest({
  kind: 'command', type: 'AcceptConversation', version: 1, subject: 'parley.conversation-service.accept.v1',
  data: AcceptConversation, reply: ConversationView,
  description:
    'An operator of the line (or a supervisor or admin, any line) takes a queued conversation. ALREADY_ASSIGNED, NOT_A_LINE_MEMBER, CONVERSATION_CLOSED.',
});

export class RequestReply extends ConversationRef {
  /** Client-generated id; sending the same id twice is one reply. */
  @IsUUID()
  replyId!: string;

  @IsUUID()
  operatorId!: string;

  @IsString()
  @MaxLength(65_536)
  text!: string;

  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => AttachmentRef)
  attachments!: AttachmentRef[];

  /** The operator's display name, for messengers that can show it as the sender (Viber `sendAsOperator`). */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  operatorName?: string;
}

export const RequestReplyV1 = defineRequest({
  kind: 'command', type: 'RequestReply', version: 1, subject: 'parley.conversation-service.reply.v1',
  data: RequestReply, reply: MessageView,
  description:
    'The assigned operator answers (any role: accept first). NOT_ASSIGNED_TO_YOU, CONVERSATION_CLOSED, RECIPIENT_BLOCKED, EMPTY_REPLY.',
});

export class CloseConversation extends ConversationRef {
  /** The operator closing it; absent when closed by the system. */
  @IsOptional()
  @IsUUID()
  operatorId?: string;

  /** See AcceptConversation.actorRole; recorded on ConversationClosed. */
  @IsOptional()
  @IsIn(OperatorRoles)
  actorRole?: OperatorRole;
}

export const CloseConversationV1 = defineRequest({
  kind: 'command', type: 'CloseConversation', version: 1, subject: 'parley.conversation-service.close.v1',
  data: CloseConversation, reply: ConversationView,
  description:
    'Closes a conversation: its assignee, any line member when nobody took it, or a supervisor or admin (any line, any assignee). NOT_A_LINE_MEMBER, NOT_ASSIGNED_TO_YOU.',
});

export class ListConversations {
  @IsOptional()
  @IsArray()
  @IsUUID('all', { each: true })
  lineIds?: string[];

  @IsOptional()
  @IsIn(ConversationStatuses)
  status?: ConversationStatus;

  @IsOptional()
  @IsUUID()
  assigneeId?: string;

  @IsOptional()
  @IsUUID()
  contactId?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class ConversationList {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ConversationView)
  items!: ConversationView[];
}

export const ListConversationsV1 = defineRequest({
  kind: 'query', type: 'ListConversations', version: 1, subject: 'parley.conversation-service.list.v1',
  data: ListConversations, reply: ConversationList,
  description: 'Conversations by line, status, assignee or contact, most recent activity first.',
});

export const GetConversationV1 = defineRequest({
  kind: 'query', type: 'GetConversation', version: 1, subject: 'parley.conversation-service.get.v1',
  data: ConversationRef, reply: ConversationView,
  description: 'One conversation. NOT_FOUND when unknown.',
});

export class MessageList {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => MessageView)
  items!: MessageView[];
}

export const GetConversationMessagesV1 = defineRequest({
  kind: 'query', type: 'GetConversationMessages', version: 1, subject: 'parley.conversation-service.messages.v1',
  data: ConversationRef, reply: MessageList,
  description: 'The whole history of a conversation, oldest first.',
});

export class LoggedEvent {
  @IsUUID()
  id!: string;

  @IsString()
  type!: string;

  @IsInt()
  version!: number;

  @IsInt()
  streamPosition!: number;

  @IsString()
  occurredAt!: string;

  @IsObject()
  data!: Record<string, unknown>;
}

export class ConversationLog {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => LoggedEvent)
  events!: LoggedEvent[];
}

export const GetConversationLogV1 = defineRequest({
  kind: 'query', type: 'GetConversationLog', version: 1, subject: 'parley.conversation-service.log.v1',
  data: ConversationRef, reply: ConversationLog,
  description: "The conversation's events, read from the event store in stream order.",
});
