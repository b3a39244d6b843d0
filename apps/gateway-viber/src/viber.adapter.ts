import type {
  ChannelAdapter,
  ChannelConnection,
  CredentialsCheck,
  ProfileDraft,
  SendOutcome,
  SendTools,
  StoredSettings,
  WebhookRequest,
  WebhookVerdict,
} from '@parley/channel-kit';
import { ParleyError, SendErrorCodes, type AttachmentRef, type SendReply } from '@parley/contracts';
import type { MediaLinkSigner } from './media-links/media-link.signer';
import {
  normalizeViberCallback,
  parseViberCallback,
  parseViberJson,
  ProfileMemory,
  VIBER_CAPABILITIES,
  VIBER_EVENT_TYPES,
  VIBER_MAX_CAPTION,
  VIBER_MAX_SENDER_NAME,
  VIBER_PICTURE_MIMES,
  VIBER_VIDEO_MIMES,
  viberSignatureMatches,
  ViberApiClient,
  ViberCallbackError,
  type ViberCallback,
  type ViberOutgoing,
} from './viber';

/** Stored in clear: what get_account_info said, and whether replies carry the operator's name. */
export interface ViberSettings {
  sendAsOperator: boolean;
  accountId?: string;
  uri?: string;
  botName?: string;
  icon?: string;
}

/** Stored encrypted: the bot's auth token (it also keys the callback signatures). */
export interface ViberSecrets {
  authToken: string;
}

type ViberConnection = ChannelConnection<ViberSettings, ViberSecrets>;

/**
 * Viber bots on the channel kit: callbacks verified by `X-Viber-Content-Signature` over the raw bytes and parsed
 * bigint-safe (message_token > 2^53), the `webhook` check answered, set_webhook at connect, send_message with
 * media served at signed expiring links (Viber downloads media by URL), the operator's name as sender when the
 * channel says so, delivered/seen/failed as receipts.
 */
export class ViberAdapter implements ChannelAdapter<ViberSettings, ViberSecrets> {
  readonly type = 'viber' as const;
  readonly capabilities = VIBER_CAPABILITIES;
  /** Names and avatars from recent callbacks: get_user_details is allowed only twice per user per 12 hours. */
  private readonly profiles = new ProfileMemory(10_000);

  constructor(
    private readonly viber: ViberApiClient,
    private readonly links: MediaLinkSigner,
  ) {}

  prepareSettings(raw: Record<string, unknown>): StoredSettings<ViberSettings, ViberSecrets> {
    const authToken = raw['authToken'];
    if (typeof authToken !== 'string') throw new ParleyError(SendErrorCodes.MESSENGER_REJECTED, 'authToken is required', { retryable: false });
    return { settings: { sendAsOperator: raw['sendAsOperator'] === true }, secrets: { authToken } };
  }

  /** get_account_info with the token: the bot's account id is the channel's external id. */
  async checkCredentials({ secrets }: StoredSettings<ViberSettings, ViberSecrets>): Promise<CredentialsCheck<ViberSettings>> {
    const account = await this.viber.getAccountInfo(secrets.authToken);
    return {
      externalId: account.id,
      settings: { accountId: account.id, uri: account.uri, botName: account.name, ...(account.icon ? { icon: account.icon } : {}) },
    };
  }

  registerWebhook(connection: ViberConnection): Promise<void> {
    return this.viber.setWebhook(connection.secrets.authToken, connection.webhookUrl);
  }

  unregisterWebhook(connection: ViberConnection): Promise<void> {
    return this.viber.setWebhook(connection.secrets.authToken, '');
  }

  /** The deep link customers open (`viber://pa?chatURI=<uri>`), for the company's site. */
  customerLink(settings: Record<string, unknown>): string | undefined {
    const uri = settings['uri'];
    return typeof uri === 'string' && uri !== '' ? `viber://pa?chatURI=${encodeURIComponent(uri)}` : undefined;
  }

  receive(connection: ViberConnection, request: WebhookRequest): WebhookVerdict {
    // Before anything is parsed: the signature is over the exact bytes Viber sent.
    const signature = request.headers['x-viber-content-signature'];
    if (signature === undefined) return { kind: 'reject', status: 401, reason: 'no X-Viber-Content-Signature', eventType: 'unknown' };
    if (!viberSignatureMatches(request.rawBody, signature, connection.secrets.authToken)) {
      return { kind: 'reject', status: 403, reason: 'wrong X-Viber-Content-Signature', eventType: 'unknown' };
    }
    let callback: ViberCallback;
    try {
      callback = parseViberCallback(parseViberJson(request.rawBody.toString('utf8')));
    } catch (err: unknown) {
      const problem = err instanceof ViberCallbackError ? err.message : 'not JSON';
      return { kind: 'reject', status: 400, reason: `not a Viber callback: ${problem}`, eventType: 'unknown' };
    }
    const eventType = (VIBER_EVENT_TYPES as readonly string[]).includes(callback.event) ? callback.event : 'other';
    if (callback.event === 'webhook') return { kind: 'respond', status: 200, body: 'ok', outcome: 'webhook-check', eventType };
    const normalized = normalizeViberCallback(callback, { channelId: connection.id, lineId: connection.lineId, accountId: connection.externalId });
    if (normalized.profile) this.profiles.remember(connection.id, normalized.profile);
    return { kind: 'accept', eventType, items: normalized.items };
  }

  async send(connection: ViberConnection, reply: SendReply, tools: SendTools): Promise<SendOutcome> {
    const token = connection.secrets.authToken;
    const senderName = this.senderName(connection, reply);
    const senderAvatar = connection.settings.icon;
    const messages: ViberOutgoing[] = [];
    const [first, ...rest] = reply.attachments;
    const captioned = first !== undefined && rest.length === 0 && this.asPicture(first) && reply.text.length <= VIBER_MAX_CAPTION;
    if (reply.text.trim() !== '' && !captioned) messages.push({ type: 'text', text: reply.text });
    for (const ref of reply.attachments) messages.push(this.mediaMessage(ref, captioned ? reply.text : ''));
    let last = '';
    for (const message of messages) {
      const release = await tools.pace({ chat: reply.externalChatId });
      try {
        last = await this.viber.sendMessage(token, {
          receiver: reply.externalChatId,
          senderName,
          ...(senderAvatar ? { senderAvatar } : {}),
          message,
          trackingData: reply.conversationId,
        });
      } finally {
        release();
      }
    }
    return { externalMessageId: last };
  }

  /** The name the customer saw in a callback, or get_user_details (allowed twice per 12 h per user). */
  async fetchProfile(connection: ViberConnection, externalUserId: string, pace: SendTools['pace']): Promise<ProfileDraft | undefined> {
    let seen = this.profiles.get(connection.id, externalUserId);
    if (!seen?.name) {
      const release = await pace();
      try {
        const details = await this.viber.getUserDetails(connection.secrets.authToken, externalUserId);
        if (details) seen = { userId: externalUserId, ...seen, ...details };
      } finally {
        release();
      }
    }
    if (!seen) return undefined;
    const displayName = seen.name ?? `Viber user ${externalUserId.slice(0, 8)}`;
    if (!seen.avatar) return { displayName };
    return { displayName, avatar: { url: seen.avatar, name: 'viber-avatar.jpg', mime: 'application/octet-stream', kind: 'image', source: 'viber-avatar' } };
  }

  private senderName(connection: ViberConnection, reply: SendReply): string {
    const operator = reply.senderName?.trim();
    const name = connection.settings.sendAsOperator && operator ? operator : (connection.settings.botName ?? connection.name);
    return [...name].slice(0, VIBER_MAX_SENDER_NAME).join('');
  }

  private asPicture(ref: AttachmentRef): boolean {
    return ref.kind === 'image' && VIBER_PICTURE_MIMES.includes(ref.mime);
  }

  /** picture (jpeg/png/gif), video (mp4), otherwise file: Viber fetches `media` from a signed link to the attachment. */
  private mediaMessage(ref: AttachmentRef, caption: string): ViberOutgoing {
    const media = this.links.link(ref.id, ref.name);
    if (this.asPicture(ref)) return { type: 'picture', media, text: caption };
    if (ref.kind === 'video' && VIBER_VIDEO_MIMES.includes(ref.mime)) return { type: 'video', media, size: ref.size };
    return { type: 'file', media, size: ref.size, file_name: ref.name.slice(0, 200) };
  }
}
