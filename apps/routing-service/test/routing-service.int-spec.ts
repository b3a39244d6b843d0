import {
  CommonErrorCodes,
  CreateLineV1,
  LineChangedV1,
  ListLinesV1,
  newCorrelation,
  newMessageId,
  ParleyError,
  SetLineMembersV1,
  createEnvelope,
  UpdateLineV1,
  type LineView,
} from '@parley/contracts';
import { DataSource } from 'typeorm';
import { MessagingConnection, RequestClient, type MessagingLogger } from '@parley/messaging';
import { createLogger, loadConfig, runService, type RunningService } from '@parley/observability';
import { createTestDatabase, EventRecorder, startTestNats, waitFor, type NatsServer, type TestDatabase } from '@parley/testing';
import { randomUUID } from 'node:crypto';
import { createAppModule } from '../src/app.module';
import { RoutingServiceConfig } from '../src/routing-service.config';
import { OutboxWriter } from '@parley/service-kit';
import { ROUTING_OUTBOX } from '../src/database/routing-data-source';

const quiet: MessagingLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const noProcess = { exit: () => undefined, on: () => undefined, off: () => undefined };

describe('routing-service lines (real NATS and Postgres)', () => {
  let nats: NatsServer;
  let db: TestDatabase;
  let service: RunningService;
  let client: MessagingConnection;
  let requests: RequestClient;
  let recorder: EventRecorder;

  function changesOf(lineId: string): LineView[] {
    return recorder.of(LineChangedV1.type, (d) => d['id'] === lineId).map((e) => e.envelope.data as unknown as LineView);
  }

  async function waitForChanges(lineId: string, count: number): Promise<LineView[]> {
    return waitFor(() => changesOf(lineId).length >= count && changesOf(lineId), { what: `${count} LineChanged of ${lineId}` });
  }

  async function failure(promise: Promise<unknown>): Promise<ParleyError> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(error instanceof ParleyError)) throw new Error(`expected a ParleyError, got ${String(error)}`);
    return error;
  }

  /** Sends a request without the client-side validation of RequestClient (to test the service's own). */
  async function rawRequest(subject: string, type: string, data: object): Promise<{ ok: boolean; error?: { code: string; message: string } }> {
    const envelope = { id: newMessageId(), type, version: 1, occurredAt: new Date().toISOString(), correlationId: newMessageId(), causationId: null, data };
    const msg = await client.nc.request(subject, JSON.stringify(envelope), { timeout: 5_000 });
    return JSON.parse(msg.string()) as { ok: boolean; error?: { code: string; message: string } };
  }

  beforeAll(async () => {
    [nats, db] = await Promise.all([startTestNats(), createTestDatabase('routing_service')]);
    const config = loadConfig(RoutingServiceConfig, { NATS_URL: nats.url, DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1', OUTBOX_POLL_MS: '200' });
    const started = await runService({
      serviceName: 'routing-service',
      config,
      module: createAppModule(config),
      process: noProcess,
      logger: createLogger({ service: 'routing-service', level: 'error' }),
    });
    if (!started) throw new Error('routing-service did not start');
    service = started;
    client = await MessagingConnection.connect({ serviceName: 'routing-test', servers: nats.url, logger: quiet });
    requests = new RequestClient(client, 10_000);
    recorder = await EventRecorder.start(client.nc, LineChangedV1.subject);
  });

  afterAll(async () => {
    await recorder?.stop();
    await client?.drain();
    await service?.close();
    await nats?.stop();
    await db?.drop();
  });

  it('is ready with its Postgres and NATS checks', async () => {
    const response = await fetch(`${service.url}/health/ready`);
    const body = (await response.json()) as { checks: Array<{ name: string; ok: boolean }> };
    expect(response.status).toBe(200);
    expect(body.checks.map((c) => c.name).sort()).toEqual(['nats', 'postgres']);
  });

  it('creates, updates and staffs a line, publishing the whole line on PARLEY_EVENTS after each change', async () => {
    const [ann, bob] = [randomUUID(), randomUUID()];
    const created = await requests.request(CreateLineV1, { name: 'Support', sessionRule: { mode: 'reopen', reopenWithinHours: 24 } }, newCorrelation());
    expect(created).toEqual({ id: expect.any(String), name: 'Support', sessionRule: { mode: 'reopen', reopenWithinHours: 24 }, memberIds: [] });

    const updated = await requests.request(UpdateLineV1, { lineId: created.id, name: 'Customer support', sessionRule: { mode: 'new' } }, newCorrelation());
    expect(updated).toMatchObject({ name: 'Customer support', sessionRule: { mode: 'new' } });

    const staffed = await requests.request(SetLineMembersV1, { lineId: created.id, operatorIds: [bob, ann, bob] }, newCorrelation());
    expect(staffed.memberIds).toEqual([ann, bob].sort());

    const changes = await waitForChanges(created.id, 3);
    expect(changes).toEqual([
      { id: created.id, name: 'Support', sessionRule: { mode: 'reopen', reopenWithinHours: 24 }, memberIds: [] },
      { id: created.id, name: 'Customer support', sessionRule: { mode: 'new' }, memberIds: [] },
      { id: created.id, name: 'Customer support', sessionRule: { mode: 'new' }, memberIds: [ann, bob].sort() },
    ]);
    const events = recorder.of(LineChangedV1.type, (d) => d['id'] === created.id);
    expect(events.every((e) => e.subject === LineChangedV1.subject)).toBe(true);

    const emptied = await requests.request(SetLineMembersV1, { lineId: created.id, operatorIds: [] }, newCorrelation());
    expect(emptied.memberIds).toEqual([]);
    expect((await waitForChanges(created.id, 4))[3]?.memberIds).toEqual([]);
  });

  it('publishes nothing for a change that changes nothing', async () => {
    const op = randomUUID();
    const line = await requests.request(CreateLineV1, { name: 'Quiet', sessionRule: { mode: 'new' } }, newCorrelation());
    await requests.request(SetLineMembersV1, { lineId: line.id, operatorIds: [op] }, newCorrelation());
    await requests.request(SetLineMembersV1, { lineId: line.id, operatorIds: [op] }, newCorrelation());
    await requests.request(UpdateLineV1, { lineId: line.id, name: 'Quiet' }, newCorrelation());
    // A later real change is the marker: once it is there, everything before it was published too.
    await requests.request(UpdateLineV1, { lineId: line.id, name: 'Quiet line' }, newCorrelation());
    const changes = await waitFor(() => {
      const found = changesOf(line.id);
      return found.some((c) => c.name === 'Quiet line') && found;
    }, { what: 'the marker change' });
    expect(changes.map((c) => [c.name, c.memberIds.length])).toEqual([
      ['Quiet', 0],
      ['Quiet', 1],
      ['Quiet line', 1],
    ]);
  });

  it('is idempotent by lineId and refuses a reused id with other content', async () => {
    const lineId = randomUUID();
    const command = { lineId, name: 'Billing', sessionRule: { mode: 'reopen' as const } };
    const results = await Promise.all([1, 2, 3, 4].map(() => requests.request(CreateLineV1, command, newCorrelation())));
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(results[0]).toEqual({ id: lineId, name: 'Billing', sessionRule: { mode: 'reopen' }, memberIds: [] });

    const conflict = await failure(requests.request(CreateLineV1, { ...command, name: 'Billing 2' }, newCorrelation()));
    expect(conflict.code).toBe(CommonErrorCodes.CONFLICT);

    // A marker change proves the relay got past the retries: still exactly one creation event.
    await requests.request(UpdateLineV1, { lineId, name: 'Billing and invoices' }, newCorrelation());
    const changes = await waitForChanges(lineId, 2);
    expect(changes.map((c) => c.name)).toEqual(['Billing', 'Billing and invoices']);
  });

  it('refuses a taken name (case-insensitive) with CONFLICT, on create and on rename', async () => {
    const sales = await requests.request(CreateLineV1, { name: 'Sales', sessionRule: { mode: 'new' } }, newCorrelation());
    const dup = await failure(requests.request(CreateLineV1, { name: ' sales ', sessionRule: { mode: 'new' } }, newCorrelation()));
    expect(dup.code).toBe(CommonErrorCodes.CONFLICT);
    expect(dup.message).toContain('sales');

    const other = await requests.request(CreateLineV1, { name: 'Partners', sessionRule: { mode: 'new' } }, newCorrelation());
    const rename = await failure(requests.request(UpdateLineV1, { lineId: other.id, name: 'SALES' }, newCorrelation()));
    expect(rename.code).toBe(CommonErrorCodes.CONFLICT);
    expect(sales.name).toBe('Sales');
  });

  it('answers NOT_FOUND for an unknown line', async () => {
    const error = await failure(requests.request(UpdateLineV1, { lineId: randomUUID(), name: 'X' }, newCorrelation()));
    expect(error.code).toBe(CommonErrorCodes.NOT_FOUND);
    const members = await failure(requests.request(SetLineMembersV1, { lineId: randomUUID(), operatorIds: [] }, newCorrelation()));
    expect(members.code).toBe(CommonErrorCodes.NOT_FOUND);
  });

  it('answers CONTRACT_VIOLATION for a bad session rule', async () => {
    const unknownMode = await rawRequest(CreateLineV1.subject, CreateLineV1.type, { name: 'Bad', sessionRule: { mode: 'sometimes' } });
    expect(unknownMode.ok).toBe(false);
    expect(unknownMode.error?.code).toBe(CommonErrorCodes.CONTRACT_VIOLATION);
    expect(unknownMode.error?.message).toContain('data.sessionRule.mode');

    const zeroHours = await rawRequest(CreateLineV1.subject, CreateLineV1.type, { name: 'Bad', sessionRule: { mode: 'reopen', reopenWithinHours: 0 } });
    expect(zeroHours.error?.code).toBe(CommonErrorCodes.CONTRACT_VIOLATION);

    const windowOnNew = await failure(
      requests.request(CreateLineV1, { name: 'Bad', sessionRule: { mode: 'new', reopenWithinHours: 4 } }, newCorrelation()),
    );
    expect(windowOnNew.code).toBe(CommonErrorCodes.CONTRACT_VIOLATION);

    const lines = await requests.request(ListLinesV1, {}, newCorrelation());
    expect(lines.lines.map((l) => l.name)).not.toContain('Bad');
  });

  it('lists all lines, or only those an operator works', async () => {
    const [op1, op2] = [randomUUID(), randomUUID()];
    const north = await requests.request(CreateLineV1, { name: 'North', sessionRule: { mode: 'new' } }, newCorrelation());
    const south = await requests.request(CreateLineV1, { name: 'South', sessionRule: { mode: 'new' } }, newCorrelation());
    await requests.request(SetLineMembersV1, { lineId: north.id, operatorIds: [op1, op2] }, newCorrelation());
    await requests.request(SetLineMembersV1, { lineId: south.id, operatorIds: [op2] }, newCorrelation());

    const all = await requests.request(ListLinesV1, {}, newCorrelation());
    expect(all.lines.map((l) => l.name)).toEqual(expect.arrayContaining(['North', 'South', 'Sales']));
    expect(all.lines.find((l) => l.id === north.id)?.memberIds).toEqual([op1, op2].sort());

    expect((await requests.request(ListLinesV1, { memberId: op1 }, newCorrelation())).lines.map((l) => l.name)).toEqual(['North']);
    expect((await requests.request(ListLinesV1, { memberId: op2 }, newCorrelation())).lines.map((l) => l.name)).toEqual(['North', 'South']);
    expect((await requests.request(ListLinesV1, { memberId: randomUUID() }, newCorrelation())).lines).toEqual([]);
  });

  it('publishes outbox rows nobody kicked (left by a crash after commit, or by another replica)', async () => {
    const lineId = randomUUID();
    const event = createEnvelope(LineChangedV1, { id: lineId, name: 'Orphan', sessionRule: { mode: 'new' }, memberIds: [] }, newCorrelation());
    const dataSource = service.app.get(DataSource);
    await dataSource.transaction((manager) => new OutboxWriter(ROUTING_OUTBOX).add(manager, LineChangedV1, event));

    const [published] = await waitForChanges(lineId, 1);
    expect(published?.name).toBe('Orphan');
    expect(recorder.of(LineChangedV1.type, (d) => d['id'] === lineId)[0]?.envelope.id).toBe(event.id);
    await waitFor(async () => ((await dataSource.query('SELECT count(*)::int AS n FROM routing.outbox')) as Array<{ n: number }>)[0]?.n === 0, {
      what: 'an empty outbox',
    });
  });
});
