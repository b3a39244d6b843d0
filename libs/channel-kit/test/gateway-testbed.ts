import { randomBytes } from 'node:crypto';
import type { INestApplication, Type } from '@nestjs/common';
import { ParleyError, Streams, type AttachmentRef } from '@parley/contracts';
import { MessagingConnection, RequestClient, type MessagingLogger } from '@parley/messaging';
import { createLogger, loadConfig, runService, type ConfigClass, type LogLevel, type RunningService, type RunServiceConfig } from '@parley/observability';
import { createTestDatabase, freePort, readStream, startTestNats, type NatsServer, type StoredEvent, type TestDatabase } from '@parley/testing';
import { AttachmentStore } from '../src/attachment-store';

const quiet: MessagingLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const noProcess = { exit: () => undefined, on: () => undefined, off: () => undefined };

export interface GatewayTestbedOptions<C extends RunServiceConfig, F extends { stop(): Promise<void> }> {
  /** The service's name (`gateway-telegram`); the test's own NATS client is `<name>-test` unless `clientName`. */
  serviceName: string;
  clientName?: string;
  /** The name of the test database (createTestDatabase). */
  database: string;
  /** Starts the messenger fake the gateway talks to, next to NATS and Postgres. */
  startFake: () => Promise<F>;
  configClass: ConfigClass<C>;
  /** The gateway's own variables (its API URL, timeouts, …), over the common ones; they may override those too. */
  env: (fake: F) => Record<string, string>;
  module: (config: C) => Type<unknown>;
  configure: (app: INestApplication) => void | Promise<void>;
  /** `debug` (default) records every log line in `logLines`, for the tests that prove no credential is logged. */
  logLevel?: LogLevel;
}

/**
 * One gateway process on real NATS and Postgres, its messenger fake over HTTP, and the test's own NATS client
 * (request client, attachment store, inbound stream reader). The common variables: NATS_URL, DATABASE_URL, PORT,
 * HOST, PUBLIC_WEBHOOK_BASE_URL (the gateway's own port), a random PARLEY_SECRET_KEY, OUTBOX_POLL_MS=200.
 */
export class GatewayTestbed<C extends RunServiceConfig, F extends { stop(): Promise<void> }> {
  readonly logLines: string[] = [];
  nats!: NatsServer;
  db!: TestDatabase;
  fake!: F;
  service!: RunningService;
  client!: MessagingConnection;
  requests!: RequestClient;
  store!: AttachmentStore;
  config!: C;

  constructor(private readonly options: GatewayTestbedOptions<C, F>) {}

  async start(): Promise<void> {
    const o = this.options;
    [this.nats, this.db, this.fake] = await Promise.all([startTestNats(), createTestDatabase(o.database), o.startFake()]);
    const port = await freePort();
    this.config = loadConfig(o.configClass, {
      NATS_URL: this.nats.url,
      DATABASE_URL: this.db.url,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_WEBHOOK_BASE_URL: `http://127.0.0.1:${port}`,
      PARLEY_SECRET_KEY: randomBytes(32).toString('base64'),
      OUTBOX_POLL_MS: '200',
      ...o.env(this.fake),
    });
    await this.startService();
    this.client = await MessagingConnection.connect({ serviceName: o.clientName ?? `${o.serviceName}-test`, servers: this.nats.url, logger: quiet });
    this.requests = new RequestClient(this.client, 15_000);
    this.store = await AttachmentStore.open(this.client.nc);
  }

  /** A fresh gateway process on the same database and NATS (nothing kept in memory): a restart, or another replica. */
  async restart(): Promise<void> {
    await this.service.close();
    await this.startService();
  }

  async stop(): Promise<void> {
    await this.fake?.stop();
    await this.client?.drain();
    await this.service?.close();
    await this.nats?.stop();
    await this.db?.drop();
  }

  /** Everything the INBOUND stream holds. */
  inbound(): Promise<StoredEvent[]> {
    return readStream(this.client.nc, Streams.INBOUND.name);
  }

  /** The bytes of a stored attachment. */
  async bytes(ref: AttachmentRef): Promise<Buffer> {
    const got = await this.store.get(ref.id);
    if (!got) throw new Error(`attachment ${ref.id} missing`);
    const chunks: Buffer[] = [];
    for await (const chunk of got.stream) chunks.push(Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks);
  }

  private async startService(): Promise<void> {
    const { serviceName, logLevel = 'debug' } = this.options;
    const started = await runService({
      serviceName,
      config: this.config,
      module: this.options.module(this.config),
      configure: (app) => this.options.configure(app),
      process: noProcess,
      logger: createLogger({ service: serviceName, level: logLevel, destination: { write: (line: string) => void this.logLines.push(line) } }),
    });
    if (!started) throw new Error(`${serviceName} did not start`);
    this.service = started;
  }
}

/** The ParleyError a promise rejects with (anything else, or no rejection, fails the test). */
export async function caught(promise: Promise<unknown>): Promise<ParleyError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ParleyError) return err;
    throw err;
  }
  throw new Error('expected a ParleyError');
}
