import { IsIn, IsISO8601, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { ChannelTypes, type ChannelType } from '../common/channel-type';

/** Fields every normalised inbound fact carries. */
export abstract class InboundFact {
  /** The Parley channel (a connected VK community, Viber bot, …) the fact arrived through. */
  @IsUUID()
  channelId!: string;

  @IsIn(ChannelTypes)
  channelType!: ChannelType;

  /** The line the channel feeds, at the time the fact arrived. */
  @IsUUID()
  lineId!: string;

  /**
   * Stable key of the source fact, unique forever within Parley: `vk:<groupId>:msg:<messageId>`,
   * `viber:<botId>:<message_token>`, … Retries and backfills of the same fact carry the same key; consumers use it
   * as the event store's idempotency key.
   */
  @IsString()
  @MinLength(3)
  @MaxLength(200)
  dedupeKey!: string;

  /** Where answers go in the messenger: VK `peer_id`, Telegram `chat.id`, Meta PSID, Viber user id. */
  @IsString()
  @MinLength(1)
  externalChatId!: string;

  /** The customer's id in the messenger (VK `from_id`, Viber `sender.id`, …). */
  @IsString()
  @MinLength(1)
  externalUserId!: string;

  /** When the messenger says it happened (ISO-8601). */
  @IsISO8601({ strict: true })
  sentAt!: string;
}
