import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Streams, type Envelope } from '@parley/contracts';
import { startTestNats, waitFor, type NatsServer } from '@parley/testing';
import type { LogPosition, StoredEvent } from '../index';
import { createEventStoreFixture, type EventStoreFixture } from '../../test/event-store-fixture';

const testDir = path.resolve(__dirname, '../../test');

describe('EventRelay (outbox to JetStream) across a SIGKILL', () => {
  let f: EventStoreFixture;
  let nats: NatsServer;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    f = await createEventStoreFixture('es_relay');
    nats = await startTestNats();
    nc = await connect({ servers: nats.url });
    jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: Streams.EVENTS.name, subjects: [...Streams.EVENTS.subjects] });
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await nc?.close();
    await nats?.stop();
    await f?.close();
  });

  function startRelay(env: Record<string, string>): { child: ChildProcess; output: () => string } {
    let output = '';
    const child = spawn(process.execPath, ['-r', path.join(testDir, 'swc-register.cjs'), path.join(testDir, 'relay-process.ts')], {
      env: { ...process.env, PG_URL: f.db.url, NATS_URL: nats.url, SCHEMA: 'conversation', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    children.push(child);
    return { child, output: () => output };
  }

  const appendMany = async (streams: number, perStream: number, tag: string): Promise<void> => {
    await Promise.all(
      Array.from({ length: streams }, async (_, s) => {
        for (let i = 0; i < perStream; i += 10) {
          await f.store.appendToStream(
            `conversation-${s}`,
            Array.from({ length: 10 }, (_, k) => ({
              type: 'MessageReceived',
              data: { tag, i: i + k },
              metadata: { correlationId: `corr-${tag}-${s}`, causationId: `cause-${i}` },
            })),
            { expectedVersion: 'any' },
          );
        }
      }),
    );
  };
  const streamCount = async (): Promise<number> => (await jsm.streams.info(Streams.EVENTS.name)).state.messages;
  const relayCheckpoint = async (): Promise<LogPosition | null> => {
    const rows = (await f.dataSource.query(
      `SELECT transaction_id, global_position FROM conversation.checkpoints WHERE name = 'relay'`,
    )) as Array<{ transaction_id: string; global_position: string }>;
    return rows[0] ? { transactionId: rows[0].transaction_id, globalPosition: Number(rows[0].global_position) } : null;
  };

  it('publishes every committed event exactly once, in log order, after the relay is killed mid-batch', async () => {
    await appendMany(20, 100, 'before'); // 2000 events

    // First relay: batches of 200; it hands 700 publishes to JetStream, then hangs inside its 4th batch.
    const first = startRelay({ HANG_AFTER: '700', BATCH_SIZE: '200' });
    await waitFor(() => first.output().includes('hanging after 700'), { what: 'the relay to hang mid-batch', timeoutMs: 60_000 });
    await waitFor(async () => (await streamCount()) === 700, { what: '700 messages in JetStream', timeoutMs: 20_000 });
    first.child.kill('SIGKILL');
    await waitFor(() => first.child.signalCode === 'SIGKILL', { what: 'the relay to die' });

    // It died with a batch published but not checkpointed: the checkpoint is behind the 700 published events
    // (at the 600th with full batches; earlier when the horizon made some batches short).
    // The xmin horizon is cluster-wide: open transactions of other test files' databases can delay visibility.
    const readLog = (count: number): Promise<StoredEvent[]> =>
      waitFor(
        async () => {
          const events = (await f.store.readAll({ limit: 100_000 })).events;
          return events.length === count ? events : undefined;
        },
        { what: `${count} events behind the horizon`, timeoutMs: 30_000 },
      );
    const log = await readLog(2000);
    const checkpoint = await relayCheckpoint();
    const checkpointed = checkpoint === null ? 0 : log.findIndex((e) => e.globalPosition === checkpoint.globalPosition) + 1;
    expect(checkpointed).toBeGreaterThanOrEqual(0);
    expect(checkpointed).toBeLessThan(700);

    // More events while no relay runs, and more while the new one runs.
    await appendMany(10, 50, 'between');
    const second = startRelay({ BATCH_SIZE: '500' });
    await appendMany(10, 50, 'during');

    const expected = await readLog(3000);
    const last = expected[expected.length - 1];
    await waitFor(async () => (await relayCheckpoint())?.globalPosition === last?.globalPosition, {
      what: 'the restarted relay to reach the head of the log',
      timeoutMs: 60_000,
    });
    expect(await streamCount()).toBe(3000);

    // Read the JetStream stream back: ids, order, envelope and headers.
    const consumer = await jetstream(nc).consumers.get(Streams.EVENTS.name);
    const messages = await consumer.fetch({ max_messages: 3000, expires: 10_000 });
    const seen: Array<{ id: string | undefined; envelope: Envelope; subject: string; correlation: string | undefined }> = [];
    for await (const m of messages) {
      seen.push({
        id: m.headers?.get('Nats-Msg-Id'),
        envelope: m.json<Envelope>(),
        subject: m.subject,
        correlation: m.headers?.get('Parley-Correlation-Id'),
      });
      if (seen.length === 3000) break;
    }
    expect(seen.map((s) => s.id)).toEqual(expected.map((e) => e.eventId));
    expect(seen.map((s) => s.envelope.id)).toEqual(expected.map((e) => e.eventId));
    const sample = expected[1234];
    const sampleSeen = seen[1234];
    expect(sampleSeen?.subject).toBe('parley.conversation.message-received.v1');
    expect(sampleSeen?.envelope).toEqual({
      id: sample?.eventId,
      type: 'MessageReceived',
      version: 1,
      occurredAt: sample?.createdAt.toISOString(),
      correlationId: sample?.metadata.correlationId,
      causationId: sample?.metadata.causationId,
      data: sample?.data,
    });
    expect(sampleSeen?.correlation).toBe(sample?.metadata.correlationId);

    second.child.kill('SIGTERM');
    await waitFor(() => second.child.exitCode !== null || second.child.signalCode !== null, { what: 'the relay to stop' });
  });
});
