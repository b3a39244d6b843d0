import { IsInt } from 'class-validator';
import { createEnvelope, defineEvent, newCorrelation, Streams } from '@parley/contracts';
import { waitFor } from '@parley/testing';
import { startFixture, waitForSettled, type Fixture } from './messaging-fixture';

class Tick {
  @IsInt()
  n!: number;
}

const TickV1 = defineEvent({ type: 'Tick', version: 1, subject: 'parley.routing.tick.v1', data: Tick, description: 'test tick' });

describe('consumers across a nats-server restart', () => {
  let f: Fixture;

  beforeAll(async () => {
    f = await startFixture('reconnect-test');
  });
  afterAll(async () => {
    await f?.close();
  });

  it('keeps consuming after the server restarts and loses nothing acknowledged before', async () => {
    const handled = new Set<number>();
    await f.host.addEventHandler(TickV1, { durable: 'ticks' }, async (e) => {
      handled.add(e.data.n);
    });
    for (let n = 0; n < 5; n++) await f.publisher.publish(TickV1, createEnvelope(TickV1, { n }, newCorrelation()));
    await waitFor(() => handled.size === 5, { what: 'messages before the restart' });
    await waitForSettled(f.jsm, Streams.EVENTS.name, 'ticks');

    await f.server.restart();
    await waitFor(() => f.logger.entries.some((e) => e.message === 'nats reconnected'), {
      what: 'the reconnect',
      timeoutMs: 30_000,
    });
    expect(f.logger.entries.some((e) => e.message === 'nats disconnected')).toBe(true);

    for (let n = 5; n < 10; n++) await f.publisher.publish(TickV1, createEnvelope(TickV1, { n }, newCorrelation()));
    await waitFor(() => handled.size === 10, { what: 'messages after the restart', timeoutMs: 60_000 });
    await waitForSettled(f.jsm, Streams.EVENTS.name, 'ticks');
    expect([...handled].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

    const stream = await f.jsm.streams.info(Streams.EVENTS.name);
    expect(stream.state.messages).toBe(10);
    const consumer = await f.jsm.consumers.info(Streams.EVENTS.name, 'ticks');
    expect(consumer.ack_floor.stream_seq).toBe(stream.state.last_seq);
    expect(f.host.health().healthy).toBe(true);
  });
});
