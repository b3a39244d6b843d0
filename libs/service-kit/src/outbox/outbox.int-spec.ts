import { randomUUID } from 'node:crypto';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Streams } from '@parley/contracts';
import { JetStreamPublisher, MessagingConnection, provisionStreams, type MessagingLogger } from '@parley/messaging';
import { createTestDatabase, EventRecorder, startTestNats, waitFor, type NatsServer, type TestDatabase } from '@parley/testing';
import { pino } from 'pino';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { openServiceDatabase } from '../database/service-data-source';
import { natsReadinessCheck, postgresReadinessCheck } from '../health/readiness-checks';
import type { OutboxMessage } from './outbox-message';
import { outboxMigration } from './outbox.migration';
import { OutboxRelay, type OutboxRelayOptions } from './outbox-relay';
import { outboxTable } from './outbox-table';
import { OutboxWriter } from './outbox-writer';

const SCHEMA = 'kit_test';
const SUBJECT = 'parley.contact.kit-test.v1';
const table = outboxTable(SCHEMA);
const silent: MessagingLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const logger = pino({ level: 'silent' });

class KitTables1764000000000 implements MigrationInterface {
  readonly name = 'KitTables1764000000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE ${SCHEMA}.things (id uuid PRIMARY KEY)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ${SCHEMA}.things`);
  }
}

function message(id = randomUUID()): OutboxMessage {
  const envelope = { id, type: 'KitTest', schemaVersion: 1, data: { id } };
  return { messageId: id, subject: SUBJECT, payload: JSON.stringify(envelope), headers: { 'Parley-Type': 'KitTest' } };
}

describe('service-kit outbox on Postgres and JetStream', () => {
  let db: TestDatabase;
  let nats: NatsServer;
  let connection: MessagingConnection;
  let publisher: JetStreamPublisher;
  let jsm: JetStreamManager;
  let dataSource: DataSource;
  let recorder: EventRecorder;
  const writer = new OutboxWriter(table);
  const relays: OutboxRelay[] = [];

  const relay = (options: Partial<OutboxRelayOptions> = {}): OutboxRelay => {
    const r = new OutboxRelay(dataSource, publisher, logger, { table, leaseKey: 'kit_test:outbox', pollMs: 60_000, ...options });
    relays.push(r);
    return r;
  };
  const storedCount = async (messageId: string): Promise<number> => recorder.events.filter((e) => e.messageId === messageId).length;
  const streamCount = async (): Promise<number> => {
    const info = await jsm.streams.info(Streams.EVENTS.name, { subjects_filter: SUBJECT });
    return info.state.subjects?.[SUBJECT] ?? 0;
  };
  const outboxRows = async (): Promise<number> =>
    ((await dataSource.query(`SELECT count(*)::int AS n FROM ${table.qualifiedName}`)) as Array<{ n: number }>)[0]?.n ?? -1;

  beforeAll(async () => {
    db = await createTestDatabase('service_kit');
    nats = await startTestNats();
    connection = await MessagingConnection.connect({ serviceName: 'service-kit-test', servers: nats.url, logger: silent });
    jsm = await jetstreamManager(connection.nc);
    await provisionStreams(jsm, silent);
    publisher = new JetStreamPublisher(connection);
    const options = { url: db.url, schema: SCHEMA, applicationName: 'service-kit-test', migrations: [KitTables1764000000000, outboxMigration(SCHEMA)] };
    // Two replicas booting together: the advisory lock makes the second wait, then find nothing to do.
    const [first, second] = await Promise.all([openServiceDatabase(options), openServiceDatabase(options)]);
    await second.destroy();
    dataSource = first;
    recorder = await EventRecorder.start(connection.nc, SUBJECT);
  });

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop()));
  });

  afterAll(async () => {
    await recorder?.stop();
    await dataSource?.destroy();
    await connection?.drain();
    await nats?.stop();
    await db?.drop();
  });

  it('migrated the schema once, with the outbox table', async () => {
    const migrations = (await dataSource.query(`SELECT name FROM ${SCHEMA}.migrations ORDER BY id`)) as Array<{ name: string }>;
    expect(migrations.map((m) => m.name)).toEqual(['KitTables1764000000000', 'KitTestOutbox1764000000500']);
    expect(await outboxRows()).toBe(0);
  });

  it('publishes a row written in a committed transaction exactly once, with Nats-Msg-Id = envelope id', async () => {
    const r = relay();
    r.start();
    const m = message();
    const before = await streamCount();
    await dataSource.transaction(async (tx) => {
      await tx.query(`INSERT INTO ${SCHEMA}.things (id) VALUES ($1)`, [m.messageId]);
      await writer.append(tx, [m]);
    });
    r.kick();
    await waitFor(async () => (await storedCount(m.messageId)) === 1, { what: 'the committed row published' });
    await r.flush();
    r.kick();
    await r.flush();
    expect(await streamCount()).toBe(before + 1);
    expect(await outboxRows()).toBe(0);
    const published = recorder.events.find((e) => e.messageId === m.messageId);
    expect(published?.envelope.id).toBe(m.messageId);
  });

  it('never publishes a row whose transaction rolled back', async () => {
    const r = relay();
    r.start();
    const rolledBack = message();
    await expect(
      dataSource.transaction(async (tx) => {
        await writer.append(tx, [rolledBack]);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    const committed = message();
    await dataSource.transaction((tx) => writer.append(tx, [committed]));
    r.kick();
    await waitFor(async () => (await storedCount(committed.messageId)) === 1, { what: 'the committed row published' });
    // the relay deletes a row after its PubAck, so the stream can hold it a moment before the outbox is empty
    await waitFor(async () => (await outboxRows()) === 0, { what: 'the published row deleted' });
    expect(await storedCount(rolledBack.messageId)).toBe(0);
  });

  it('publishes rows left behind by a crash after the next start, in order', async () => {
    const left = [message(), message(), message()];
    await dataSource.transaction((tx) => writer.append(tx, left)); // no relay ran: the process died after the commit
    expect(await outboxRows()).toBe(3);
    relay({ batchSize: 2 }).start();
    await waitFor(async () => (await outboxRows()) === 0, { what: 'an empty outbox' });
    await waitFor(() => left.every((m) => recorder.events.some((e) => e.messageId === m.messageId)), { what: 'the left rows published' });
    const order = left.map((m) => recorder.events.findIndex((e) => e.messageId === m.messageId));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('de-duplicates a re-publish (a crash between the PubAck and the delete)', async () => {
    const m = message();
    await publisher.publishRaw({ subject: m.subject, data: m.payload, msgId: m.messageId, headers: m.headers });
    await dataSource.transaction((tx) => writer.append(tx, [m, m])); // a second write of the same id is ignored too
    expect(await outboxRows()).toBe(1);
    const before = await streamCount();
    await relay().flush();
    expect(await outboxRows()).toBe(0);
    expect(await streamCount()).toBe(before);
    await waitFor(async () => (await storedCount(m.messageId)) === 1, { what: 'the message stored' });
  });

  it('wakes up on NOTIFY when listening, without a kick or a poll', async () => {
    const r = relay({ listen: { databaseUrl: db.url, applicationName: 'service-kit-test-listen' } });
    r.start();
    await waitFor(async () => {
      const rows = (await dataSource.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'service-kit-test-listen'`)) as Array<{ n: number }>;
      return rows[0]?.n === 1;
    }, { what: 'the LISTEN connection' });
    const m = message();
    await dataSource.transaction((tx) => writer.append(tx, [m]));
    await waitFor(async () => (await storedCount(m.messageId)) === 1, { what: 'the row published on NOTIFY' });
  });

  it('publishes what is waiting on stop', async () => {
    const r = relay();
    r.start();
    await r.flush();
    const m = message();
    await dataSource.transaction((tx) => writer.append(tx, [m]));
    await r.stop();
    expect(await outboxRows()).toBe(0);
    await waitFor(async () => (await storedCount(m.messageId)) === 1, { what: 'the row published on stop' });
  });

  it('reports Postgres and NATS readiness', async () => {
    await expect(postgresReadinessCheck(dataSource).check()).resolves.toBeUndefined();
    const healthy = { check: () => ({ healthy: true, connected: true, consumers: [], responders: [] }) };
    await expect(natsReadinessCheck(healthy).check()).resolves.toBeUndefined();
    const stalled = { check: () => ({ healthy: false, connected: true, consumers: [{ durable: 'c1', stream: 's', running: false }], responders: [] }) };
    await expect(natsReadinessCheck(stalled).check()).rejects.toThrow('not running: c1');
    await expect(natsReadinessCheck(stalled, { requireHandlers: false }).check()).resolves.toBeUndefined();
    const down = { check: () => ({ healthy: false, connected: false, consumers: [], responders: [] }) };
    await expect(natsReadinessCheck(down, { requireHandlers: false }).check()).rejects.toThrow('not connected to NATS');
  });
});
