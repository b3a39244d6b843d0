import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { AttachmentRef } from '../common/attachment-ref';
import { ChannelTypes, type ChannelType } from '../common/channel-type';
import { defineEvent, defineRequest, type RequestDefinition } from '../envelope/message-definition';

/*
 * What every channel gateway answers. The data shapes are shared; each gateway has its own subjects,
 * `parley.gateway-<type>.<verb>.v1`, so a request reaches the gateway of the channel's messenger.
 */

export class SendReply {
  @IsUUID()
  channelId!: string;

  @IsUUID()
  conversationId!: string;

  /** Idempotency key: the gateway derives the messenger's de-duplication id from it (VK `random_id`). */
  @IsUUID()
  replyId!: string;

  @IsString()
  @MinLength(1)
  externalChatId!: string;

  @IsString()
  @MaxLength(65_536)
  text!: string;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => AttachmentRef)
  attachments!: AttachmentRef[];

  /**
   * The answering operator's display name, for messengers that can show it as the sender (Viber `sender.name`
   * when the channel has `sendAsOperator`); the gateway cuts it to the messenger's limit. Absent: the account's name.
   */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  senderName?: string;
}

export class SendReceipt {
  @IsString()
  externalMessageId!: string;

  @IsString()
  sentAt!: string;
}

/** Error codes of `send`. Retryable ones carry `retryAfterMs` when the messenger said how long to wait. */
export const SendErrorCodes = {
  /** The customer blocked the channel (VK 901/900, Telegram 403, Viber 6): permanent. */
  RECIPIENT_BLOCKED: 'RECIPIENT_BLOCKED',
  /** The messenger throttled us (VK 6/9/29, Telegram 429, Viber 12): retry later. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** Text or file too large for the messenger: permanent. */
  MESSAGE_TOO_LONG: 'MESSAGE_TOO_LONG',
  /** The channel is disconnected or deleted in Parley: permanent. */
  CHANNEL_DISCONNECTED: 'CHANNEL_DISCONNECTED',
  /** The messenger rejected the channel's credentials: permanent until an admin fixes them. */
  CHANNEL_AUTH_FAILED: 'CHANNEL_AUTH_FAILED',
  /** Messenger-side or network failure (VK 10, 5xx, timeouts): retry. */
  MESSENGER_UNAVAILABLE: 'MESSENGER_UNAVAILABLE',
  /** Any other refusal by the messenger: permanent, with its own code in `details`. */
  MESSENGER_REJECTED: 'MESSENGER_REJECTED',
  /**
   * The messenger's reply window is closed (Meta: 24 h after the customer's last message, 7 days with HUMAN_AGENT):
   * permanent. `details.closedAt` (ISO-8601, when known) and `details.reason` (`window-closed` when the gateway
   * refused before sending, `meta-refused` when Meta answered 10/2018278).
   */
  REPLY_WINDOW_CLOSED: 'REPLY_WINDOW_CLOSED',
} as const;

export class FetchProfile {
  @IsUUID()
  channelId!: string;

  @IsString()
  externalUserId!: string;
}

export class FetchedProfile {
  @IsString()
  displayName!: string;

  /** Avatar copied into the attachment store (messenger URLs expire). */
  @IsOptional()
  @ValidateNested()
  @Type(() => AttachmentRef)
  avatar?: AttachmentRef;
}

export const ChannelStatuses = ['active', 'disconnected'] as const;
export type ChannelStatus = (typeof ChannelStatuses)[number];

/**
 * How the messenger treats an Active channel, as the gateway sees it: `degraded` after repeated API failures,
 * `deactivated` after a critical one (credentials revoked): the gateway stops using it until an admin switches it
 * Active again. The reason is shown to admins.
 */
export const ChannelHealthStates = ['healthy', 'degraded', 'deactivated'] as const;
export type ChannelHealth = (typeof ChannelHealthStates)[number];

/** A connected channel as admins see it. Credentials never leave the gateway. */
export class ChannelView {
  @IsUUID()
  id!: string;

  @IsIn(ChannelTypes)
  type!: ChannelType;

  @IsUUID()
  lineId!: string;

  @IsString()
  name!: string;

  @IsIn(ChannelStatuses)
  status!: ChannelStatus;

  /** Absent from gateways that do not track it (read as `healthy`). */
  @IsOptional()
  @IsIn(ChannelHealthStates)
  health?: ChannelHealth;

  /** Why the channel is degraded or deactivated (the messenger's own message), for admins. */
  @IsOptional()
  @IsString()
  @MaxLength(500)
  healthReason?: string;

  /** The messenger's id of the connected account (VK community id, bot id, page id). */
  @IsString()
  externalId!: string;

  /** A link customers open to start a chat (Viber `viber://pa?chatURI=<uri>`), for the company's site; absent where none. */
  @IsOptional()
  @IsString()
  @MaxLength(500)
  customerLink?: string;

  /** Where the messenger must send its webhooks (to paste into the messenger's settings where it is manual). */
  @IsUrl({ require_tld: false })
  webhookUrl!: string;

  @IsString()
  createdAt!: string;
}

export class ConnectChannel {
  /** Optional client-chosen id (makes the command idempotent). */
  @IsOptional()
  @IsUUID()
  channelId?: string;

  @IsUUID()
  lineId!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(120)
  name!: string;

  /** Messenger-specific credentials and settings (VK: groupId, confirmation, secret, token); validated by the gateway. */
  @IsObject()
  settings!: Record<string, unknown>;
}

export class UpdateChannel {
  @IsUUID()
  channelId!: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  name?: string;

  /** true: Active (and backfill what was missed), false: Disconnected. */
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class DeleteChannel {
  @IsUUID()
  channelId!: string;
}

export class Deleted {
  @IsBoolean()
  deleted!: boolean;
}

export class ListChannels {
  @IsOptional()
  @IsUUID()
  lineId?: string;
}

export class ChannelList {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ChannelView)
  channels!: ChannelView[];
}

export interface GatewayRequests {
  send: RequestDefinition<SendReply, SendReceipt>;
  fetchProfile: RequestDefinition<FetchProfile, FetchedProfile>;
  connectChannel: RequestDefinition<ConnectChannel, ChannelView>;
  updateChannel: RequestDefinition<UpdateChannel, ChannelView>;
  deleteChannel: RequestDefinition<DeleteChannel, Deleted>;
  listChannels: RequestDefinition<ListChannels, ChannelList>;
}

function gatewayRequestsFor(type: ChannelType): GatewayRequests {
  const service = `gateway-${type}`;
  return {
    send: defineRequest({
      kind: 'command', type: 'SendReply', version: 1, subject: `parley.${service}.send.v1`, data: SendReply, reply: SendReceipt,
      description: `Sends an operator reply through ${type}. Idempotent by replyId. Errors: SendErrorCodes.`,
    }),
    fetchProfile: defineRequest({
      kind: 'query', type: 'FetchProfile', version: 1, subject: `parley.${service}.fetch-profile.v1`, data: FetchProfile, reply: FetchedProfile,
      description: `Looks up a customer's ${type} profile and copies the avatar into the attachment store.`,
    }),
    connectChannel: defineRequest({
      kind: 'command', type: 'ConnectChannel', version: 1, subject: `parley.${service}.connect-channel.v1`, data: ConnectChannel, reply: ChannelView,
      description: `Connects a ${type} account to a line after checking its credentials with ${type}. CONFLICT when already connected.`,
    }),
    updateChannel: defineRequest({
      kind: 'command', type: 'UpdateChannel', version: 1, subject: `parley.${service}.update-channel.v1`, data: UpdateChannel, reply: ChannelView,
      description: `Renames a ${type} channel or switches it Active/Disconnected.`,
    }),
    deleteChannel: defineRequest({
      kind: 'command', type: 'DeleteChannel', version: 1, subject: `parley.${service}.delete-channel.v1`, data: DeleteChannel, reply: Deleted,
      description: `Deletes a ${type} channel and its stored credentials.`,
    }),
    listChannels: defineRequest({
      kind: 'query', type: 'ListChannels', version: 1, subject: `parley.${service}.list-channels.v1`, data: ListChannels, reply: ChannelList,
      description: `The ${type} channels, optionally of one line.`,
    }),
  };
}

/** `GatewayRequestsByType.vk.send` is `parley.gateway-vk.send.v1`, and so on. */
export const GatewayRequestsByType: Readonly<Record<ChannelType, GatewayRequests>> = Object.freeze(
  Object.fromEntries(ChannelTypes.map((t) => [t, gatewayRequestsFor(t)])) as Record<ChannelType, GatewayRequests>,
);

export class ChannelChanged extends ChannelView {
  /** True when the channel was deleted (the rest is its last state). */
  @IsBoolean()
  deleted!: boolean;
}

export const ChannelChangedV1 = defineEvent({
  type: 'ChannelChanged',
  version: 1,
  subject: 'parley.channel.channel-changed.v1',
  data: ChannelChanged,
  description: 'A channel was connected, renamed, switched Active/Disconnected or deleted; carries its whole state.',
});
