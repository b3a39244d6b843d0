import { randomBytes, randomUUID } from 'node:crypto';
import { AttachmentStore } from '@parley/channel-kit';
import { GatewayRequestsByType, newCorrelation, ParleyError, Streams, type AttachmentRef, type SendReply } from '@parley/contracts';
import { MessagingConnection, RequestClient, type MessagingLogger } from '@parley/messaging';
import { createLogger, loadConfig, runService, type RunningService } from '@parley/observability';
import { createTestDatabase, freePort, MetaFake, startTestNats, type NatsServer, type TestDatabase } from '@parley/testing';
import { readStream, type StoredEvent } from './inbound-reader';
import { configureGatewayMetaApp, createAppModule } from '../src/app.module';
import { GatewayMetaConfig } from '../src/gateway-meta.config';

const quiet: MessagingLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const noProcess = { exit: () => undefined, on: () => undefined, off: () => undefined };

export const HOUR = 3600_000;
export const DAY = 24 * HOUR;

/** One gateway-meta process (of one type) on real NATS and Postgres, the Meta fake over HTTP, and one clock for both. */
export class MetaHarness {
  clock = Date.UTC(2026, 11, 1, 9, 0, 0);
  readonly lineId = randomUUID();
  readonly logLines: string[] = [];
  nats!: NatsServer;
  db!: TestDatabase;
  meta!: MetaFake;
  service!: RunningService;
  client!: MessagingConnection;
  requests!: RequestClient;
  store!: AttachmentStore;
  private config!: GatewayMetaConfig;

  constructor(readonly type: 'facebook' | 'instagram') {}

  get api() {
    return GatewayRequestsByType[this.type];
  }

  async start(): Promise<void> {
    [this.nats, this.db, this.meta] = await Promise.all([
      startTestNats(),
      createTestDatabase(`gateway_${this.type}`),
      MetaFake.start({ now: () => this.clock, webhookRetry: { delayMs: 20, maxRetries: 2 } }),
    ]);
    const port = await freePort();
    const cfg = loadConfig(GatewayMetaConfig, {
      NATS_URL: this.nats.url,
      DATABASE_URL: this.db.url,
      PORT: String(port),
      HOST: '127.0.0.1',
      META_CHANNEL_TYPE: this.type,
      META_API_URL: this.meta.graphUrl,
      INSTAGRAM_API_URL: this.meta.instagramUrl,
      META_API_TIMEOUT_MS: '3000',
      PUBLIC_WEBHOOK_BASE_URL: `http://127.0.0.1:${port}`,
      PARLEY_SECRET_KEY: randomBytes(32).toString('base64'),
      OUTBOX_POLL_MS: '200',
    });
    this.config = cfg;
    await this.startService();
    this.client = await MessagingConnection.connect({ serviceName: 'gateway-meta-test', servers: this.nats.url, logger: quiet });
    this.requests = new RequestClient(this.client, 15_000);
    this.store = await AttachmentStore.open(this.client.nc);
  }

  /** A fresh gateway process on the same database and NATS (nothing kept in memory): a restart, or another replica. */
  async restart(): Promise<void> {
    await this.service.close();
    await this.startService();
  }

  private async startService(): Promise<void> {
    const cfg = this.config;
    const started = await runService({
      serviceName: `gateway-${this.type}`,
      config: cfg,
      module: createAppModule(cfg, { now: () => new Date(this.clock) }),
      configure: (app) => configureGatewayMetaApp(app),
      process: noProcess,
      logger: createLogger({ service: `gateway-${this.type}`, level: 'debug', destination: { write: (line: string) => void this.logLines.push(line) } }),
    });
    if (!started) throw new Error(`gateway-${this.type} did not start`);
    this.service = started;
  }

  async stop(): Promise<void> {
    await this.meta?.stop();
    await this.client?.drain();
    await this.service?.close();
    await this.nats?.stop();
    await this.db?.drop();
  }

  connect(name: string, settings: Record<string, unknown>) {
    return this.requests.request(this.api.connectChannel, { lineId: this.lineId, name, settings }, newCorrelation());
  }

  send(channelId: string, data: Partial<SendReply> & { externalChatId: string }) {
    return this.requests.request(this.api.send, { channelId, conversationId: randomUUID(), replyId: randomUUID(), text: '', attachments: [], ...data }, newCorrelation());
  }

  inbound(): Promise<StoredEvent[]> {
    return readStream(this.client.nc, Streams.INBOUND.name);
  }

  async ofType(type: string): Promise<Array<Record<string, unknown>>> {
    return (await this.inbound()).filter((e) => e.envelope.type === type).map((e) => e.envelope.data);
  }

  async post(channelId: string, body: string, headers: Record<string, string>): Promise<number> {
    const res = await fetch(`${this.service.url}/webhooks/${this.type}/${channelId}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    await res.text();
    return res.status;
  }

  async bytes(ref: AttachmentRef): Promise<Buffer> {
    const got = await this.store.get(ref.id);
    if (!got) throw new Error(`attachment ${ref.id} missing`);
    const chunks: Buffer[] = [];
    for await (const chunk of got.stream) chunks.push(Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks);
  }
}

export async function caught(promise: Promise<unknown>): Promise<ParleyError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ParleyError) return err;
    throw err;
  }
  throw new Error('expected a ParleyError');
}
