import { Inject, Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { connect } from '@nats-io/transport-node';
import { IsInt, IsString } from 'class-validator';
import {
  causedBy,
  createEnvelope,
  defineEvent,
  defineRequest,
  Headers,
  newCorrelation,
  ParleyError,
  type Envelope,
} from '@parley/contracts';
import { startTestNats, waitFor, type NatsServer } from '@parley/testing';
import {
  JetStreamPublisher,
  MessagingHealth,
  MessagingModule,
  OnEvent,
  OnRequest,
  RequestClient,
  type DeliveryContext,
  type RequestContext,
} from '../src';
import { recordingLogger } from './messaging-fixture';

class Echo {
  @IsString()
  text!: string;
}
class Echoed {
  @IsString()
  text!: string;

  @IsInt()
  replica!: number;
}
class Noted {
  @IsString()
  text!: string;
}

const EchoV1 = defineRequest({
  kind: 'query',
  type: 'Echo',
  version: 1,
  subject: 'parley.echo-service.echo.v1',
  data: Echo,
  reply: Echoed,
  description: 'test query',
});
const NobodyV1 = defineRequest({
  kind: 'command',
  type: 'Nobody',
  version: 1,
  subject: 'parley.nobody-service.do.v1',
  data: Echo,
  reply: Echoed,
  description: 'a command nobody answers',
});
const NotedV1 = defineEvent({ type: 'Noted', version: 1, subject: 'parley.operator.noted.v1', data: Noted, description: 'test event' });
const AskedV1 = defineEvent({ type: 'Asked', version: 1, subject: 'parley.operator.asked.v1', data: Noted, description: 'an event whose handler makes a request' });

/** What every replica saw, keyed by replica number. */
const seenRequests: Array<{ replica: number; id: string; headers: Record<string, string> }> = [];
const seenEvents: Array<{ replica: number; envelope: Envelope<Noted> }> = [];
let releaseSlow: (() => void) | undefined;
/** `flaky …` requests fail with an unexpected error this many times each before they are answered. */
const FLAKY_FAILURES = 2;
const flakyFailures = new Map<string, number>();
const answeredAsked: string[] = [];

function echoModule(replica: number, url: string) {
  @Injectable()
  class EchoHandlers {
    constructor(@Inject(RequestClient) private readonly requests: RequestClient) {}

    @OnRequest(EchoV1)
    async echo(envelope: Envelope<Echo, 'Echo'>, request: RequestContext): Promise<Echoed> {
      seenRequests.push({ replica, id: envelope.id, headers: request.headers });
      const { text } = envelope.data;
      if (text === 'domain') throw new ParleyError('CONVERSATION_NOT_ASSIGNED', 'not yours', { details: { who: 'x' } });
      if (text === 'bug') throw new TypeError('undefined is not a function');
      if (text === 'slow') await new Promise<void>((resolve) => (releaseSlow = resolve));
      if (text.startsWith('flaky') && (flakyFailures.get(text) ?? 0) < FLAKY_FAILURES) {
        flakyFailures.set(text, (flakyFailures.get(text) ?? 0) + 1);
        throw new Error('Connection terminated unexpectedly'); // what pg throws when Postgres restarts
      }
      return { text: text.toUpperCase(), replica };
    }

    @OnEvent(NotedV1, { durable: 'echo-service-noted' })
    async noted(envelope: Envelope<Noted, 'Noted'>, _delivery: DeliveryContext): Promise<void> {
      seenEvents.push({ replica, envelope });
    }

    @OnEvent(AskedV1, { durable: 'echo-service-asked', maxAttempts: 5, backoff: { initialMs: 20, multiplier: 1, maxMs: 20 } })
    async asked(envelope: Envelope<Noted, 'Asked'>, _delivery: DeliveryContext): Promise<void> {
      const answer = await this.requests.request(EchoV1, { text: envelope.data.text }, causedBy(envelope));
      answeredAsked.push(answer.text);
    }
  }

  @Module({
    imports: [MessagingModule.forRoot({ serviceName: 'echo-service', servers: url, logger: recordingLogger() })],
    providers: [EchoHandlers],
  })
  class EchoServiceModule {}
  return EchoServiceModule;
}

describe('MessagingModule: request/reply and decorated handlers', () => {
  let server: NatsServer;
  const apps: INestApplicationContext[] = [];

  beforeAll(async () => {
    server = await startTestNats();
    for (const replica of [1, 2]) {
      const app = await NestFactory.createApplicationContext(echoModule(replica, server.url), { logger: false });
      await app.init();
      apps.push(app);
    }
  });
  afterAll(async () => {
    releaseSlow?.();
    for (const app of apps) await app.close();
    await server?.stop();
  });

  it('answers each request once across replicas sharing a queue group', async () => {
    const client = apps[0]!.get(RequestClient);
    const replies = await Promise.all(
      Array.from({ length: 30 }, (_, i) => client.request(EchoV1, { text: `hi ${i}` }, newCorrelation())),
    );
    expect(replies.map((r) => r.text)).toEqual(Array.from({ length: 30 }, (_, i) => `HI ${i}`));
    expect(replies[0]).toBeInstanceOf(Echoed);
    const ids = seenRequests.map((s) => s.id);
    expect(new Set(ids).size).toBe(30);
    expect(ids).toHaveLength(30);
    expect(new Set(seenRequests.map((s) => s.replica))).toEqual(new Set([1, 2]));
  });

  it('sends correlation and causation headers with a request', async () => {
    const cause = createEnvelope(NotedV1, { text: 'cause' }, newCorrelation());
    await apps[0]!.get(RequestClient).request(EchoV1, { text: 'headers' }, causedBy(cause));
    const seen = seenRequests.find((s) => s.headers[Headers.CAUSATION_ID] === cause.id);
    expect(seen?.headers[Headers.CORRELATION_ID]).toBe(cause.correlationId);
    expect(seen?.headers[Headers.TYPE]).toBe('Echo');
  });

  it('maps error replies to ParleyError', async () => {
    const client = apps[0]!.get(RequestClient);
    await expect(client.request(EchoV1, { text: 'domain' }, newCorrelation())).rejects.toMatchObject({
      name: 'ParleyError',
      code: 'CONVERSATION_NOT_ASSIGNED',
      message: 'not yours',
      retryable: false,
      options: { details: { who: 'x' } },
    });
    await expect(client.request(EchoV1, { text: 'bug' }, newCorrelation())).rejects.toMatchObject({
      code: 'INTERNAL',
      message: 'internal error',
      retryable: true,
    });
    await expect(client.request(NobodyV1, { text: 'x' }, newCorrelation(), { timeoutMs: 1_000 })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      retryable: true,
    });
    const slow = client.request(EchoV1, { text: 'slow' }, newCorrelation(), { timeoutMs: 200 });
    await expect(slow).rejects.toBeInstanceOf(ParleyError);
    await expect(slow).rejects.toMatchObject({ code: 'TIMEOUT', retryable: true });
    releaseSlow?.();
  });

  it('answers a malformed request with CONTRACT_VIOLATION', async () => {
    const nc = await connect({ servers: server.url });
    try {
      const bad = { ...createEnvelope(EchoV1, { text: 'x' }, newCorrelation()), data: { text: 7 } };
      const reply = await nc.request(EchoV1.subject, JSON.stringify(bad), { timeout: 2_000 });
      expect(reply.json()).toMatchObject({ ok: false, error: { code: 'CONTRACT_VIOLATION', retryable: false } });
    } finally {
      await nc.close();
    }
  });

  it('delivers a published event to exactly one replica of the durable', async () => {
    const publisher = apps[1]!.get(JetStreamPublisher);
    const envelope = createEnvelope(NotedV1, { text: 'hello' }, newCorrelation());
    await publisher.publish(NotedV1, envelope);
    await waitFor(() => seenEvents.some((e) => e.envelope.id === envelope.id), { what: 'the event' });
    expect(seenEvents.filter((e) => e.envelope.id === envelope.id)).toHaveLength(1);
    expect(seenEvents[0]!.envelope.data).toBeInstanceOf(Noted);
  });

  it('redelivers, never dead-letters, an event whose request met an unexpected error in the callee', async () => {
    // The callee fails the way a service does while Postgres restarts. Its INTERNAL reply is retryable, so the
    // consumer redelivers the event with backoff, as it would had it thrown the error itself; a non-retryable
    // reply would dead-letter the event at its first delivery (a customer message lost on a database restart).
    const publisher = apps[0]!.get(JetStreamPublisher);
    await publisher.publish(AskedV1, createEnvelope(AskedV1, { text: 'flaky question' }, newCorrelation()));
    await waitFor(() => answeredAsked.includes('FLAKY QUESTION'), { what: 'the answer once the callee recovered' });
    expect(flakyFailures.get('flaky question')).toBe(FLAKY_FAILURES);
    expect(answeredAsked.filter((a) => a === 'FLAKY QUESTION')).toHaveLength(1);
  });

  it('reports health, and stops cleanly', async () => {
    const health = apps[0]!.get(MessagingHealth).check();
    expect(health).toMatchObject({ healthy: true, connected: true });
    expect(health.consumers).toEqual([
      { durable: 'echo-service-noted', stream: 'PARLEY_EVENTS', running: true },
      { durable: 'echo-service-asked', stream: 'PARLEY_EVENTS', running: true },
    ]);
    expect(health.responders).toEqual([{ subject: EchoV1.subject, running: true }]);
  });
});
