import type {
  ChannelAdapter,
  ChannelConnection,
  InboundItem,
  ProfileDraft,
  SendOutcome,
  SendTools,
  StoredSettings,
  WebhookRequest,
  WebhookVerdict,
} from '@parley/channel-kit';
import { GatewayErrorCodes, ParleyError, SendErrorCodes, type AttachmentRef, type SendReply } from '@parley/contracts';
import {
  HANDLED_VK_EVENT_TYPES,
  normalizeVkCallback,
  parseVkCallback,
  parseVkChannelSettings,
  VK_CAPABILITIES,
  VK_MAX_PHOTO_BYTES,
  VK_PHOTO_MIMES,
  vkMessageToReceived,
  vkRandomIdFromReplyId,
  vkSecretMatches,
  VkApiClient,
  VkCallbackValidationError,
  VkUserLookups,
  type VkCallback,
  type VkMessage,
} from './vk';

/** Stored in clear: the community id and the string VK expects in answer to `{"type":"confirmation"}` (not a secret). */
export interface VkSettings {
  groupId: number;
  confirmation: string;
}

/** Stored encrypted: the Callback API secret and the community token. */
export interface VkSecrets {
  secret: string;
  token: string;
}

type VkConnection = ChannelConnection<VkSettings, VkSecrets>;

/** VK's placeholder avatars (no photo set): not worth copying. */
const DEFAULT_AVATAR = /\/images\/(camera|deactivated|community)_\d+/;

/**
 * VK communities on the channel kit: Callback API verification (group_id + `secret`, the confirmation string),
 * normalisation (vk/vk-callback.normalizer.ts), messages.send with `random_id` from the reply id, photo/document
 * uploads, users.get profiles (look-ups of a token share one call) and getHistory backfill. The client paces every
 * call per token (20/s; a call that waits longer than PACING_MAX_WAIT_MS is refused, the first second after start
 * counts as spent), so the kit's `pace` is not used.
 */
export class VkAdapter implements ChannelAdapter<VkSettings, VkSecrets> {
  readonly type = 'vk' as const;
  readonly capabilities = VK_CAPABILITIES;

  /** Profile look-ups of a token share one users.get (see VkUserLookups). */
  private readonly users: VkUserLookups;

  constructor(private readonly vk: VkApiClient) {
    this.users = new VkUserLookups(vk);
  }

  prepareSettings(raw: Record<string, unknown>): StoredSettings<VkSettings, VkSecrets> {
    const s = parseVkChannelSettings(raw);
    return { settings: { groupId: Number(s.groupId), confirmation: s.confirmation }, secrets: { secret: s.secret, token: s.token } };
  }

  /** groups.getById with the token: it must belong to the community given. */
  async checkCredentials({ settings, secrets }: StoredSettings<VkSettings, VkSecrets>): Promise<{ externalId: string }> {
    const community = await this.vk.getCommunity(secrets.token);
    if (community.id !== settings.groupId) {
      throw new ParleyError(GatewayErrorCodes.CHANNEL_CHECK_FAILED, `the token belongs to VK community ${community.id}, not ${settings.groupId}`, {
        retryable: false,
        details: { groupId: settings.groupId, tokenGroupId: community.id },
      });
    }
    return { externalId: String(community.id) };
  }

  receive(connection: VkConnection, request: WebhookRequest): WebhookVerdict {
    let callback: VkCallback;
    try {
      callback = parseVkCallback(JSON.parse(request.rawBody.toString('utf8')) as unknown);
    } catch (err: unknown) {
      const problem = err instanceof VkCallbackValidationError ? `${err.path} ${err.problem}` : 'not JSON';
      return { kind: 'reject', status: 400, reason: `not a VK callback: ${problem}`, eventType: 'unknown' };
    }
    // A metric label: VK's own event types only (the body is untrusted; unknown types would explode cardinality).
    const eventType = (HANDLED_VK_EVENT_TYPES as readonly string[]).includes(callback.type) ? callback.type : 'other';
    const forbidden = (reason: string): WebhookVerdict => ({ kind: 'reject', status: 403, reason, eventType });
    if (String(callback.group_id) !== connection.externalId) return forbidden('another community');
    // `confirmation` carries no secret: answered when its group_id matches, unless it brings a wrong one.
    if (callback.type === 'confirmation') {
      if (callback.secret !== undefined && !vkSecretMatches(callback, connection.secrets.secret)) return forbidden('wrong secret');
      return { kind: 'respond', status: 200, body: connection.settings.confirmation, outcome: 'confirmation', eventType };
    }
    if (!vkSecretMatches(callback, connection.secrets.secret)) return forbidden('wrong or missing secret');

    const normalized = normalizeVkCallback(callback, { channelId: connection.id, lineId: connection.lineId });
    const items: InboundItem[] = [];
    switch (normalized.kind) {
      case 'message-received':
        items.push({ kind: 'message-received', fact: normalized.fact, media: normalized.media, alsoKnownAs: [normalized.eventKey] });
        break;
      case 'external-reply': {
        // VK echoes Parley's own sends as message_reply; they carry the random_id Parley derived (its send key).
        const randomId = ((callback as Exclude<VkCallback, { type: 'confirmation' }>).object as VkMessage).random_id;
        items.push({
          kind: 'external-reply',
          fact: normalized.fact,
          media: normalized.media,
          alsoKnownAs: [normalized.eventKey],
          ...(randomId ? { echoOfSendKey: String(randomId) } : {}),
        });
        break;
      }
      case 'customer-blocked':
      case 'customer-unblocked':
        items.push({ kind: normalized.kind, fact: normalized.fact });
        break;
      default:
        break;
    }
    return { kind: 'accept', eventType, items };
  }

  sendKey(reply: SendReply): string {
    return String(vkRandomIdFromReplyId(reply.replyId));
  }

  async send(connection: VkConnection, reply: SendReply, tools: SendTools): Promise<SendOutcome> {
    const peerId = Number(reply.externalChatId);
    if (!Number.isSafeInteger(peerId) || peerId <= 0) {
      throw new ParleyError(SendErrorCodes.MESSENGER_REJECTED, `not a VK peer id: ${reply.externalChatId}`, { retryable: false });
    }
    const token = connection.secrets.token;
    const attachments: string[] = [];
    for (const ref of reply.attachments) attachments.push(await this.upload(token, peerId, ref, tools));
    const messageId = await this.vk.sendMessage(token, { peerId, randomId: Number(tools.sendKey), text: reply.text, attachments });
    return { externalMessageId: String(messageId) };
  }

  async fetchProfile(connection: VkConnection, externalUserId: string): Promise<ProfileDraft | undefined> {
    const userId = Number(externalUserId);
    if (!Number.isSafeInteger(userId) || userId <= 0) return undefined;
    const user = await this.users.get(connection.secrets.token, userId);
    if (!user) return undefined;
    const displayName = `${user.first_name} ${user.last_name}`.trim() || `VK user ${userId}`;
    if (!user.photo_200 || DEFAULT_AVATAR.test(user.photo_200)) return { displayName };
    return {
      displayName,
      avatar: { url: user.photo_200, name: `vk-avatar-${userId}`, mime: 'application/octet-stream', kind: 'image', source: `avatar${userId}` },
    };
  }

  async *history(connection: VkConnection, since: Date): AsyncIterable<InboundItem> {
    const groupId = Number(connection.externalId);
    const messages = await this.vk.messagesSince(connection.secrets.token, { groupId, since });
    for (const message of messages) {
      if (message.out !== 0) continue;
      const draft = vkMessageToReceived(message, groupId, { channelId: connection.id, lineId: connection.lineId }, 'backfill');
      yield { kind: 'message-received', fact: draft.fact, media: draft.media };
    }
  }

  close(): void {
    this.vk.close();
  }

  /** One attachment through VK's photo (jpeg/png/gif images) or document upload flow. */
  private async upload(token: string, peerId: number, ref: AttachmentRef, tools: SendTools): Promise<string> {
    const asPhoto = ref.kind === 'image' && VK_PHOTO_MIMES.includes(ref.mime);
    if (asPhoto && ref.size > VK_MAX_PHOTO_BYTES) {
      throw new ParleyError(SendErrorCodes.MESSAGE_TOO_LONG, `${ref.name} is over VK's ${VK_MAX_PHOTO_BYTES} byte photo limit`, {
        retryable: false,
        details: { attachmentId: ref.id, size: ref.size, max: VK_MAX_PHOTO_BYTES },
      });
    }
    const input = { peerId, bytes: await tools.read(ref), name: ref.name, mime: ref.mime };
    return asPhoto ? this.vk.uploadPhoto(token, input) : this.vk.uploadDoc(token, { ...input, title: ref.name });
  }
}
