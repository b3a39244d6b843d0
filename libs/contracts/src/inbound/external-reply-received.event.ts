import { Type } from 'class-transformer';
import { IsArray, IsString, MaxLength, ValidateNested } from 'class-validator';
import { AttachmentRef } from '../common/attachment-ref';
import { defineEvent } from '../envelope/message-definition';
import { InboundFact } from './inbound-base';

/**
 * The business answered the customer from inside the messenger itself (VK `message_reply` written by a community
 * admin in VK), not through Parley. Echoes of Parley's own sends are recognised by the gateway and not published.
 */
export class ExternalReplyReceived extends InboundFact {
  @IsString()
  externalMessageId!: string;

  @IsString()
  @MaxLength(65_536)
  text!: string;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => AttachmentRef)
  attachments!: AttachmentRef[];
}

export const ExternalReplyReceivedV1 = defineEvent({
  type: 'ExternalReplyReceived',
  version: 1,
  subject: 'parley.inbound.external-reply-received.v1',
  data: ExternalReplyReceived,
  description: 'Someone answered the customer inside the messenger, outside Parley (shown as sent from the messenger).',
});
