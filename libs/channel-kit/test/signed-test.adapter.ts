import { createHmac, timingSafeEqual } from 'node:crypto';
import { IsUrl } from 'class-validator';
import { ExternalReplyReceivedV1, ParleyError, SendErrorCodes, type SendReply } from '@parley/contracts';
import { inboundEvent } from '../src/adapter';
import type { ChannelAdapter, ChannelConnection, InboundItem, SendOutcome, SendTools, StoredSettings, WebhookRequest, WebhookVerdict } from '../src/adapter';
import { GatewayConfig, type GatewayDefinition } from '../src/gateway';
import type { FakeMessage } from './test-messenger.fake';

/*
 * A messenger adapter for the kit's own tests, shaped like Viber (the `viber` type's settings: an auth token):
 * an HMAC-SHA256 signature of the raw body in `x-signature`, a `webhook` check event, a GET handshake, webhook
 * registration by API, send/history over the TestMessengerFake.
 */

export class TestGatewayConfig extends GatewayConfig {
  @IsUrl({ require_tld: false, protocols: ['http'], require_protocol: true })
  TEST_API_URL!: string;
}

type Secrets = { authToken: string };
type Connection = ChannelConnection<Record<string, never>, Secrets>;

export function sign(body: string, token: string): string {
  return createHmac('sha256', token).update(body).digest('hex');
}

export class SignedTestAdapter implements ChannelAdapter<Record<string, never>, Secrets> {
  readonly type = 'viber' as const;
  readonly capabilities = {
    initiate: false,
    replyWindowMs: null,
    maxTextLength: 100,
    longText: 'refuse' as const,
    attachmentsIn: { kinds: ['image' as const], maxBytes: { default: 1024 * 1024 }, maxPerMessage: 5 },
    attachmentsOut: { kinds: ['image' as const], maxBytes: { default: 1024 * 1024 }, maxPerMessage: 1 },
    senderNameOverride: false as const,
    receipts: { delivered: false, read: false },
    rateBudgets: { perConnection: { calls: 50, perMs: 1000 }, perChat: { calls: 10, perMs: 1000 } },
    mediaHosts: ['.media.example.com'],
    history: true,
  };

  constructor(private readonly api: string) {}

  prepareSettings(settings: Record<string, unknown>) {
    return { settings: {}, secrets: { authToken: String(settings['authToken']) } };
  }

  async checkCredentials({ secrets }: StoredSettings<Record<string, never>, Secrets>): Promise<{ externalId: string }> {
    const me = await this.call<{ id: string }>(secrets.authToken, '/me', {});
    return { externalId: me.id };
  }

  async registerWebhook(connection: Connection): Promise<void> {
    await this.call(connection.secrets.authToken, '/set_webhook', { url: connection.webhookUrl });
  }

  async unregisterWebhook(connection: Connection): Promise<void> {
    await this.call(connection.secrets.authToken, '/set_webhook', { url: '' });
  }

  handshake(connection: Connection, request: WebhookRequest): WebhookVerdict {
    if (request.query['verify'] !== connection.secrets.authToken) return { kind: 'reject', status: 403, reason: 'verify token', eventType: 'handshake' };
    return { kind: 'respond', status: 200, body: request.query['challenge'] ?? '', outcome: 'handshake', eventType: 'handshake' };
  }

  receive(connection: Connection, request: WebhookRequest): WebhookVerdict {
    const given = Buffer.from(request.headers['x-signature'] ?? '');
    const expected = Buffer.from(sign(request.rawBody.toString('utf8'), connection.secrets.authToken));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { kind: 'reject', status: 401, reason: 'signature', eventType: 'unknown' };
    const body = JSON.parse(request.rawBody.toString('utf8')) as { event: string; message?: FakeMessage & { media?: string[] } };
    if (body.event === 'webhook') return { kind: 'respond', status: 200, body: '', outcome: 'check', eventType: 'webhook' };
    if (body.event === 'answered-elsewhere' && body.message) {
      // A fact the kit has no kind for, through the generic `event` item.
      const { kind: _kind, fact, media } = this.item(connection, body.message, 'webhook') as Extract<InboundItem, { kind: 'message-received' }>;
      const { source: _source, ...rest } = fact;
      return { kind: 'accept', eventType: 'answered', items: [inboundEvent(ExternalReplyReceivedV1, rest, { media })] };
    }
    if (body.event !== 'message' || !body.message) return { kind: 'accept', eventType: 'other', items: [] };
    return { kind: 'accept', eventType: 'message', items: [this.item(connection, body.message, 'webhook')] };
  }

  async send(connection: Connection, reply: SendReply, tools: SendTools): Promise<SendOutcome> {
    const release = await tools.pace({ chat: reply.externalChatId });
    try {
      const sent = await this.call<{ message_token: string }>(connection.secrets.authToken, '/send', { to: reply.externalChatId, text: reply.text, key: tools.sendKey, attemptedBefore: tools.attemptedBefore });
      return { externalMessageId: sent.message_token };
    } finally {
      release();
    }
  }

  async *history(connection: Connection, since: Date): AsyncIterable<InboundItem> {
    const { messages } = await this.call<{ messages: FakeMessage[] }>(connection.secrets.authToken, '/history', {});
    for (const m of messages) if (m.date * 1000 >= since.getTime()) yield this.item(connection, m, 'backfill');
  }

  private item(connection: Connection, m: FakeMessage & { media?: string[] }, source: 'webhook' | 'backfill'): InboundItem {
    return {
      kind: 'message-received',
      fact: {
        channelId: connection.id,
        channelType: 'viber',
        lineId: connection.lineId,
        dedupeKey: `viber:${connection.externalId}:msg:${m.token}`,
        externalChatId: m.user,
        externalUserId: m.user,
        externalMessageId: m.token,
        text: m.text,
        sentAt: new Date(m.date * 1000).toISOString(),
        source,
      },
      media: (m.media ?? []).map((url, i) => ({ url, name: `m${i}.png`, mime: 'application/octet-stream', kind: 'image' as const, source: `${m.token}/${i}` })),
    };
  }

  private async call<T>(token: string, path: string, body: object): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.api}${path}`, { method: 'POST', headers: { 'x-token': token, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    } catch {
      throw new ParleyError(SendErrorCodes.MESSENGER_UNAVAILABLE, `${path}: no answer`, { retryable: true });
    }
    const value = (await res.json()) as T & { error?: string };
    if (res.status === 200) return value;
    if (res.status === 401) throw new ParleyError(SendErrorCodes.CHANNEL_AUTH_FAILED, `${path}: token refused`, { retryable: false });
    if (res.status >= 500) throw new ParleyError(SendErrorCodes.MESSENGER_UNAVAILABLE, `${path}: HTTP ${res.status}`, { retryable: true });
    throw new ParleyError(SendErrorCodes.MESSENGER_REJECTED, `${path}: ${value.error ?? res.status}`, { retryable: false });
  }
}

export const testGateway: GatewayDefinition<TestGatewayConfig> = {
  type: 'viber',
  serviceName: 'gateway-kit-test',
  schema: 'kit_test',
  metricsPrefix: 'kit_test',
  createAdapter: (config) => new SignedTestAdapter(config.TEST_API_URL),
  apiBaseUrl: (config) => config.TEST_API_URL,
};
