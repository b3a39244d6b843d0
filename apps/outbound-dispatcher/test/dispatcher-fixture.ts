import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Module } from '@nestjs/common';
import type { Subscription } from '@nats-io/nats-core';
import {
  createEnvelope,
  GatewayRequestsByType,
  newCorrelation,
  ReplyDispatchedV1,
  ReplyDispatchFailedV1,
  ReplyRequestedV1,
  type Envelope,
  type ErrorBody,
  type ReplyDispatched,
  type ReplyDispatchFailed,
  type ReplyRequested,
  type SendReply,
} from '@parley/contracts';
import { JetStreamPublisher, MessagingConnection, MessagingHost, type MessagingLogger } from '@parley/messaging';
import { createLogger, loadConfig, ObservabilityModule } from '@parley/observability';
import { createTestDatabase, startTestNats, type NatsServer, type TestDatabase } from '@parley/testing';
import { createAppModule } from '../src/app.module';
import { OutboundDispatcherConfig } from '../src/outbound-dispatcher.config';

const silent: MessagingLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** One call the fake gateway received. */
export interface GatewayCall {
  replyId: string;
  conversationId: string;
  channelId: string;
  at: number;
  ok: boolean;
  /** The gateway subject it came on (`parley.gateway-<type>.send.v1`). */
  subject: string;
  senderName?: string;
}

/**
 * Stands in for gateway-vk's `send` (a real NATS responder): records every call and answers from a per-reply
 * script of errors, then success.
 */
export class FakeVkGateway {
  readonly calls: GatewayCall[] = [];
  private readonly scripts = new Map<string, ErrorBody[]>();
  private readonly subscriptions: Subscription[] = [];

  constructor(private readonly connection: MessagingConnection) {}

  /** Resolves once the server has the subscription (the dispatcher's requests are routed to it from then on). */
  async start(): Promise<void> {
    for (const type of ['vk', 'viber', 'facebook', 'instagram'] as const) this.subscriptions.push(this.subscribe(GatewayRequestsByType[type].send.subject));
    await this.connection.nc.flush();
  }

  private subscribe(subject: string): Subscription {
    return this.connection.nc.subscribe(subject, {
      callback: (err, msg) => {
        if (err) return;
        const at = Date.now();
        const envelope = JSON.parse(Buffer.from(msg.data).toString('utf8')) as Envelope<SendReply>;
        const data = envelope.data;
        const script = this.scripts.get(data.replyId);
        const error = script?.shift();
        this.calls.push({
          replyId: data.replyId,
          conversationId: data.conversationId,
          channelId: data.channelId,
          at,
          ok: error === undefined,
          subject: msg.subject,
          ...(data.senderName === undefined ? {} : { senderName: data.senderName }),
        });
        msg.respond(
          JSON.stringify(
            error === undefined
              ? { ok: true, data: { externalMessageId: `vk-${data.replyId}`, sentAt: new Date(at).toISOString() } }
              : { ok: false, error },
          ),
        );
      },
    });
  }

  /** The next sends of `replyId` fail with these errors, in order. */
  failNext(replyId: string, ...errors: ErrorBody[]): void {
    this.scripts.set(replyId, errors);
  }

  callsOf(replyId: string): GatewayCall[] {
    return this.calls.filter((c) => c.replyId === replyId);
  }

  stop(): void {
    for (const s of this.subscriptions.splice(0)) s.unsubscribe();
  }
}

/** The outcome events the dispatcher published, collected by a durable consumer of the test. */
export class OutcomeLog {
  readonly dispatched: Envelope<ReplyDispatched>[] = [];
  readonly failed: Envelope<ReplyDispatchFailed>[] = [];

  dispatchedOf(replyId: string): Envelope<ReplyDispatched>[] {
    return this.dispatched.filter((e) => e.data.replyId === replyId);
  }

  failedOf(replyId: string): Envelope<ReplyDispatchFailed>[] {
    return this.failed.filter((e) => e.data.replyId === replyId);
  }
}

export interface DispatcherFixture {
  nats: NatsServer;
  db: TestDatabase;
  connection: MessagingConnection;
  publisher: JetStreamPublisher;
  gateway: FakeVkGateway;
  outcomes: OutcomeLog;
  app: INestApplication | undefined;
  startApp(): Promise<void>;
  stopApp(): Promise<void>;
  close(): Promise<void>;
}

export const testEnv = (nats: NatsServer, db: TestDatabase): Record<string, string> => ({
  NATS_URL: nats.url,
  DATABASE_URL: db.url,
  LOG_LEVEL: 'silent',
  SEND_TIMEOUT_MS: '2000',
  CLAIM_LEASE_MS: '4000',
  POLL_MS: '500',
  OUTBOX_POLL_MS: '500',
  RETRY_BASE_DELAY_MS: '300',
  RETRY_MAX_ATTEMPTS: '5',
});

export async function startDispatcherFixture(): Promise<DispatcherFixture> {
  const nats = await startTestNats();
  const db = await createTestDatabase('outbound_dispatcher');
  const connection = await MessagingConnection.connect({ serviceName: 'dispatcher-test', servers: nats.url, logger: silent });
  const publisher = new JetStreamPublisher(connection);
  const gateway = new FakeVkGateway(connection);
  await gateway.start();
  const outcomes = new OutcomeLog();
  let host: MessagingHost | undefined;

  const fixture: DispatcherFixture = {
    nats,
    db,
    connection,
    publisher,
    gateway,
    outcomes,
    app: undefined,
    async startApp() {
      const config = loadConfig(OutboundDispatcherConfig, testEnv(nats, db));
      const logger = createLogger({ service: 'outbound-dispatcher', level: 'silent' });
      @Module({ imports: [ObservabilityModule.forRoot({ serviceName: 'outbound-dispatcher', logger }), createAppModule(config)] })
      class TestRoot {}
      const app = await NestFactory.create(TestRoot, { logger: false, abortOnError: false });
      await app.init();
      fixture.app = app;
      if (host === undefined) {
        // The app provisioned the streams; now the test can follow the outcomes.
        host = new MessagingHost(connection, publisher, { serviceName: 'dispatcher-test', servers: nats.url, logger: silent });
        await host.addEventHandler(ReplyDispatchedV1, { durable: 'test-dispatched' }, (e) => void outcomes.dispatched.push(e));
        await host.addEventHandler(ReplyDispatchFailedV1, { durable: 'test-dispatch-failed' }, (e) => void outcomes.failed.push(e));
      }
    },
    async stopApp() {
      await fixture.app?.close();
      fixture.app = undefined;
    },
    async close() {
      await fixture.stopApp();
      await host?.stop();
      gateway.stop();
      await connection.drain();
      await nats.stop();
      await db.drop();
    },
  };
  return fixture;
}

/** A ReplyRequested as the conversation-service's relay publishes it. */
export function replyRequested(
  overrides: Partial<ReplyRequested> & Pick<ReplyRequested, 'conversationId' | 'channelId'>,
): Envelope<ReplyRequested, 'ReplyRequested'> {
  const data: ReplyRequested = {
    replyId: randomUUID(),
    operatorId: randomUUID(),
    lineId: randomUUID(),
    channelType: 'vk',
    externalChatId: '42',
    text: 'hello',
    attachments: [],
    ...overrides,
  };
  return createEnvelope(ReplyRequestedV1, data, newCorrelation());
}

export async function publishReply(fixture: DispatcherFixture, envelope: Envelope<ReplyRequested, 'ReplyRequested'>): Promise<void> {
  await fixture.publisher.publish(ReplyRequestedV1, envelope);
}

/** The most sends that fall in any window [t, t + windowMs). */
export function maxInAnyWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] as number) - (sorted[start] as number) >= windowMs) start++;
    max = Math.max(max, end - start + 1);
  }
  return max;
}
