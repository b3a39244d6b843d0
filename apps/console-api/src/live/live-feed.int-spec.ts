import { randomUUID } from 'node:crypto';
import type { RunningService } from '@parley/observability';
import { createTestDatabase, startTestNats, waitFor, type NatsServer, type TestDatabase } from '@parley/testing';
import { Client } from 'pg';
import pino from 'pino';
import { WebSocket } from 'ws';
import { AppModule } from '../app.module';
import { startConsoleApi } from '../bootstrap';
import { LiveHub } from './live-hub.service';

// How the live feed behaves when Postgres fails under it (the chaos run restarts Postgres under load).

const ADMIN_EMAIL = 'root@parley.test';
const ADMIN_PASSWORD = 'correct horse battery staple';

let nats: NatsServer;
let db: TestDatabase;
let sql: Client;
let service: RunningService;
let base: string;

interface Frame {
  seq: number;
  type: string;
  data: Record<string, unknown>;
}

async function adminToken(): Promise<string> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

/** A live socket collecting frames; its listener is in place before the handshake completes. */
async function openLive(token: string): Promise<{ frames: Frame[]; ws: WebSocket }> {
  const ws = new WebSocket(`${base.replace('http', 'ws')}/api/live?access_token=${token}`);
  const frames: Frame[] = [];
  ws.on('message', (raw) => {
    const value = JSON.parse(String(raw)) as Frame;
    if (typeof value.seq === 'number') frames.push(value);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { frames, ws };
}

beforeAll(async () => {
  [nats, db] = await Promise.all([startTestNats(), createTestDatabase('console_live')]);
  Object.assign(process.env, {
    DATABASE_URL: db.url,
    NATS_URL: nats.url,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'error',
    PARLEY_AUTH_SECRET: 'test-secret-test-secret-test-secret-42',
    PARLEY_ADMIN_EMAIL: ADMIN_EMAIL,
    PARLEY_ADMIN_PASSWORD: ADMIN_PASSWORD,
  });
  const running = await startConsoleApi(AppModule, {
    logger: pino({ level: 'silent' }),
    process: { exit: (code) => { throw new Error(`console-api exited with ${code}`); }, on: () => undefined, off: () => undefined },
  });
  if (!running) throw new Error('console-api did not start');
  service = running;
  base = running.url;
  sql = new Client({ connectionString: db.url });
  await sql.connect();
});

afterAll(async () => {
  await sql?.end();
  await service?.close();
  await Promise.all([nats?.stop(), db?.drop()]);
});

describe('live feed when Postgres fails', () => {
  it('pushes a row whose pump read failed, without waiting for another event to wake it', async () => {
    const hub = service.app.get(LiveHub);
    const live = await openLive(await adminToken());
    const eventId = randomUUID();
    // The row is committed, but the pump's read of it fails (here: the table is away; in the chaos run: Postgres
    // restarting right after the commit). No further event comes to wake the hub.
    await sql.query('ALTER TABLE console.feed RENAME TO feed_away');
    try {
      await sql.query(
        `INSERT INTO console.feed_away (event_id, type, occurred_at, conversation_id, line_id, line_ids, data)
         VALUES ($1, 'MessageAppended', now(), $2, $3, ARRAY[$3]::uuid[], $4)`,
        [eventId, randomUUID(), randomUUID(), JSON.stringify({ text: 'the last message before a quiet spell' })],
      );
      const failuresBefore = hub.pumpFailures;
      hub.wake();
      await waitFor(() => hub.pumpFailures > failuresBefore, { what: 'the pump to fail reading console.feed' });
    } finally {
      await sql.query('ALTER TABLE console.feed_away RENAME TO feed');
    }
    try {
      await waitFor(() => live.frames.find((f) => f.data['text'] === 'the last message before a quiet spell'), {
        what: 'the row on the live socket',
        timeoutMs: 10_000,
      });
    } finally {
      live.ws.close();
    }
  });
});
