import { IsInt } from 'class-validator';
import { nanos } from '@nats-io/nats-core';
import { createEnvelope, defineEvent, newCorrelation, Streams } from '@parley/contracts';
import { waitFor } from '@parley/testing';
import { ensureDurableConsumer, provisionStreams } from '../src';
import { startFixture, type Fixture } from './messaging-fixture';

class Job {
  @IsInt()
  n!: number;
}
const JobV1 = defineEvent({ type: 'Job', version: 1, subject: 'parley.delivery.job.v1', data: Job, description: 'test job' });

describe('provisioning and shutdown', () => {
  let f: Fixture;

  beforeAll(async () => {
    f = await startFixture('lifecycle-test');
  });
  afterAll(async () => {
    await f?.close();
  });

  it('provisions streams idempotently, concurrently, with file storage and a 2-minute duplicate window', async () => {
    await Promise.all([provisionStreams(f.jsm, f.logger), provisionStreams(f.jsm, f.logger)]);
    for (const stream of Object.values(Streams)) {
      const info = await f.jsm.streams.info(stream.name);
      expect(info.config.storage).toBe('file');
      expect(info.config.duplicate_window).toBeGreaterThanOrEqual(nanos(120_000));
      expect(info.config.subjects).toEqual(expect.arrayContaining([...stream.subjects]));
    }
    const dlq = await f.jsm.streams.info(Streams.DLQ.name);
    expect(dlq.config.max_age).toBeGreaterThanOrEqual(nanos(30 * 24 * 3600 * 1000));
  });

  it('creates a durable once and updates its mutable settings in place', async () => {
    const spec = { stream: Streams.EVENTS.name, durable: 'jobs-admin', filterSubject: JobV1.subject, maxDeliver: 5, ackWaitMs: 30_000, maxAckPending: 100 };
    await Promise.all([ensureDurableConsumer(f.jsm, spec, f.logger), ensureDurableConsumer(f.jsm, spec, f.logger)]);
    await ensureDurableConsumer(f.jsm, { ...spec, maxDeliver: 9, ackWaitMs: 10_000 }, f.logger);
    const info = await f.jsm.consumers.info(Streams.EVENTS.name, 'jobs-admin');
    expect(info.config).toMatchObject({ ack_policy: 'explicit', deliver_policy: 'all', filter_subject: JobV1.subject, max_deliver: 9, ack_wait: nanos(10_000) });
    await expect(ensureDurableConsumer(f.jsm, { ...spec, filterSubject: 'parley.delivery.other.v1' }, f.logger)).rejects.toThrow(/new durable/);
  });

  it('lets an in-flight handler finish before stop() resolves, and pulls nothing after', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const started: number[] = [];
    const finished: number[] = [];
    await f.host.addEventHandler(JobV1, { durable: 'jobs', concurrency: 1 }, async (e) => {
      started.push(e.data.n);
      await gate;
      finished.push(e.data.n);
    });
    await f.publisher.publish(JobV1, createEnvelope(JobV1, { n: 1 }, newCorrelation()));
    await waitFor(() => started.length === 1, { what: 'the job to start' });
    let stopped = false;
    const stopping = f.host.stop().then(() => (stopped = true));
    await f.publisher.publish(JobV1, createEnvelope(JobV1, { n: 2 }, newCorrelation()));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(finished).toEqual([1]);
    expect(started).toEqual([1]);
    // The ack was flushed to the server before stop() resolved; the server records it on its own time.
    await waitFor(async () => (await f.jsm.consumers.info(Streams.EVENTS.name, 'jobs')).ack_floor.stream_seq > 0, { what: 'the ack of job 1 on the server' });
    expect(f.host.health().consumers[0]?.running).toBe(false);
  });
});
