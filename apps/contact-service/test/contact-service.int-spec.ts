import { jetstreamManager } from '@nats-io/jetstream';
import {
  CommonErrorCodes,
  ContactProfileUpdatedV1,
  ContactResolvedV1,
  GatewayRequestsByType,
  GetContactV1,
  newCorrelation,
  newMessageId,
  ParleyError,
  ResolveContactV1,
  Streams,
  type AttachmentRef,
  type FetchedProfile,
  type MessengerIdentity,
  type ResolveContact,
} from '@parley/contracts';
import { JetStreamPublisher, MessagingConnection, MessagingHost, RequestClient, type MessagingLogger } from '@parley/messaging';
import { createLogger, loadConfig, runService, type RunningService } from '@parley/observability';
import { createTestDatabase, EventRecorder, startTestNats, waitFor, type NatsServer, type TestDatabase } from '@parley/testing';
import { randomUUID } from 'node:crypto';
import { createAppModule } from '../src/app.module';
import { ContactServiceConfig } from '../src/contact-service.config';
import { PROFILE_FETCH_DURABLE } from '../src/contact/profile-fetch.handler';

const quiet: MessagingLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const noProcess = { exit: () => undefined, on: () => undefined, off: () => undefined };

const avatar: AttachmentRef = {
  id: '0198a1b2-0000-7000-8000-000000000001',
  name: 'avatar.jpg',
  mime: 'image/jpeg',
  size: 1234,
  sha256: 'a'.repeat(64),
  kind: 'image',
};

describe('contact-service (real NATS and Postgres)', () => {
  let nats: NatsServer;
  let db: TestDatabase;
  let service: RunningService;
  let client: MessagingConnection;
  let requests: RequestClient;
  let recorder: EventRecorder;
  const gateways: Array<{ connection: MessagingConnection; host: MessagingHost }> = [];
  const vkCalls: string[] = [];

  /** A gateway stand-in answering `fetch-profile` over real NATS request/reply. */
  async function startGateway(type: 'vk' | 'telegram', answer: (externalUserId: string) => FetchedProfile): Promise<void> {
    const connection = await MessagingConnection.connect({ serviceName: `gateway-${type}`, servers: nats.url, logger: quiet });
    const host = new MessagingHost(connection, new JetStreamPublisher(connection), { serviceName: `gateway-${type}`, servers: nats.url });
    host.addRequestHandler(GatewayRequestsByType[type].fetchProfile, {}, (envelope) => answer(envelope.data.externalUserId));
    gateways.push({ connection, host });
  }

  function resolve(data: ResolveContact) {
    return requests.request(ResolveContactV1, data, newCorrelation());
  }

  function identity(channelType: MessengerIdentity['channelType'], externalUserId: string, channelId = randomUUID()): MessengerIdentity {
    return { channelId, channelType, externalUserId };
  }

  beforeAll(async () => {
    [nats, db] = await Promise.all([startTestNats(), createTestDatabase('contact_service')]);
    const config = loadConfig(ContactServiceConfig, {
      NATS_URL: nats.url,
      DATABASE_URL: db.url,
      PORT: '0',
      HOST: '127.0.0.1',
      OUTBOX_POLL_MS: '200',
    });
    const started = await runService({
      serviceName: 'contact-service',
      config,
      module: createAppModule(config),
      process: noProcess,
      logger: createLogger({ service: 'contact-service', level: 'error' }),
    });
    if (!started) throw new Error('contact-service did not start');
    service = started;
    client = await MessagingConnection.connect({ serviceName: 'contact-test', servers: nats.url, logger: quiet });
    requests = new RequestClient(client, 10_000);
    recorder = await EventRecorder.start(client.nc, 'parley.contact.>');
    await startGateway('vk', (externalUserId) => {
      vkCalls.push(externalUserId);
      return { displayName: `Ivan ${externalUserId}`, avatar };
    });
  });

  afterAll(async () => {
    await recorder?.stop();
    for (const g of gateways) {
      await g.host.stop();
      await g.connection.drain();
    }
    await client?.drain();
    await service?.close();
    await nats?.stop();
    await db?.drop();
  });

  it('is ready with its Postgres and NATS checks', async () => {
    const response = await fetch(`${service.url}/health/ready`);
    const body = (await response.json()) as { status: string; checks: Array<{ name: string; ok: boolean }> };
    expect(response.status).toBe(200);
    expect(body.checks.map((c) => c.name).sort()).toEqual(['nats', 'postgres']);
  });

  it('creates one contact when the same identity is resolved concurrently', async () => {
    const who = identity('vk', '1001');
    const results = await Promise.all(Array.from({ length: 16 }, () => resolve({ identity: who })));
    const ids = new Set(results.map((r) => r.contactId));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const [contactId] = [...ids];

    const again = await resolve({ identity: who });
    expect(again).toEqual({ contactId, created: false });

    await waitFor(() => recorder.of(ContactProfileUpdatedV1.type, (d) => d['contactId'] === contactId).length > 0, {
      what: 'the profile of the raced contact',
    });
    expect(recorder.of(ContactResolvedV1.type, (d) => d['contactId'] === contactId)).toHaveLength(1);
  });

  it('keeps identities apart: the same external id in another channel is another contact', async () => {
    const a = await resolve({ identity: identity('vk', '2002') });
    const b = await resolve({ identity: identity('vk', '2002') });
    expect(a.created && b.created).toBe(true);
    expect(a.contactId).not.toBe(b.contactId);
  });

  it('publishes ContactResolved with the placeholder, then fetches the profile from the gateway', async () => {
    const who = identity('vk', '42');
    const { contactId, created } = await resolve({ identity: who });
    expect(created).toBe(true);

    const [resolved] = await waitFor(() => {
      const found = recorder.of(ContactResolvedV1.type, (d) => d['contactId'] === contactId);
      return found.length > 0 && found;
    }, { what: 'ContactResolved' });
    expect(resolved?.subject).toBe(ContactResolvedV1.subject);
    expect(resolved?.envelope.data).toEqual({ contactId, identity: who, created: true, displayName: 'VK user 42' });

    const [updated] = await waitFor(() => {
      const found = recorder.of(ContactProfileUpdatedV1.type, (d) => d['contactId'] === contactId);
      return found.length > 0 && found;
    }, { what: 'ContactProfileUpdated' });
    expect(updated?.envelope.data).toEqual({ contactId, displayName: 'Ivan 42', avatar });
    expect(updated?.envelope.causationId).toBe(resolved?.envelope.id);
    expect(vkCalls).toContain('42');

    const view = await requests.request(GetContactV1, { contactId }, newCorrelation());
    expect(view).toMatchObject({ id: contactId, displayName: 'Ivan 42', avatar, identities: [who] });
    expect(Number.isNaN(Date.parse(view.createdAt))).toBe(false);
  });

  it('fetches the profile later when the gateway is unavailable at first', async () => {
    const who = identity('telegram', '7');
    const { contactId } = await resolve({ identity: who });

    const jsm = await jetstreamManager(client.nc);
    await waitFor(async () => (await jsm.consumers.info(Streams.EVENTS.name, PROFILE_FETCH_DURABLE)).num_redelivered >= 1, {
      what: 'a failed profile fetch being redelivered',
    });
    const before = await requests.request(GetContactV1, { contactId }, newCorrelation());
    expect(before.displayName).toBe('Telegram user 7');

    await startGateway('telegram', () => ({ displayName: 'Tanya' }));
    await waitFor(() => recorder.of(ContactProfileUpdatedV1.type, (d) => d['contactId'] === contactId).length > 0, {
      what: 'the profile once the gateway is back',
      timeoutMs: 20_000,
    });
    const after = await requests.request(GetContactV1, { contactId }, newCorrelation());
    expect(after.displayName).toBe('Tanya');
    expect(after.avatar).toBeUndefined();
  });

  it('uses a name hint right away', async () => {
    const { contactId } = await resolve({ identity: identity('vk', '555'), displayName: 'Anna from the widget' });
    const view = await requests.request(GetContactV1, { contactId }, newCorrelation());
    expect(view.displayName).toBe('Anna from the widget');
  });

  it('answers NOT_FOUND for an unknown contact', async () => {
    const error = await requests.request(GetContactV1, { contactId: randomUUID() }, newCorrelation()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParleyError);
    expect((error as ParleyError).code).toBe(CommonErrorCodes.NOT_FOUND);
  });

  it('answers a malformed resolve with CONTRACT_VIOLATION (validated by the service, not only by clients)', async () => {
    const envelope = {
      id: newMessageId(),
      type: ResolveContactV1.type,
      version: ResolveContactV1.version,
      occurredAt: new Date().toISOString(),
      correlationId: newMessageId(),
      causationId: null,
      data: { identity: { channelId: randomUUID(), channelType: 'icq', externalUserId: '1' } },
    };
    const msg = await client.nc.request(ResolveContactV1.subject, JSON.stringify(envelope), { timeout: 5_000 });
    const reply = JSON.parse(msg.string()) as { ok: boolean; error?: { code: string; message: string } };
    expect(reply.ok).toBe(false);
    expect(reply.error?.code).toBe(CommonErrorCodes.CONTRACT_VIOLATION);
    expect(reply.error?.message).toContain('data.identity.channelType');
  });
});
