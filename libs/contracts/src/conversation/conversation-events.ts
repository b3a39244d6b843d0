import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { AttachmentRef } from '../common/attachment-ref';
import { ChannelTypes, type ChannelType } from '../common/channel-type';
import { OperatorRoles, type OperatorRole } from '../common/operator-role';
import { defineEvent } from '../envelope/message-definition';

/*
 * Conversation events. They are appended to the conversation's stream (`conversation-<conversationId>`) in the
 * conversation-service's event store and published to PARLEY_EVENTS by its relay, in stream order, with the
 * stream event's id as the envelope id.
 */

abstract class ConversationFact {
  @IsUUID()
  conversationId!: string;
}

/** Who wrote a message. */
export class MessageAuthor {
  /**
   * `contact`: the customer; `operator`: a Parley operator (id = operator id); `messenger`: someone answering inside
   * the messenger, outside Parley (VK community admin); `system`: Parley itself.
   */
  @IsIn(['contact', 'operator', 'messenger', 'system'])
  kind!: 'contact' | 'operator' | 'messenger' | 'system';

  /** Contact id or operator id; absent for `messenger` and `system`. */
  @IsOptional()
  @IsString()
  id?: string;
}

/** Why the session rule did what it did; recorded so the choice can be audited. */
export class SessionDecision {
  /** `first`: the contact had no conversation in the line; `new`: a new one after a closed one; `reopen`: the closed one reopened. */
  @IsIn(['first', 'new', 'reopen'])
  outcome!: 'first' | 'new' | 'reopen';

  /** Human-readable reason, e.g. `line rule "new": previous conversation closed` or `closed 30 h ago, reopen window 24 h`. */
  @IsString()
  @MinLength(1)
  reason!: string;
}

export class ConversationOpened extends ConversationFact {
  @IsUUID()
  lineId!: string;

  @IsUUID()
  channelId!: string;

  @IsIn(ChannelTypes)
  channelType!: ChannelType;

  @IsUUID()
  contactId!: string;

  /** Where replies go in the messenger (VK peer_id, …). */
  @IsString()
  externalChatId!: string;

  /** The previous conversation of this contact in this line, when the session rule opened a new one after it. */
  @ValidateIf((_, v) => v !== null)
  @IsUUID()
  previousConversationId!: string | null;

  @ValidateNested()
  @Type(() => SessionDecision)
  decision!: SessionDecision;
}

export const ConversationOpenedV1 = defineEvent({
  type: 'ConversationOpened',
  version: 1,
  subject: 'parley.conversation.conversation-opened.v1',
  data: ConversationOpened,
  description: "A conversation started in a line's queue; the first message follows as MessageAppended.",
});

export class ConversationReopened extends ConversationFact {
  @ValidateNested()
  @Type(() => SessionDecision)
  decision!: SessionDecision;
}

export const ConversationReopenedV1 = defineEvent({
  type: 'ConversationReopened',
  version: 1,
  subject: 'parley.conversation.conversation-reopened.v1',
  data: ConversationReopened,
  description: 'A closed conversation was reopened by a new customer message (line rule "reopen"); it is queued again.',
});

export class MessageAppended extends ConversationFact {
  /** Parley's id of the message (for operator replies, the reply id the console generated). */
  @IsUUID()
  messageId!: string;

  /** `inbound`: from the customer; `outbound`: to the customer (operator reply or answered inside the messenger). */
  @IsIn(['inbound', 'outbound'])
  direction!: 'inbound' | 'outbound';

  @ValidateNested()
  @Type(() => MessageAuthor)
  author!: MessageAuthor;

  @IsString()
  @MaxLength(65_536)
  text!: string;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => AttachmentRef)
  attachments!: AttachmentRef[];

  /** The messenger's id of the message, when it has one (inbound and messenger-side replies). */
  @IsOptional()
  @IsString()
  externalMessageId?: string;

  /** When it was written (the messenger's timestamp for inbound messages). */
  @IsISO8601({ strict: true })
  sentAt!: string;
}

export const MessageAppendedV1 = defineEvent({
  type: 'MessageAppended',
  version: 1,
  subject: 'parley.conversation.message-appended.v1',
  data: MessageAppended,
  description: "A message became part of the conversation's history (customer message, or a reply written in the messenger).",
});

export class ConversationAccepted extends ConversationFact {
  @IsUUID()
  operatorId!: string;

  @IsUUID()
  lineId!: string;

  /** The accepting operator's role when the command carried it (a supervisor or admin may take any line's). */
  @IsOptional()
  @IsIn(OperatorRoles)
  actorRole?: OperatorRole;
}

export const ConversationAcceptedV1 = defineEvent({
  type: 'ConversationAccepted',
  version: 1,
  subject: 'parley.conversation.conversation-accepted.v1',
  data: ConversationAccepted,
  description: 'An operator of the line (or a supervisor or admin) took the conversation; only they answer it from now on.',
});

export class ReplyRequested extends ConversationFact {
  /** Client-generated id of the reply (idempotency key end to end: VK random_id is derived from it). */
  @IsUUID()
  replyId!: string;

  @IsUUID()
  operatorId!: string;

  @IsUUID()
  lineId!: string;

  @IsUUID()
  channelId!: string;

  @IsIn(ChannelTypes)
  channelType!: ChannelType;

  @IsString()
  externalChatId!: string;

  @IsString()
  @MaxLength(65_536)
  text!: string;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => AttachmentRef)
  attachments!: AttachmentRef[];

  /** The operator's display name, for messengers that can show it as the sender (Viber `sendAsOperator`). */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  operatorName?: string;
}

export const ReplyRequestedV1 = defineEvent({
  type: 'ReplyRequested',
  version: 1,
  subject: 'parley.conversation.reply-requested.v1',
  data: ReplyRequested,
  description: 'An operator answered; the outbound dispatcher delivers it to the messenger (part of the history from now on, status pending).',
});

export class ReplyDelivered extends ConversationFact {
  @IsUUID()
  replyId!: string;

  /** The messenger's id of the sent message. */
  @IsString()
  externalMessageId!: string;

  @IsISO8601({ strict: true })
  deliveredAt!: string;
}

export const ReplyDeliveredV1 = defineEvent({
  type: 'ReplyDelivered',
  version: 1,
  subject: 'parley.conversation.reply-delivered.v1',
  data: ReplyDelivered,
  description: 'The messenger accepted the reply.',
});

export class ReplyFailed extends ConversationFact {
  @IsUUID()
  replyId!: string;

  /** Coded reason: `RECIPIENT_BLOCKED`, `MESSAGE_TOO_LONG`, `CHANNEL_DISCONNECTED`, `RETRIES_EXHAUSTED`, … */
  @IsString()
  @MinLength(1)
  code!: string;

  /** Human-readable reason shown to the operator. */
  @IsString()
  reason!: string;
}

export const ReplyFailedV1 = defineEvent({
  type: 'ReplyFailed',
  version: 1,
  subject: 'parley.conversation.reply-failed.v1',
  data: ReplyFailed,
  description: 'The reply could not be delivered and will not be retried; `code` says why.',
});

export class ConversationClosed extends ConversationFact {
  @ValidateNested()
  @Type(() => MessageAuthor)
  closedBy!: MessageAuthor;

  /**
   * The closing operator's role when the command carried it: `admin` or `supervisor` records a close by someone
   * who may act in every line (not necessarily a member, not necessarily the assignee).
   */
  @IsOptional()
  @IsIn(OperatorRoles)
  actorRole?: OperatorRole;
}

export const ConversationClosedV1 = defineEvent({
  type: 'ConversationClosed',
  version: 1,
  subject: 'parley.conversation.conversation-closed.v1',
  data: ConversationClosed,
  description: 'The conversation was closed; a later customer message follows the line session rule.',
});

export class ConversationBlockChanged extends ConversationFact {
  /** Whether the customer now blocks messages from the channel. */
  @IsBoolean()
  blocked!: boolean;
}

export const CustomerBlockRecordedV1 = defineEvent({
  type: 'CustomerBlockRecorded',
  version: 1,
  subject: 'parley.conversation.customer-block-recorded.v1',
  data: ConversationBlockChanged,
  description: 'The customer blocked (blocked=true) or allowed again (blocked=false) the channel of this conversation.',
});

export class MessageEditRecorded extends ConversationFact {
  /** Parley's id of the customer's message that was edited. */
  @IsUUID()
  messageId!: string;

  /** The new text. */
  @IsString()
  @MaxLength(65_536)
  text!: string;

  /** When the customer edited it (the messenger's time). */
  @IsISO8601({ strict: true })
  editedAt!: string;
}

export const MessageEditRecordedV1 = defineEvent({
  type: 'MessageEditRecorded',
  version: 1,
  subject: 'parley.conversation.message-edit-recorded.v1',
  data: MessageEditRecorded,
  description: 'The customer edited a message of the conversation (Telegram edited_message); the log shows the new text as edited.',
});

export const ReplyReceiptStatusesRecorded = ['delivered', 'seen', 'failed'] as const;

export class ReplyReceiptRecorded extends ConversationFact {
  @IsUUID()
  replyId!: string;

  /** `delivered` to the customer's device, `seen` by the customer, or `failed` after the messenger had accepted it. */
  @IsIn(ReplyReceiptStatusesRecorded)
  status!: (typeof ReplyReceiptStatusesRecorded)[number];

  /** The messenger's reason for `failed` (Viber `desc`). */
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;

  /** When the messenger reported it (its time). */
  @IsISO8601({ strict: true })
  receivedAt!: string;
}

export const ReplyReceiptRecordedV1 = defineEvent({
  type: 'ReplyReceiptRecorded',
  version: 1,
  subject: 'parley.conversation.reply-receipt-recorded.v1',
  data: ReplyReceiptRecorded,
  description:
    'The messenger reported a delivered reply as delivered to the device, seen, or failed with a reason (Viber receipts); a later report never lowers the status (seen stays seen).',
});

/** Every conversation event definition, for consumers that fold a whole stream. */
export const ConversationEvents = [
  ConversationOpenedV1,
  ConversationReopenedV1,
  MessageAppendedV1,
  ConversationAcceptedV1,
  ReplyRequestedV1,
  ReplyDeliveredV1,
  ReplyFailedV1,
  ConversationClosedV1,
  CustomerBlockRecordedV1,
  MessageEditRecordedV1,
  ReplyReceiptRecordedV1,
] as const;
