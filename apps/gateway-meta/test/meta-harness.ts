import { randomUUID } from 'node:crypto';
import { GatewayTestbed } from '@parley/channel-kit/testbed';
import { GatewayRequestsByType, newCorrelation, type SendReply } from '@parley/contracts';
import { MetaFake } from '@parley/testing';
import { configureGatewayMetaApp, createAppModule } from '../src/app.module';
import { GatewayMetaConfig } from '../src/gateway-meta.config';

export { caught } from '@parley/channel-kit/testbed';

export const HOUR = 3600_000;
export const DAY = 24 * HOUR;

/** One gateway-meta process (of one type) on real NATS and Postgres, the Meta fake over HTTP, and one clock for both. */
export class MetaHarness extends GatewayTestbed<GatewayMetaConfig, MetaFake> {
  readonly lineId = randomUUID();
  private readonly time: { now: number };

  constructor(readonly type: 'facebook' | 'instagram') {
    const time = { now: Date.UTC(2026, 11, 1, 9, 0, 0) };
    super({
      serviceName: `gateway-${type}`,
      clientName: 'gateway-meta-test',
      database: `gateway_${type}`,
      startFake: () => MetaFake.start({ now: () => time.now, webhookRetry: { delayMs: 20, maxRetries: 2 } }),
      configClass: GatewayMetaConfig,
      env: (fake) => ({ META_CHANNEL_TYPE: type, META_API_URL: fake.graphUrl, INSTAGRAM_API_URL: fake.instagramUrl, META_API_TIMEOUT_MS: '3000' }),
      module: (cfg) => createAppModule(cfg, { now: () => new Date(time.now) }),
      configure: configureGatewayMetaApp,
    });
    this.time = time;
  }

  /** The time the fake and the gateway both see (ms since the epoch); tests move it on. */
  get clock(): number {
    return this.time.now;
  }

  set clock(value: number) {
    this.time.now = value;
  }

  get meta(): MetaFake {
    return this.fake;
  }

  get api() {
    return GatewayRequestsByType[this.type];
  }

  connect(name: string, settings: Record<string, unknown>) {
    return this.requests.request(this.api.connectChannel, { lineId: this.lineId, name, settings }, newCorrelation());
  }

  send(channelId: string, data: Partial<SendReply> & { externalChatId: string }) {
    return this.requests.request(this.api.send, { channelId, conversationId: randomUUID(), replyId: randomUUID(), text: '', attachments: [], ...data }, newCorrelation());
  }

  async ofType(type: string): Promise<Array<Record<string, unknown>>> {
    return (await this.inbound()).filter((e) => e.envelope.type === type).map((e) => e.envelope.data);
  }

  async post(channelId: string, body: string, headers: Record<string, string>): Promise<number> {
    const res = await fetch(`${this.service.url}/webhooks/${this.type}/${channelId}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    await res.text();
    return res.status;
  }
}
