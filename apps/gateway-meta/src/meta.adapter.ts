import type {
  ChannelAdapter, ChannelConnection, CredentialsCheck, InboundItem, ProfileDraft, SendOutcome, SendTools, StoredSettings, WebhookRequest, WebhookVerdict,
} from '@parley/channel-kit';
import { GatewayErrorCodes, ParleyError, type AttachmentRef, type SendReply } from '@parley/contracts';
import {
  decideReplyWindow, eventsOf, eventTypeOf, FACEBOOK_CAPABILITIES, FACEBOOK_MAX_TEXT_CHARS, INSTAGRAM_CAPABILITIES, INSTAGRAM_MAX_TEXT_BYTES,
  metaSignatureMatches, normalizeMetaEvent, parseMetaChannelSettings, parseMetaWebhook, splitText, toCheckError, toSendError,
  type GraphApiClient, type MetaPlatform, type MetaWebhookBody, type ReplyWindowsRepository, type WindowDecision,
} from './meta';

/** Stored in clear. `appId` (learnt at connect) recognises Parley's own echoes. */
export interface MetaSettings {
  accountId: string;
  name?: string;
  appId?: string;
  humanAgent: boolean;
  language?: string;
}

/** Stored encrypted. */
export interface MetaSecrets {
  accessToken: string;
  appSecret: string;
  verifyToken: string;
}

type MetaConnection = ChannelConnection<MetaSettings, MetaSecrets>;

const FIELDS: Readonly<Record<MetaPlatform, string>> = {
  page: 'messages,messaging_postbacks,message_deliveries,message_reads,message_echoes,message_reactions,standby',
  instagram: 'messages,messaging_postbacks,messaging_seen,message_reactions',
};

export interface MetaAdapterOptions {
  platform: MetaPlatform;
  graph: GraphApiClient;
  /** The graph.instagram.com client, for Instagram Login tokens (`IG…`); others use `graph`. */
  instagramGraph?: GraphApiClient;
  windows: ReplyWindowsRepository;
  now?: () => Date;
}

/**
 * Facebook pages (Messenger) and Instagram professional accounts on the channel kit: token check (/me, /app),
 * subscribed_apps, hub.challenge, X-Hub-Signature-256 over the raw body, entries normalised one by one, reply
 * windows checked before the Send API, text split at Meta's limits, attachments uploaded as bytes.
 */
export class MetaAdapter implements ChannelAdapter<MetaSettings, MetaSecrets> {
  readonly type: 'facebook' | 'instagram';
  readonly capabilities;
  private readonly platform: MetaPlatform;
  private readonly graph: GraphApiClient;
  private readonly instagramGraph: GraphApiClient | undefined;
  private readonly windows: ReplyWindowsRepository;
  private readonly now: () => Date;
  /** Mids this process's sends returned lately: their echo may come before the kit recorded the send. */
  private readonly recentMids = new Set<string>();

  constructor(options: MetaAdapterOptions) {
    this.platform = options.platform;
    this.type = options.platform === 'page' ? 'facebook' : 'instagram';
    this.capabilities = options.platform === 'page' ? FACEBOOK_CAPABILITIES : INSTAGRAM_CAPABILITIES;
    this.graph = options.graph;
    this.instagramGraph = options.instagramGraph;
    this.windows = options.windows;
    this.now = options.now ?? (() => new Date());
  }

  prepareSettings(raw: Record<string, unknown>): StoredSettings<MetaSettings, MetaSecrets> {
    const s = parseMetaChannelSettings(this.platform, raw);
    return {
      settings: { accountId: s.accountId, humanAgent: s.humanAgent ?? false, ...(s.language === undefined ? {} : { language: s.language }) },
      secrets: { accessToken: s.accessToken, appSecret: s.appSecret, verifyToken: s.verifyToken },
    };
  }

  /** `GET /me` must be the page / account given (Instagram with a page token: `GET /{id}`); `GET /app` names the app. */
  async checkCredentials({ settings, secrets }: StoredSettings<MetaSettings, MetaSecrets>): Promise<CredentialsCheck<MetaSettings>> {
    try {
      const fields = this.platform === 'page' ? 'id,name' : 'id,username';
      let me = await this.api(secrets.accessToken).get<{ id: string; name?: string; username?: string }>('/me', secrets.accessToken, { fields });
      if (me.id !== settings.accountId && this.platform === 'instagram') me = await this.api(secrets.accessToken).get(`/${settings.accountId}`, secrets.accessToken, { fields });
      if (me.id !== settings.accountId) {
        throw new ParleyError(GatewayErrorCodes.CHANNEL_CHECK_FAILED, `the token belongs to ${me.id}, not ${settings.accountId}`, { retryable: false, details: { accountId: settings.accountId } });
      }
      const app = await this.api(secrets.accessToken).get<{ id: string }>('/app', secrets.accessToken);
      const name = me.name ?? me.username;
      return { externalId: me.id, settings: { appId: String(app.id), ...(name === undefined ? {} : { name }) } };
    } catch (err: unknown) {
      throw toCheckError(err, 'accept the token');
    }
  }

  async registerWebhook(connection: MetaConnection): Promise<void> {
    const id = this.platform === 'page' ? connection.externalId : 'me';
    await this.api(connection.secrets.accessToken).post(`/${id}/subscribed_apps`, connection.secrets.accessToken, undefined, { subscribed_fields: FIELDS[this.platform] }).catch((err: unknown) => {
      throw toCheckError(err, 'subscribe the webhook fields');
    });
  }

  async unregisterWebhook(connection: MetaConnection): Promise<void> {
    await this.api(connection.secrets.accessToken).delete(`/${this.platform === 'page' ? connection.externalId : 'me'}/subscribed_apps`, connection.secrets.accessToken);
  }

  handshake(connection: MetaConnection, request: WebhookRequest): WebhookVerdict {
    const challenge = request.query['hub.challenge'];
    if (request.query['hub.mode'] !== 'subscribe' || request.query['hub.verify_token'] !== connection.secrets.verifyToken || !challenge) {
      return { kind: 'reject', status: 403, reason: 'wrong verify token', eventType: 'verification' };
    }
    return { kind: 'respond', status: 200, body: challenge, outcome: 'verified', eventType: 'verification' };
  }

  receive(connection: MetaConnection, request: WebhookRequest): WebhookVerdict {
    if (!metaSignatureMatches(request.rawBody, request.headers['x-hub-signature-256'], connection.secrets.appSecret)) {
      return { kind: 'reject', status: 401, reason: 'wrong or missing X-Hub-Signature-256', eventType: 'unknown' };
    }
    let body: MetaWebhookBody;
    try {
      body = parseMetaWebhook(JSON.parse(request.rawBody.toString('utf8')) as unknown);
    } catch (err: unknown) {
      return { kind: 'reject', status: 400, reason: `not a Meta webhook: ${err instanceof Error ? err.message : 'not JSON'}`, eventType: 'unknown' };
    }
    if (body.object !== this.platform) return { kind: 'reject', status: 400, reason: `object ${body.object === 'page' || body.object === 'instagram' ? body.object : 'other'}`, eventType: 'unknown' };
    const ctx = {
      type: this.type, channelId: connection.id, lineId: connection.lineId, accountId: connection.externalId,
      ...(connection.settings.appId ? { appId: connection.settings.appId } : {}),
      ownMid: (mid: string) => this.recentMids.has(mid),
    };
    const items: InboundItem[] = [];
    const types = new Set<string>();
    // Entry by entry; entries of another page/account of the same app are not this channel's.
    for (const entry of body.entry.filter((e) => e.id === connection.externalId)) {
      for (const event of eventsOf(entry)) {
        types.add(eventTypeOf(event));
        const normalized = normalizeMetaEvent(ctx, event);
        if (normalized.customer) this.windows.touch(connection.id, normalized.customer.chatId, normalized.customer.at);
        items.push(...normalized.items);
      }
    }
    return { kind: 'accept', eventType: types.size === 1 ? [...types][0] ?? 'batch' : 'batch', items, answer: { status: 200, body: 'EVENT_RECEIVED' } };
  }

  async send(connection: MetaConnection, reply: SendReply, tools: SendTools): Promise<SendOutcome> {
    // HUMAN_AGENT only for a person's reply: console-api names the operator (SendReply.senderName); bots never use it.
    const human = connection.settings.humanAgent && reply.senderName !== undefined;
    const decision = decideReplyWindow(this.now(), await this.windows.lastCustomerAt(connection.id, reply.externalChatId), human);
    const texts = this.platform === 'page' ? splitText(reply.text, FACEBOOK_MAX_TEXT_CHARS, 'chars') : splitText(reply.text, INSTAGRAM_MAX_TEXT_BYTES, 'bytes');
    let last = '';
    for (const text of texts) last = await this.call(connection, reply, tools, decision, { message: this.message({ text }, tools) });
    for (const ref of reply.attachments) last = await this.call(connection, reply, tools, decision, { attachment: ref });
    return { externalMessageId: last };
  }

  async fetchProfile(connection: MetaConnection, userId: string, pace: SendTools['pace']): Promise<ProfileDraft | undefined> {
    const release = await pace();
    try {
      const fields = this.platform === 'page' ? 'first_name,last_name,profile_pic' : 'name,username,profile_pic';
      const p = await this.api(connection.secrets.accessToken).get<{ first_name?: string; last_name?: string; name?: string; username?: string; profile_pic?: string }>(`/${userId}`, connection.secrets.accessToken, { fields });
      const displayName = (p.name ?? [p.first_name, p.last_name].filter(Boolean).join(' ')) || p.username || `${this.type} user ${userId}`;
      if (!p.profile_pic) return { displayName };
      return { displayName, avatar: { url: p.profile_pic, name: `${this.type}-avatar-${userId}`, mime: 'application/octet-stream', kind: 'image', source: `avatar:${userId}` } };
    } catch (err: unknown) {
      throw toSendError(err);
    } finally {
      release();
    }
  }

  async close(): Promise<void> {
    await this.windows.close();
  }

  private api(token: string): GraphApiClient {
    return this.platform === 'instagram' && this.instagramGraph && token.startsWith('IG') ? this.instagramGraph : this.graph;
  }

  /** Messenger echoes `metadata`: the send key marks Parley's own message in the echo. */
  private message(message: Record<string, unknown>, tools: SendTools): Record<string, unknown> {
    return this.platform === 'page' ? { ...message, metadata: `parley:${tools.sendKey}` } : message;
  }

  private async call(connection: MetaConnection, reply: SendReply, tools: SendTools, decision: WindowDecision, what: { message: Record<string, unknown> } | { attachment: AttachmentRef }): Promise<string> {
    const release = await tools.pace({ chat: reply.externalChatId });
    try {
      const common = { recipient: { id: reply.externalChatId }, messaging_type: decision.messagingType, ...('tag' in decision ? { tag: decision.tag } : {}) };
      let body: Record<string, unknown> | FormData;
      if ('message' in what) body = { ...common, message: what.message };
      else {
        const ref = what.attachment;
        const type = ref.kind === 'image' || ref.kind === 'video' || ref.kind === 'audio' ? ref.kind : 'file';
        const form = new FormData();
        for (const [k, v] of Object.entries(common)) form.append(k, typeof v === 'string' ? v : JSON.stringify(v));
        form.append('message', JSON.stringify(this.message({ attachment: { type, payload: { is_reusable: false } } }, tools)));
        form.append('filedata', new Blob([new Uint8Array(await tools.read(ref))], { type: ref.mime }), ref.name);
        body = form;
      }
      const sent = await this.api(connection.secrets.accessToken).post<{ message_id: string }>('/me/messages', connection.secrets.accessToken, body);
      this.recentMids.add(sent.message_id);
      if (this.recentMids.size > 10_000) this.recentMids.delete(this.recentMids.values().next().value as string);
      return sent.message_id;
    } catch (err: unknown) {
      throw toSendError(err);
    } finally {
      release();
    }
  }
}
