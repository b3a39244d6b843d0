import { Client } from 'pg';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { createTestDatabase, startTestNats, waitFor, WaitTimeoutError, type TestDatabase } from './index';
import type { NatsServer } from './nats-server';

describe('test harness', () => {
  let db: TestDatabase;
  let nats: NatsServer;

  beforeAll(async () => {
    db = await createTestDatabase('harness');
    nats = await startTestNats();
  });
  afterAll(async () => {
    await nats?.stop();
    await db?.drop();
  });

  it('gives each test file its own Postgres 15+ database', async () => {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ db: string; version: number }>(
        "select current_database() as db, current_setting('server_version_num')::int as version",
      );
      expect(rows[0]?.db).toBe(decodeURIComponent(new URL(db.url).pathname.slice(1)));
      expect(rows[0]?.version).toBeGreaterThanOrEqual(150000);
    } finally {
      await client.end();
    }
  });

  it('runs a JetStream-enabled nats-server that keeps its streams across a restart', async () => {
    const nc = await connect({ servers: nats.url });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'HARNESS', subjects: ['harness.>'] });
    await nc.close();
    await nats.restart();
    const again = await connect({ servers: nats.url });
    const info = await (await jetstreamManager(again)).streams.info('HARNESS');
    expect(info.config.subjects).toEqual(['harness.>']);
    await again.close();
  });

  it('waitFor returns the first truthy probe result and fails with a named deadline', async () => {
    let calls = 0;
    await expect(waitFor(() => (++calls >= 3 ? calls : undefined), { what: 'three calls' })).resolves.toBe(3);
    await expect(waitFor(() => false, { what: 'never', timeoutMs: 50 })).rejects.toThrow(WaitTimeoutError);
  });
});
