/*
 * The roles of docs/api/console-api.md "Roles", over real NATS and Postgres: operators work only their lines;
 * supervisors see and act in every line (REST and live) but change no configuration; admins do everything.
 * routing-service and conversation-service are stand-ins that answer and record what console-api asked; the rule
 * conversation-service applies to the role is tested in its own int-spec and in tools/e2e.
 */
import { randomUUID } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import {
  ConversationOpenedV1,
  createEnvelope,
  LineChangedV1,
  newCorrelation,
  type ConversationView,
  type LineView,
  type MessageDefinition,
} from '@parley/contracts';
import { JetStreamPublisher } from '@parley/messaging';
import type { RunningService } from '@parley/observability';
import { createTestDatabase, startTestNats, waitFor, type NatsServer, type TestDatabase } from '@parley/testing';
import pino from 'pino';
import { WebSocket } from 'ws';
import { AppModule } from './app.module';
import { startConsoleApi } from './bootstrap';
import { FeedRepository } from './live/feed.repository';

type Reply = { ok: true; data: unknown } | { ok: false; error: { code: string; message: string; retryable: boolean } };
interface Call {
  subject: string;
  data: Record<string, unknown>;
}
interface Frame {
  seq: number;
  type: string;
  conversationId: string | null;
  lineId: string | null;
}

const ADMIN = { email: 'root@roles.test', password: 'roles admin password' };

let nats: NatsServer;
let db: TestDatabase;
let stand: NatsConnection;
let service: RunningService;
let base: string;
const calls: Call[] = [];

/** Stand-in for another service: answers `subject` with `fn`, records what it was asked; ready once flushed. */
async function answer(subject: string, fn: (data: Record<string, unknown>) => Reply): Promise<void> {
  stand.subscribe(subject, {
    callback: (_err, msg) => {
      const envelope = JSON.parse(msg.string()) as { data: Record<string, unknown> };
      calls.push({ subject: msg.subject, data: envelope.data });
      msg.respond(JSON.stringify(fn(envelope.data)));
    },
  });
  await stand.flush();
}
const ok = (data: unknown): Reply => ({ ok: true, data });
const fail = (code: string): Reply => ({ ok: false, error: { code, message: `${code} from stand-in`, retryable: false } });
const lastCall = (subject: string): Call | undefined => calls.filter((c) => c.subject === subject).at(-1);

async function http(method: string, url: string, token: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${base}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as unknown) : undefined };
}

async function login(email: string, password: string): Promise<{ token: string; id: string }> {
  const response = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  const body = (await response.json()) as { accessToken: string; operator: { id: string } };
  return { token: body.accessToken, id: body.operator.id };
}

async function publish<T extends object>(definition: MessageDefinition<T>, data: T): Promise<void> {
  await service.app.get(JetStreamPublisher).publish(definition, createEnvelope(definition, data, newCorrelation()));
}

async function openLive(token: string): Promise<{ frames: Frame[]; ws: WebSocket }> {
  const ws = new WebSocket(`${base.replace('http', 'ws')}/api/live?access_token=${token}`);
  const frames: Frame[] = [];
  ws.on('message', (raw) => {
    const value = JSON.parse(String(raw)) as Frame | { type: string };
    if ('seq' in value) frames.push(value);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { frames, ws };
}

const line = (id: string, memberIds: string[]): LineView => ({ id, name: `line ${id.slice(0, 4)}`, sessionRule: { mode: 'reopen' }, memberIds });

function conversation(id: string, lineId: string): ConversationView {
  const now = new Date().toISOString();
  return {
    id, lineId, channelId: randomUUID(), channelType: 'vk', contactId: randomUUID(), status: 'queued', assigneeId: null, blocked: false,
    previousConversationId: null, openedAt: now, lastMessageAt: now, lastMessagePreview: 'answered inside VK', messageCount: 1, version: 2,
  };
}

let admin: { token: string; id: string };
let supervisor: { token: string; id: string };
let operator: { token: string; id: string };
const operatorsLine = randomUUID(); // the operator's only line; nobody else is a member of anything
const otherLine = randomUUID();
const supervisorsLine = randomUUID(); // only in the live feed's membership copy, to give the demoted supervisor a marker
const ofOtherLine = conversation(randomUUID(), otherLine);

beforeAll(async () => {
  [nats, db] = await Promise.all([startTestNats(), createTestDatabase('console_roles')]);
  Object.assign(process.env, {
    DATABASE_URL: db.url, NATS_URL: nats.url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'error',
    PARLEY_AUTH_SECRET: 'roles-secret-roles-secret-roles-secret', PARLEY_ADMIN_EMAIL: ADMIN.email, PARLEY_ADMIN_PASSWORD: ADMIN.password,
  });
  stand = await connect({ servers: nats.url });
  const running = await startConsoleApi(AppModule, {
    logger: pino({ level: 'silent' }),
    process: { exit: (code) => { throw new Error(`console-api exited with ${code}`); }, on: () => undefined, off: () => undefined },
  });
  if (!running) throw new Error('console-api did not start');
  service = running;
  base = running.url;

  admin = await login(ADMIN.email, ADMIN.password);
  for (const role of ['supervisor', 'operator'] as const) {
    const created = await http('POST', '/api/operators', admin.token, { email: `${role}@roles.test`, name: role, password: `${role}-password`, role });
    expect(created.status).toBe(201);
  }
  supervisor = await login('supervisor@roles.test', 'supervisor-password');
  operator = await login('operator@roles.test', 'operator-password');

  await answer('parley.routing-service.list-lines.v1', (data) =>
    ok({ lines: data['memberId'] === operator.id ? [line(operatorsLine, [operator.id])] : data['memberId'] ? [] : [line(operatorsLine, [operator.id]), line(otherLine, [])] }),
  );
  await answer('parley.conversation-service.get.v1', (data) => (data['conversationId'] === ofOtherLine.id ? ok(ofOtherLine) : fail('NOT_FOUND')));
  await answer('parley.conversation-service.list.v1', () => ok({ items: [ofOtherLine] }));
  await answer('parley.conversation-service.accept.v1', () => ok({ ...ofOtherLine, status: 'assigned', assigneeId: supervisor.id }));
  await answer('parley.conversation-service.close.v1', () => ok({ ...ofOtherLine, status: 'closed' }));
  await answer('parley.contact-service.get.v1', () => fail('NOT_FOUND'));
});

afterAll(async () => {
  await service?.close();
  await stand?.close();
  await Promise.all([nats?.stop(), db?.drop()]);
});

describe('roles', () => {
  it('an admin closes a conversation of a line they are not a member of (answered inside VK, nobody took it)', async () => {
    expect((await http('GET', `/api/conversations/${ofOtherLine.id}`, admin.token)).status).toBe(200);
    const closed = await http('POST', `/api/conversations/${ofOtherLine.id}/close`, admin.token);
    expect(closed).toMatchObject({ status: 200, json: { status: 'closed' } });
    // The command says who closes it and in which role: conversation-service lets an admin close in any line.
    expect(lastCall('parley.conversation-service.close.v1')?.data).toEqual({ conversationId: ofOtherLine.id, operatorId: admin.id, actorRole: 'admin' });
  });

  it('a supervisor sees and acts in every line', async () => {
    await http('GET', '/api/lines', supervisor.token);
    expect(lastCall('parley.routing-service.list-lines.v1')?.data).toEqual({});
    const list = await http('GET', '/api/conversations?status=queued', supervisor.token);
    expect(list.status).toBe(200);
    expect(lastCall('parley.conversation-service.list.v1')?.data).not.toHaveProperty('lineIds');
    expect((await http('GET', `/api/conversations?lineId=${otherLine}`, supervisor.token)).status).toBe(200);
    expect((await http('GET', `/api/conversations/${ofOtherLine.id}`, supervisor.token)).status).toBe(200);

    expect((await http('POST', `/api/conversations/${ofOtherLine.id}/accept`, supervisor.token)).status).toBe(200);
    expect(lastCall('parley.conversation-service.accept.v1')?.data).toEqual({ conversationId: ofOtherLine.id, operatorId: supervisor.id, actorRole: 'supervisor' });
    expect((await http('POST', `/api/conversations/${ofOtherLine.id}/close`, supervisor.token)).status).toBe(200);
    expect(lastCall('parley.conversation-service.close.v1')?.data).toEqual({ conversationId: ofOtherLine.id, operatorId: supervisor.id, actorRole: 'supervisor' });

    // Reading configuration is fine; changing it is not.
    expect((await http('GET', '/api/operators', supervisor.token)).status).toBe(200);
    expect((await http('GET', '/api/channels', supervisor.token)).status).toBe(200);
    const id = randomUUID();
    const changes: Array<[string, string, unknown]> = [
      ['POST', '/api/operators', { email: 'x@roles.test', name: 'x', password: 'x-password', role: 'admin' }],
      ['PATCH', `/api/operators/${supervisor.id}`, { role: 'admin' }],
      ['POST', '/api/lines', { name: 'x', sessionRule: { mode: 'new' } }],
      ['PATCH', `/api/lines/${otherLine}`, { name: 'x' }],
      ['PUT', `/api/lines/${otherLine}/members`, { operatorIds: [supervisor.id] }],
      ['POST', `/api/lines/${otherLine}/channels`, { type: 'vk', name: 'x', settings: { groupId: '1', confirmation: 'c', secret: 's', token: 't' } }],
      ['PATCH', `/api/channels/${id}`, { active: false }],
      ['DELETE', `/api/channels/${id}`, undefined],
    ];
    for (const [method, url, body] of changes) {
      const res = await http(method, url, supervisor.token, body);
      expect([method, url, res.status, (res.json as { error?: { code: string } }).error?.code]).toEqual([method, url, 403, 'FORBIDDEN']);
    }
  });

  it('an operator stays in their own lines and out of configuration', async () => {
    await http('GET', '/api/conversations', operator.token);
    expect(lastCall('parley.conversation-service.list.v1')?.data).toMatchObject({ lineIds: [operatorsLine] });
    expect((await http('GET', `/api/conversations?lineId=${otherLine}`, operator.token)).status).toBe(403);
    const other = await http('GET', `/api/conversations/${ofOtherLine.id}`, operator.token);
    expect(other).toMatchObject({ status: 403, json: { error: { code: 'NOT_A_LINE_MEMBER' } } });
    await http('POST', `/api/conversations/${ofOtherLine.id}/close`, operator.token);
    expect(lastCall('parley.conversation-service.close.v1')?.data).toEqual({ conversationId: ofOtherLine.id, operatorId: operator.id, actorRole: 'operator' });
    for (const url of ['/api/operators', '/api/channels']) expect((await http('GET', url, operator.token)).status).toBe(403);
  });

  it('an admin changes roles (never their own); the live socket follows the new role at once', async () => {
    expect((await http('PATCH', `/api/operators/${admin.id}`, admin.token, { role: 'operator' })).json).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect((await http('PATCH', `/api/operators/${randomUUID()}`, admin.token, { role: 'operator' })).status).toBe(404);
    expect((await http('PATCH', `/api/operators/${operator.id}`, admin.token, { role: 'boss' })).status).toBe(400);

    await publish(LineChangedV1, line(operatorsLine, [operator.id]));
    await publish(LineChangedV1, line(otherLine, []));
    await publish(LineChangedV1, line(supervisorsLine, [supervisor.id]));
    const supervisorLive = await openLive(supervisor.token);
    const operatorLive = await openLive(operator.token);
    const open = async (lineId: string): Promise<string> => {
      const conversationId = randomUUID();
      await publish(ConversationOpenedV1, {
        conversationId, lineId, channelId: randomUUID(), channelType: 'vk', contactId: randomUUID(), externalChatId: '5',
        previousConversationId: null, decision: { outcome: 'first', reason: 'first message' },
      });
      return conversationId;
    };
    const seen = (frames: Frame[], conversationId: string): boolean => frames.some((f) => f.conversationId === conversationId);
    // Membership arrives by event: wait until the lines are known.
    await waitFor(
      async () => {
        if (operatorLive.frames.some((f) => f.lineId === operatorsLine)) return true;
        await open(operatorsLine);
        return false;
      },
      { what: 'the operator’s line known', timeoutMs: 15_000, intervalMs: 200 },
    );
    await waitFor(async () => (await service.app.get(FeedRepository).membersOf([supervisorsLine])).get(supervisorsLine)?.has(supervisor.id) === true, {
      what: 'the supervisor’s line known',
    });

    const before = await open(otherLine);
    await waitFor(() => seen(supervisorLive.frames, before), { what: 'the supervisor sees a line they do not work' });
    const marker = await open(operatorsLine);
    await waitFor(() => seen(operatorLive.frames, marker), { what: 'the operator’s own line' });
    expect(seen(operatorLive.frames, before)).toBe(false);

    // Demoted and promoted while connected: the next events follow the new roles, without a reconnect.
    expect((await http('PATCH', `/api/operators/${supervisor.id}`, admin.token, { role: 'operator' })).json).toMatchObject({ role: 'operator' });
    expect((await http('PATCH', `/api/operators/${operator.id}`, admin.token, { role: 'supervisor', name: 'Promoted' })).json).toMatchObject({ role: 'supervisor', name: 'Promoted' });
    const after = await open(otherLine);
    const demotedMarker = await open(supervisorsLine);
    await waitFor(() => seen(operatorLive.frames, after), { what: 'the promoted operator sees every line' });
    await waitFor(() => seen(supervisorLive.frames, demotedMarker), { what: 'the demoted supervisor sees their own line' });
    expect(seen(supervisorLive.frames, after)).toBe(false);
    expect(((await http('GET', '/api/operators', admin.token)).json as Array<{ id: string; role: string }>).find((o) => o.id === supervisor.id)?.role).toBe('operator');
    supervisorLive.ws.close();
    operatorLive.ws.close();
  });
});
