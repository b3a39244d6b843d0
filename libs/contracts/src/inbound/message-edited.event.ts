import { IsISO8601, IsString, MaxLength } from 'class-validator';
import { defineEvent } from '../envelope/message-definition';
import { InboundFact } from './inbound-base';

/**
 * The customer edited a message they had sent (Telegram `edited_message`). `dedupeKey` names this edit
 * (`telegram:<botId>:edit:<chatId>:<messageId>:<edit_date>`); `externalMessageId` the message edited.
 * Attachments are not re-sent: an edit changes the text (or the caption).
 */
export class MessageEdited extends InboundFact {
  /** The edited message's id in the messenger (the `externalMessageId` of its MessageReceived). */
  @IsString()
  externalMessageId!: string;

  /** The new text (or caption). */
  @IsString()
  @MaxLength(65_536)
  text!: string;

  /** When the messenger says the edit was made. */
  @IsISO8601({ strict: true })
  editedAt!: string;
}

export const MessageEditedV1 = defineEvent({
  type: 'MessageEdited',
  version: 1,
  subject: 'parley.inbound.message-edited.v1',
  data: MessageEdited,
  description: 'A customer edited a message they had sent; the conversation log shows the new text, marked as edited.',
});
