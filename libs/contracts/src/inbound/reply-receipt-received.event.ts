import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { defineEvent } from '../envelope/message-definition';
import { InboundFact } from './inbound-base';

export const ReplyReceiptStatuses = ['delivered', 'seen', 'failed'] as const;
export type ReplyReceiptStatus = (typeof ReplyReceiptStatuses)[number];

/**
 * The messenger reports what became of a message Parley sent (Viber `delivered` / `seen` / `failed` callbacks):
 * `externalMessageId` is the id the gateway's `send` returned (`SendReceipt.externalMessageId`, Viber
 * `message_token`). `failed` may follow a send the messenger had accepted.
 */
export class ReplyReceiptReceived extends InboundFact {
  @IsString()
  @MinLength(1)
  externalMessageId!: string;

  @IsIn(ReplyReceiptStatuses)
  status!: ReplyReceiptStatus;

  /** The messenger's reason for `failed` (Viber `desc`). */
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export const ReplyReceiptReceivedV1 = defineEvent({
  type: 'ReplyReceiptReceived',
  version: 1,
  subject: 'parley.inbound.reply-receipt-received.v1',
  data: ReplyReceiptReceived,
  description: 'The messenger reported a sent reply as delivered to the device, seen by the customer, or failed (with its reason).',
});
