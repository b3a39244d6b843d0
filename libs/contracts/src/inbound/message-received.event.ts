import { Type } from 'class-transformer';
import { IsArray, IsIn, IsOptional, IsString, IsUrl, MaxLength, ValidateNested } from 'class-validator';
import { AttachmentRef } from '../common/attachment-ref';
import { defineEvent } from '../envelope/message-definition';
import { InboundFact } from './inbound-base';

/** Profile hints the messenger delivered with the message (Viber `sender`), so no extra look-up is needed. */
export class ProfileHint {
  @IsOptional()
  @IsString()
  @MaxLength(200)
  displayName?: string;

  @IsOptional()
  @IsUrl({ require_tld: false })
  avatarUrl?: string;
}

export class MessageReceived extends InboundFact {
  /** The message id in the messenger (VK message `id`, Meta `mid`, Telegram `message_id`, Viber `message_token`). */
  @IsString()
  externalMessageId!: string;

  /** Message text; empty when the message is only attachments. */
  @IsString()
  @MaxLength(65_536)
  text!: string;

  /** Files the gateway already copied into the attachment store (messenger URLs expire). */
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => AttachmentRef)
  attachments!: AttachmentRef[];

  /** `webhook` for live delivery, `backfill` for messages fetched after a channel was down. */
  @IsIn(['webhook', 'backfill'])
  source!: 'webhook' | 'backfill';

  @IsOptional()
  @ValidateNested()
  @Type(() => ProfileHint)
  profile?: ProfileHint;
}

export const MessageReceivedV1 = defineEvent({
  type: 'MessageReceived',
  version: 1,
  subject: 'parley.inbound.message-received.v1',
  data: MessageReceived,
  description: 'A customer wrote to a connected channel; published by the gateway once the payload is verified and normalised.',
});
