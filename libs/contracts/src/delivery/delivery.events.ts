import { IsInt, IsISO8601, IsOptional, IsString, IsUUID, Min, MinLength } from 'class-validator';
import { defineEvent } from '../envelope/message-definition';

/*
 * Published by the outbound dispatcher, which owns delivery. The conversation service records the outcome in the
 * conversation's stream as ReplyDelivered / ReplyFailed.
 */

export class ReplyDispatched {
  @IsUUID()
  conversationId!: string;

  @IsUUID()
  replyId!: string;

  @IsString()
  externalMessageId!: string;

  @IsISO8601({ strict: true })
  deliveredAt!: string;

  /** How many send attempts it took (1 = first try). */
  @IsInt()
  @Min(1)
  attempts!: number;
}

export const ReplyDispatchedV1 = defineEvent({
  type: 'ReplyDispatched',
  version: 1,
  subject: 'parley.delivery.reply-dispatched.v1',
  data: ReplyDispatched,
  description: "The dispatcher delivered a reply to the messenger.",
});

export class ReplyDispatchFailed {
  @IsUUID()
  conversationId!: string;

  @IsUUID()
  replyId!: string;

  /** A SendErrorCodes value, or `RETRIES_EXHAUSTED`. */
  @IsString()
  @MinLength(1)
  code!: string;

  @IsString()
  reason!: string;

  @IsInt()
  @Min(1)
  attempts!: number;

  @IsOptional()
  @IsString()
  messengerErrorCode?: string;
}

export const ReplyDispatchFailedV1 = defineEvent({
  type: 'ReplyDispatchFailed',
  version: 1,
  subject: 'parley.delivery.reply-dispatch-failed.v1',
  data: ReplyDispatchFailed,
  description: 'The dispatcher gave up on a reply: a permanent error, or retries exhausted.',
});
