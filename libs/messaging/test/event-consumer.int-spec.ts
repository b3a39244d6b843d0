import { IsInt, IsString } from 'class-validator';
import { context, propagation, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { createEnvelope, defineEvent, Headers, newCorrelation, ParleyError, Streams, type Envelope } from '@parley/contracts';
import { waitFor } from '@parley/testing';
import { defaultConsumer, type DeliveryContext } from '../src';
import { startFixture, waitForDeadLetter, waitForSettled, type Fixture } from './messaging-fixture';

class Probe {
  @IsString()
  key!: string;

  @IsInt()
  n!: number;
}

const probe = (name: string) =>
  defineEvent({ type: 'Probe', version: 1, subject: `parley.conversation.${name}.v1`, data: Probe, description: 'test probe' });

const EVENTS = Streams.EVENTS.name;
const noJitter = { jitter: 0, multiplier: 2, maxMs: 10_000 };

describe('durable event consumers', () => {
  let f: Fixture;

  beforeAll(async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    f = await startFixture('messaging-test');
  });
  afterAll(async () => {
    await f?.close();
    context.disable();
    propagation.disable();
  });

  it('redelivers a transient failure after its delay, then acks it', async () => {
    const def = probe('transient');
    const deliveries: Array<{ at: number; count: number }> = [];
    let failedAt = 0;
    await f.host.addEventHandler(def, { durable: 'transient', backoff: { ...noJitter, initialMs: 600 } }, async (_e, d) => {
      deliveries.push({ at: Date.now(), count: d.deliveryCount });
      if (d.deliveryCount === 1) {
        failedAt = Date.now();
        throw new Error('database unavailable');
      }
    });
    await f.publisher.publish(def, createEnvelope(def, { key: 'k', n: 1 }, newCorrelation()));
    await waitFor(() => deliveries.length >= 2, { what: 'the redelivery' });
    await waitForSettled(f.jsm, EVENTS, 'transient');
    const gap = deliveries[1]!.at - failedAt;
    expect(gap).toBeGreaterThanOrEqual(590);
    expect(gap).toBeLessThan(5_000);
    expect(deliveries.map((d) => d.count)).toEqual([1, 2]);
    expect(f.logger.entries.some((e) => e.level === 'warn' && e.message.includes('will retry'))).toBe(true);
  });

  it("honours a retryable ParleyError's retryAfterMs", async () => {
    const def = probe('retry-after');
    const seen: number[] = [];
    let failedAt = 0;
    await f.host.addEventHandler(def, { durable: 'retry-after', backoff: { ...noJitter, initialMs: 50 } }, async (_e, d) => {
      seen.push(Date.now());
      if (d.deliveryCount === 1) {
        failedAt = Date.now();
        throw new ParleyError('RATE_LIMITED', 'slow down', { retryable: true, retryAfterMs: 900 });
      }
    });
    await f.publisher.publish(def, createEnvelope(def, { key: 'k', n: 1 }, newCorrelation()));
    await waitForSettled(f.jsm, EVENTS, 'retry-after');
    expect(seen).toHaveLength(2);
    expect(seen[1]! - failedAt).toBeGreaterThanOrEqual(890);
    expect(seen[1]! - failedAt).toBeLessThan(5_000);
  });

  it('dead-letters a message that fails validation, without calling the handler or redelivering it', async () => {
    const def = probe('invalid');
    const calls: number[] = [];
    await f.host.addEventHandler(def, { durable: 'invalid' }, async (e) => {
      calls.push(e.data.n);
    });
    const bad = { ...createEnvelope(def, { key: 'k', n: 1 }, newCorrelation()), data: { key: 42 } };
    await f.publisher.publishRaw({ subject: def.subject, data: JSON.stringify(bad), msgId: bad.id, headers: { [Headers.TYPE]: 'Probe' } });
    const dead = await waitForDeadLetter(f.jsm, 'invalid');
    expect(dead.header.get(Headers.DLQ_ERROR_CODE)).toBe('CONTRACT_VIOLATION');
    expect(dead.header.get(Headers.DLQ_ERROR)).toContain('data.key');
    expect(dead.header.get(Headers.DLQ_SUBJECT)).toBe(def.subject);
    expect(dead.header.get(Headers.DLQ_STREAM)).toBe(EVENTS);
    expect(dead.header.get(Headers.DLQ_CONSUMER)).toBe('invalid');
    expect(dead.header.get(Headers.DLQ_DELIVERIES)).toBe('1');
    expect(Number(dead.header.get(Headers.DLQ_STREAM_SEQ))).toBeGreaterThan(0);
    expect(dead.header.get(Headers.TYPE)).toBe('Probe');
    expect(JSON.parse(Buffer.from(dead.data).toString('utf8'))).toEqual(bad);
    // A good message behind it is handled, and the poison one never came back.
    await f.publisher.publish(def, createEnvelope(def, { key: 'k', n: 2 }, newCorrelation()));
    await waitForSettled(f.jsm, EVENTS, 'invalid');
    expect(calls).toEqual([2]);
    const info = await f.jsm.consumers.info(EVENTS, 'invalid');
    expect(info.num_redelivered).toBe(0);
  });

  it('dead-letters a non-retryable ParleyError on its first delivery', async () => {
    const def = probe('domain-error');
    let calls = 0;
    await f.host.addEventHandler(def, { durable: 'domain-error' }, async () => {
      calls++;
      throw new ParleyError('CONVERSATION_CLOSED', 'conversation is closed');
    });
    const envelope = createEnvelope(def, { key: 'k', n: 1 }, newCorrelation());
    await f.publisher.publish(def, envelope);
    const dead = await waitForDeadLetter(f.jsm, 'domain-error');
    await waitForSettled(f.jsm, EVENTS, 'domain-error');
    expect(calls).toBe(1);
    expect(dead.header.get(Headers.DLQ_ERROR_CODE)).toBe('CONVERSATION_CLOSED');
    expect(dead.header.get(Headers.DLQ_ERROR)).toContain('conversation is closed');
    expect(dead.header.get(Headers.DLQ_SUBJECT)).toBe(def.subject);
    expect(dead.header.get(Headers.CORRELATION_ID)).toBe(envelope.correlationId);
    expect((await f.jsm.consumers.info(EVENTS, 'domain-error')).num_redelivered).toBe(0);
  });

  it('keeps redelivering through a long outage of a dependency when no maxAttempts is given', async () => {
    // What a 30-second Postgres outage did to conversation-service's inbound consumer with the old default of 5
    // attempts (1 + 2 + 4 + 8 s of backoff): acknowledged customer messages dead-lettered, i.e. lost. The default
    // now covers about 35 minutes of the default backoff; here the backoff is short and the outage 12 attempts long.
    const def = probe('outage');
    const counts: number[] = [];
    const outageAttempts = 12;
    await f.host.addEventHandler(def, { durable: 'outage', backoff: { ...noJitter, initialMs: 20, multiplier: 1, maxMs: 20 } }, async (_e, d) => {
      counts.push(d.deliveryCount);
      if (d.deliveryCount <= outageAttempts) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
    });
    await f.publisher.publish(def, createEnvelope(def, { key: 'k', n: 1 }, newCorrelation()));
    await waitFor(() => counts.length === outageAttempts + 1, { what: 'the delivery after the outage' });
    await waitForSettled(f.jsm, EVENTS, 'outage');
    expect(counts).toEqual(Array.from({ length: outageAttempts + 1 }, (_, i) => i + 1));
    const info = await f.jsm.consumers.info(EVENTS, 'outage');
    expect(info.config.max_deliver).toBe(defaultConsumer.maxAttempts + 2);
    expect(defaultConsumer.maxAttempts).toBeGreaterThanOrEqual(40);
    const dlq = await f.jsm.streams.info(Streams.DLQ.name, { subjects_filter: 'parley.dlq.outage' });
    expect(dlq.state.subjects?.['parley.dlq.outage'] ?? 0).toBe(0);
  });

  it('dead-letters a message that fails every allowed attempt', async () => {
    const def = probe('always-fails');
    const counts: number[] = [];
    await f.host.addEventHandler(
      def,
      { durable: 'always-fails', maxAttempts: 3, backoff: { ...noJitter, initialMs: 50 } },
      async (_e, d) => {
        counts.push(d.deliveryCount);
        throw new Error('still broken');
      },
    );
    await f.publisher.publish(def, createEnvelope(def, { key: 'k', n: 1 }, newCorrelation()));
    const dead = await waitForDeadLetter(f.jsm, 'always-fails');
    await waitForSettled(f.jsm, EVENTS, 'always-fails');
    expect(counts).toEqual([1, 2, 3]);
    expect(dead.header.get(Headers.DLQ_DELIVERIES)).toBe('3');
    expect(dead.header.get(Headers.DLQ_ERROR_CODE)).toBe('INTERNAL');
    expect(dead.header.get(Headers.DLQ_ERROR)).toContain('still broken');
    const info = await f.jsm.consumers.info(EVENTS, 'always-fails');
    expect(info.config.max_deliver).toBeGreaterThan(3); // reserve deliveries for a failed dead-letter publish
  });

  it('de-duplicates a re-published envelope id', async () => {
    const def = probe('dedupe');
    const handled: number[] = [];
    await f.host.addEventHandler(def, { durable: 'dedupe' }, async (e) => {
      handled.push(e.data.n);
    });
    const envelope = createEnvelope(def, { key: 'k', n: 1 }, newCorrelation());
    const first = await f.publisher.publish(def, envelope);
    const again = await f.publisher.publish(def, envelope);
    expect(first.duplicate).toBe(false);
    expect(again).toEqual({ stream: EVENTS, seq: first.seq, duplicate: true });
    await f.publisher.publish(def, createEnvelope(def, { key: 'k', n: 2 }, newCorrelation()));
    await waitForSettled(f.jsm, EVENTS, 'dedupe');
    expect(handled).toEqual([1, 2]);
  });

  it('carries correlation, causation and trace context; the handler runs in the producer trace', async () => {
    const def = probe('headers');
    const seen: Array<{ envelope: Envelope<Probe>; delivery: DeliveryContext; traceId: string | undefined }> = [];
    await f.host.addEventHandler(def, { durable: 'headers' }, async (envelope, delivery) => {
      seen.push({ envelope, delivery, traceId: trace.getActiveSpan()?.spanContext().traceId });
    });
    const cause = createEnvelope(def, { key: 'k', n: 0 }, newCorrelation());
    const envelope = createEnvelope(def, { key: 'k', n: 1 }, { correlationId: cause.correlationId, causationId: cause.id });
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const producer = trace.setSpanContext(context.active(), { traceId, spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED });
    await context.with(producer, () => f.publisher.publish(def, envelope));
    await waitFor(() => seen.length === 1, { what: 'the message' });
    const { delivery } = seen[0]!;
    expect(delivery.headers[Headers.MSG_ID]).toBe(envelope.id);
    expect(delivery.headers[Headers.TYPE]).toBe('Probe');
    expect(delivery.headers[Headers.VERSION]).toBe('1');
    expect(delivery.headers[Headers.CORRELATION_ID]).toBe(cause.correlationId);
    expect(delivery.headers[Headers.CAUSATION_ID]).toBe(cause.id);
    expect(delivery.headers[Headers.TRACEPARENT]).toBe(`00-${traceId}-b7ad6b7169203331-01`);
    expect(seen[0]!.traceId).toBe(traceId);
    expect(seen[0]!.envelope).toEqual(JSON.parse(JSON.stringify(envelope)));
  });

  it('keeps per-key order under concurrency while different keys run side by side', async () => {
    const def = probe('ordered');
    const keys = ['a', 'b', 'c', 'd'];
    const perKey = 12;
    const order = new Map<string, number[]>();
    const active = new Map<string, number>();
    let running = 0;
    let maxRunning = 0;
    let overlapSameKey = false;
    await f.host.addEventHandler(
      def,
      { durable: 'ordered', concurrency: 8, partitionKey: (e) => e.data.key },
      async (e) => {
        const k = e.data.key;
        active.set(k, (active.get(k) ?? 0) + 1);
        if (active.get(k)! > 1) overlapSameKey = true;
        running++;
        maxRunning = Math.max(maxRunning, running);
        // Simulated work of varying length (so a wrong scheduler would reorder), not a wait in the test.
        await new Promise((resolve) => setTimeout(resolve, (e.data.n * 7) % 13));
        order.set(k, [...(order.get(k) ?? []), e.data.n]);
        running--;
        active.set(k, active.get(k)! - 1);
      },
    );
    const envelopes = [];
    for (let n = 0; n < perKey; n++) for (const key of keys) envelopes.push(createEnvelope(def, { key, n }, newCorrelation()));
    await f.publisher.publishBatch(envelopes.map((e) => ({ subject: def.subject, data: JSON.stringify(e), msgId: e.id })));
    await waitFor(() => [...order.values()].reduce((s, l) => s + l.length, 0) === keys.length * perKey, {
      what: 'all ordered messages',
    });
    await waitForSettled(f.jsm, EVENTS, 'ordered');
    const expected = Array.from({ length: perKey }, (_, i) => i);
    for (const key of keys) expect(order.get(key)).toEqual(expected);
    expect(overlapSameKey).toBe(false);
    expect(maxRunning).toBeGreaterThan(1);
  });

  it('reports health for the connection and every consumer', () => {
    const health = f.host.health();
    expect(health.connected).toBe(true);
    expect(health.healthy).toBe(true);
    expect(health.consumers.map((c) => c.durable)).toContain('ordered');
  });
});
