import { jetstream, type ConsumerMessages, type JetStreamClient } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  AcceptConversationV1,
  CloseConversationV1,
  ConversationErrorCodes,
  createEnvelope,
  CustomerBlockedChannelV1,
  CustomerUnblockedChannelV1,
  ExternalReplyReceivedV1,
  GetConversationLogV1,
  GetConversationMessagesV1,
  GetConversationV1,
  Headers,
  LineChangedV1,
  ListConversationsV1,
  MessageReceivedV1,
  newCorrelation,
  newMessageId,
  ParleyError,
  ReplyDispatchedV1,
  ReplyDispatchFailedV1,
  RequestReplyV1,
  ResolveContactV1,
  type ConversationView,
  type Envelope,
  type MessageDefinition,
  type SessionRule,
} from '@parley/contracts';
import { MessagingConnection, RequestClient } from '@parley/messaging';
import { createLogger, runService, type ProcessHooks, type RunningService } from '@parley/observability';
import { createTestDatabase, startTestNats, waitFor, type NatsServer, type TestDatabase } from '@parley/testing';
import { DataSource } from 'typeorm';
import { createAppModule } from '../src/app.module';
import { ConversationServiceConfig } from '../src/conversation-service.config';
import { ReadModelRepository } from '../src/read-model/read-model.repository';
import { ReadModelService } from '../src/read-model/read-model.service';

const SERVICE = 'conversation-service';
const noProcess: ProcessHooks = { exit: () => undefined, on: () => undefined, off: () => undefined };

const ann = newMessageId();
const bob = newMessageId();
const eve = newMessageId(); // not a member of any line

interface Channel {
  channelId: string;
  lineId: string;
}

describe('conversation-service over real NATS and Postgres', () => {
  let nats: NatsServer;
  let db: TestDatabase;
  let service: RunningService;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let connection: MessagingConnection;
  let client: RequestClient;
  let dataSource: DataSource;
  const published: Array<{ subject: string; envelope: Envelope<Record<string, unknown>> }> = [];
  const contacts = new Map<string, string>();
  const consumers: ConsumerMessages[] = [];

  beforeAll(async () => {
    [nats, db] = await Promise.all([startTestNats(), createTestDatabase('conversation_service')]);
    const config = Object.assign(new ConversationServiceConfig(), { NATS_URL: [nats.url], DATABASE_URL: db.url, PORT: 0, LOG_LEVEL: 'warn' as const });
    const running = await runService({
      serviceName: SERVICE,
      module: createAppModule(config),
      config,
      process: noProcess,
      logger: createLogger({ service: SERVICE, level: 'warn' }),
      env: {},
    });
    if (!running) throw new Error('the service did not start');
    service = running;
    dataSource = service.app.get(DataSource);

    nc = await connect({ servers: nats.url });
    js = jetstream(nc);
    // The contact-service stands in: one contact per messenger identity.
    nc.subscribe(ResolveContactV1.subject, {
      callback: (_err, msg) => {
        const envelope = msg.json<Envelope<{ identity: { channelId: string; externalUserId: string } }>>();
        const key = `${envelope.data.identity.channelId}:${envelope.data.identity.externalUserId}`;
        const created = !contacts.has(key);
        if (created) contacts.set(key, newMessageId());
        msg.respond(JSON.stringify({ ok: true, data: { contactId: contacts.get(key), created } }));
      },
    });
    await nc.flush(); // the stand-in answers only once the server has its subscription
    const events = await js.consumers.get('PARLEY_EVENTS', { filter_subjects: 'parley.conversation.>' });
    const messages = await events.consume();
    consumers.push(messages);
    void (async () => {
      for await (const m of messages) published.push({ subject: m.subject, envelope: m.json() });
    })();
    connection = await MessagingConnection.connect({ serviceName: 'console-api-stand-in', servers: nats.url });
    client = new RequestClient(connection, 10_000);
  });

  afterAll(async () => {
    for (const c of consumers) await c.close();
    await connection?.drain();
    await nc?.drain();
    await service?.close();
    await nats?.stop();
    await db?.drop();
  });

  // ---- helpers: producers and the console as the real ones would act ----

  async function publish<T extends object>(definition: MessageDefinition<T>, data: T): Promise<Envelope<T>> {
    const envelope = createEnvelope(definition, data, newCorrelation());
    await js.publish(definition.subject, JSON.stringify(envelope), { msgID: envelope.id });
    return envelope;
  }

  async function line(rule: SessionRule, memberIds: string[] = [ann, bob]): Promise<Channel> {
    const lineId = newMessageId();
    await publish(LineChangedV1, { id: lineId, name: `line ${lineId.slice(-4)}`, sessionRule: rule, memberIds });
    return { lineId, channelId: newMessageId() };
  }

  let messageNo = 0;
  function fact(channel: Channel, user: string, dedupeKey = `vk:1:msg:${++messageNo}`) {
    return {
      channelId: channel.channelId,
      channelType: 'vk' as const,
      lineId: channel.lineId,
      dedupeKey,
      externalChatId: user,
      externalUserId: user,
      sentAt: new Date().toISOString(),
    };
  }

  function customerWrites(channel: Channel, user: string, text: string, dedupeKey?: string) {
    return publish(MessageReceivedV1, {
      ...fact(channel, user, dedupeKey),
      externalMessageId: String(messageNo),
      text,
      attachments: [],
      source: 'webhook',
      profile: { displayName: `VK user ${user}` },
    });
  }

  const contactOf = (channel: Channel, user: string): Promise<string> =>
    waitFor(() => contacts.get(`${channel.channelId}:${user}`), { what: `contact ${user}` });

  async function conversationsOf(contactId: string): Promise<ConversationView[]> {
    return (await client.request(ListConversationsV1, { contactId }, newCorrelation())).items;
  }

  /** Waits until the read model shows the contact's latest conversation in a state the probe accepts. */
  function latestConversation(contactId: string, accept: (c: ConversationView) => boolean, what: string): Promise<ConversationView> {
    return waitFor(
      async () => {
        const [latest] = await conversationsOf(contactId);
        return latest && accept(latest) ? latest : undefined;
      },
      { what },
    );
  }

  const log = async (conversationId: string) => (await client.request(GetConversationLogV1, { conversationId }, newCorrelation())).events;

  async function rejected(promise: Promise<unknown>): Promise<ParleyError> {
    try {
      await promise;
    } catch (err) {
      if (err instanceof ParleyError) return err;
      throw err;
    }
    throw new Error('expected a coded error');
  }

  const publishedFor = (conversationId: string) =>
    published.filter((p) => (p.envelope.data as { conversationId?: string }).conversationId === conversationId);

  // ---- the story ----

  const state: { reopenLine?: Channel; user: string; contactId?: string; conversationId?: string } = { user: '1001' };

  it('is ready once Postgres and NATS answer and every consumer runs', async () => {
    const response = await waitFor(
      async () => {
        const r = await fetch(`${service.url}/health/ready`);
        return r.status === 200 ? r : undefined;
      },
      { what: 'readiness' },
    );
    const body = (await response.json()) as { checks: Array<{ name: string; ok: boolean }> };
    expect(body.checks.map((c) => c.name).sort()).toEqual(['nats', 'postgres']);
  });

  it('opens a conversation for a new customer and publishes its events in order', async () => {
    state.reopenLine = await line({ mode: 'reopen' });
    await customerWrites(state.reopenLine, state.user, 'Hello, is anybody there?');
    state.contactId = await contactOf(state.reopenLine, state.user);
    const conversation = await latestConversation(state.contactId, (c) => c.messageCount === 1, 'the conversation');
    state.conversationId = conversation.id;
    expect(conversation).toMatchObject({
      lineId: state.reopenLine.lineId,
      channelId: state.reopenLine.channelId,
      channelType: 'vk',
      status: 'queued',
      assigneeId: null,
      blocked: false,
      previousConversationId: null,
      lastMessagePreview: 'Hello, is anybody there?',
      version: 2,
    });
    const events = await waitFor(() => (publishedFor(conversation.id).length >= 2 ? publishedFor(conversation.id) : undefined), {
      what: 'the events on PARLEY_EVENTS',
    });
    expect(events.map((e) => e.subject)).toEqual([
      'parley.conversation.conversation-opened.v1',
      'parley.conversation.message-appended.v1',
    ]);
    expect(events[0]?.envelope.data).toMatchObject({ decision: { outcome: 'first' } });
    expect(events[1]?.envelope.data).toMatchObject({ direction: 'inbound', author: { kind: 'contact', id: state.contactId } });
  });

  it('continues the open conversation with the next message, and stores a replayed fact once', async () => {
    const channel = state.reopenLine as Channel;
    const contactId = state.contactId as string;
    const first = await customerWrites(channel, state.user, 'second message');
    // The same fact again (a webhook retry / replay): same dedupe key, a new envelope id.
    const replay = await customerWrites(channel, state.user, 'second message', first.data.dedupeKey);
    expect(replay.id).not.toBe(first.id);
    // Facts of one chat are handled in order: once the third one is in, the replay was handled.
    await customerWrites(channel, state.user, 'third message');
    const conversation = await latestConversation(contactId, (c) => c.lastMessagePreview === 'third message', 'the third message');
    expect(conversation.id).toBe(state.conversationId);
    expect(conversation.messageCount).toBe(3);
    const rows = (await dataSource.query('SELECT count(*)::int AS n FROM conversation.events WHERE idempotency_key = $1', [
      first.data.dedupeKey,
    ])) as Array<{ n: number }>;
    expect(rows[0]?.n).toBe(1);
    expect((await conversationsOf(contactId)).length).toBe(1);
  });

  it('enforces accept, reply and close rules over request/reply', async () => {
    const conversationId = state.conversationId as string;
    const c = newCorrelation();
    expect((await rejected(client.request(AcceptConversationV1, { conversationId, operatorId: eve }, c))).code).toBe(
      ConversationErrorCodes.NOT_A_LINE_MEMBER,
    );
    const early = { conversationId, replyId: newMessageId(), operatorId: ann, text: 'hi', attachments: [] };
    expect((await rejected(client.request(RequestReplyV1, early, c))).code).toBe(ConversationErrorCodes.NOT_ASSIGNED_TO_YOU);

    const accepted = await client.request(AcceptConversationV1, { conversationId, operatorId: ann }, c);
    expect(accepted).toMatchObject({ id: conversationId, status: 'assigned', assigneeId: ann });
    expect(await client.request(AcceptConversationV1, { conversationId, operatorId: ann }, c)).toEqual(accepted);
    expect((await rejected(client.request(AcceptConversationV1, { conversationId, operatorId: bob }, c))).code).toBe(
      ConversationErrorCodes.ALREADY_ASSIGNED,
    );
    expect((await rejected(client.request(RequestReplyV1, { ...early, text: '  ' }, c))).code).toBe(ConversationErrorCodes.EMPTY_REPLY);

    const reply = { conversationId, replyId: newMessageId(), operatorId: ann, text: 'Yes, how can I help?', attachments: [] };
    const sent = await client.request(RequestReplyV1, reply, c);
    expect(sent).toMatchObject({ id: reply.replyId, direction: 'outbound', author: { kind: 'operator', id: ann }, status: 'pending' });
    // The same reply id again is the same reply.
    expect(await client.request(RequestReplyV1, reply, c)).toEqual(sent);
    const requested = await waitFor(
      () => publishedFor(conversationId).find((p) => p.subject === 'parley.conversation.reply-requested.v1'),
      { what: 'ReplyRequested on PARLEY_EVENTS' },
    );
    expect(requested.envelope.data).toMatchObject({ replyId: reply.replyId, channelType: 'vk', externalChatId: state.user, text: reply.text });
    expect(publishedFor(conversationId).filter((p) => p.subject === 'parley.conversation.reply-requested.v1')).toHaveLength(1);

    // The dispatcher reports delivery (twice: redelivered) → delivered, recorded once.
    const dispatched = { conversationId, replyId: reply.replyId, externalMessageId: '777', deliveredAt: new Date().toISOString(), attempts: 1 };
    await publish(ReplyDispatchedV1, dispatched);
    await publish(ReplyDispatchedV1, dispatched);
    const delivered = await waitFor(
      async () => {
        const { items } = await client.request(GetConversationMessagesV1, { conversationId }, c);
        const m = items.find((i) => i.id === reply.replyId);
        return m?.status === 'delivered' ? m : undefined;
      },
      { what: 'the reply delivered' },
    );
    expect(delivered.externalMessageId).toBe('777');

    // A failed second reply keeps its reason.
    const second = { ...reply, replyId: newMessageId(), text: 'this one fails' };
    await client.request(RequestReplyV1, second, c);
    await publish(ReplyDispatchFailedV1, { conversationId, replyId: second.replyId, code: 'RETRIES_EXHAUSTED', reason: 'VK kept failing', attempts: 5 });
    const failed = await waitFor(
      async () => {
        const { items } = await client.request(GetConversationMessagesV1, { conversationId }, c);
        return items.find((i) => i.id === second.replyId && i.status === 'failed');
      },
      { what: 'the reply failed' },
    );
    expect(failed).toMatchObject({ failureCode: 'RETRIES_EXHAUSTED', failureReason: 'VK kept failing' });

    expect((await rejected(client.request(CloseConversationV1, { conversationId, operatorId: bob }, c))).code).toBe(
      ConversationErrorCodes.NOT_ASSIGNED_TO_YOU,
    );
    const closed = await client.request(CloseConversationV1, { conversationId, operatorId: ann }, c);
    expect(closed).toMatchObject({ status: 'closed', assigneeId: ann });
    expect((await rejected(client.request(RequestReplyV1, { ...reply, replyId: newMessageId() }, c))).code).toBe(
      ConversationErrorCodes.CONVERSATION_CLOSED,
    );
    expect((await rejected(client.request(GetConversationV1, { conversationId: newMessageId() }, c))).code).toBe(
      ConversationErrorCodes.NOT_FOUND,
    );
    // The read model catches up with what the command answered.
    await waitFor(async () => (await client.request(GetConversationV1, { conversationId }, c)).status === 'closed', {
      what: 'the closed conversation in the read model',
    });
  });

  it('reopens a closed conversation under rule "reopen" and records why', async () => {
    const channel = state.reopenLine as Channel;
    await customerWrites(channel, state.user, 'me again');
    const reopened = await latestConversation(state.contactId as string, (c) => c.lastMessagePreview === 'me again', 'the reopened conversation');
    expect(reopened).toMatchObject({ id: state.conversationId, status: 'queued', assigneeId: null });
    const events = await log(reopened.id);
    const reopen = events.find((e) => e.type === 'ConversationReopened');
    expect(reopen?.data).toMatchObject({ decision: { outcome: 'reopen', reason: 'line rule "reopen": the previous conversation is closed' } });
  });

  it('opens a new conversation linked to the closed one under rule "new"', async () => {
    const channel = await line({ mode: 'new' });
    await customerWrites(channel, '2002', 'first');
    const contactId = await contactOf(channel, '2002');
    const first = await latestConversation(contactId, () => true, 'the first conversation');
    // Closed by the system (no operator), without anybody taking it.
    expect(await client.request(CloseConversationV1, { conversationId: first.id }, newCorrelation())).toMatchObject({ status: 'closed' });
    await customerWrites(channel, '2002', 'after close');
    const second = await latestConversation(contactId, (c) => c.id !== first.id, 'a new conversation');
    expect(second).toMatchObject({ previousConversationId: first.id, status: 'queued', lastMessagePreview: 'after close' });
    const [opened] = await log(second.id);
    expect(opened?.data).toMatchObject({ decision: { outcome: 'new', reason: 'line rule "new": the previous conversation is closed' } });
    const closedEvent = (await log(first.id)).find((e) => e.type === 'ConversationClosed');
    expect(closedEvent?.data).toMatchObject({ closedBy: { kind: 'system' } });
  });

  it('waits for a line it has not heard of instead of guessing', async () => {
    const channel = { lineId: newMessageId(), channelId: newMessageId() };
    const envelope = await customerWrites(channel, '4004', 'early bird');
    const jsm = await js.jetstreamManager();
    const stored = await jsm.streams.getMessage('PARLEY_INBOUND', { last_by_subj: MessageReceivedV1.subject });
    expect(stored?.json<{ id: string }>().id).toBe(envelope.id);
    // Delivered to the service, and not acknowledged: it was nak'ed to be retried later.
    await waitFor(
      async () => {
        const info = await jsm.consumers.info('PARLEY_INBOUND', 'conversation-service-inbound');
        return info.delivered.stream_seq >= (stored?.seq ?? Infinity) && info.ack_floor.stream_seq < (stored?.seq ?? 0);
      },
      { what: 'the message delivered and held back' },
    );
    const rows = (await dataSource.query('SELECT count(*)::int AS n FROM conversation.events WHERE idempotency_key = $1', [
      envelope.data.dedupeKey,
    ])) as Array<{ n: number }>;
    expect(rows[0]?.n).toBe(0);
    await publish(LineChangedV1, { id: channel.lineId, name: 'late line', sessionRule: { mode: 'new' }, memberIds: [ann] });
    const contactId = await contactOf(channel, '4004');
    await latestConversation(contactId, (c) => c.lastMessagePreview === 'early bird', 'the conversation after the line arrived');
  });

  it('refuses replies while the customer blocks the channel and allows them again', async () => {
    const channel = await line({ mode: 'reopen' });
    await customerWrites(channel, '5005', 'hi');
    const contactId = await contactOf(channel, '5005');
    const conversation = await latestConversation(contactId, () => true, 'the conversation');
    const c = newCorrelation();
    await client.request(AcceptConversationV1, { conversationId: conversation.id, operatorId: bob }, c);
    await publish(CustomerBlockedChannelV1, fact(channel, '5005'));
    await latestConversation(contactId, (v) => v.blocked, 'the block recorded');
    const reply = { conversationId: conversation.id, replyId: newMessageId(), operatorId: bob, text: 'hello?', attachments: [] };
    expect((await rejected(client.request(RequestReplyV1, reply, c))).code).toBe(ConversationErrorCodes.RECIPIENT_BLOCKED);
    await publish(CustomerUnblockedChannelV1, fact(channel, '5005'));
    await latestConversation(contactId, (v) => !v.blocked, 'the block lifted');
    expect(await client.request(RequestReplyV1, reply, c)).toMatchObject({ status: 'pending' });

    // An answer written inside VK joins the history as sent from the messenger.
    await publish(ExternalReplyReceivedV1, { ...fact(channel, '5005'), externalMessageId: 'vk-99', text: 'answered in VK', attachments: [] });
    const fromVk = await waitFor(
      async () => (await client.request(GetConversationMessagesV1, { conversationId: conversation.id }, c)).items.find((m) => m.text === 'answered in VK'),
      { what: 'the answer written in VK' },
    );
    expect(fromVk).toMatchObject({ direction: 'outbound', author: { kind: 'messenger' }, status: 'sent', externalMessageId: 'vk-99' });
  });

  it('starts a blocked customer\'s new conversation blocked', async () => {
    const channel = await line({ mode: 'new' });
    await publish(CustomerBlockedChannelV1, fact(channel, '6006'));
    const contactId = await contactOf(channel, '6006');
    // The block is recorded before the message: same chat, but two consumers; wait for the flag explicitly.
    await waitFor(
      async () =>
        ((await dataSource.query('SELECT blocked FROM conversation.channel_blocks WHERE channel_id = $1', [channel.channelId])) as unknown[])
          .length > 0,
      { what: 'the block flag' },
    );
    await customerWrites(channel, '6006', 'blocked, yet writing');
    const conversation = await latestConversation(contactId, () => true, 'the conversation');
    expect(conversation.blocked).toBe(true);
  });

  it('lets supervisors and admins act in every line, records their role, and still confines operators', async () => {
    const channel = await line({ mode: 'new' }); // members: ann and bob; eve, the admin and the supervisor are not
    const admin = newMessageId();
    const supervisor = newMessageId();
    const c = newCorrelation();
    const conversationOf = async (user: string) => latestConversation(await contactOf(channel, user), () => true, `the conversation of ${user}`);
    const closedEvent = async (conversationId: string) => (await log(conversationId)).find((e) => e.type === 'ConversationClosed');

    // Answered inside VK before anybody wrote in Parley: a queued conversation nobody took (the Calltouch seed).
    await publish(ExternalReplyReceivedV1, { ...fact(channel, '7007'), externalMessageId: 'vk-7007', text: 'we called you back', attachments: [] });
    const answeredInVk = await conversationOf('7007');
    for (const actorRole of [undefined, 'operator'] as const) {
      const refused = await rejected(client.request(CloseConversationV1, { conversationId: answeredInVk.id, operatorId: eve, ...(actorRole ? { actorRole } : {}) }, c));
      expect(refused.code).toBe(ConversationErrorCodes.NOT_A_LINE_MEMBER);
    }
    expect(await client.request(CloseConversationV1, { conversationId: answeredInVk.id, operatorId: admin, actorRole: 'admin' }, c)).toMatchObject({
      status: 'closed',
      assigneeId: null,
    });
    expect((await closedEvent(answeredInVk.id))?.data).toEqual({ conversationId: answeredInVk.id, closedBy: { kind: 'operator', id: admin }, actorRole: 'admin' });

    // A supervisor closes one an operator holds, and takes a queued one of a line they do not work.
    await customerWrites(channel, '7008', 'held by ann');
    const held = await conversationOf('7008');
    await client.request(AcceptConversationV1, { conversationId: held.id, operatorId: ann, actorRole: 'operator' }, c);
    expect((await rejected(client.request(AcceptConversationV1, { conversationId: held.id, operatorId: supervisor, actorRole: 'supervisor' }, c))).code).toBe(
      ConversationErrorCodes.ALREADY_ASSIGNED,
    );
    expect(await client.request(CloseConversationV1, { conversationId: held.id, operatorId: supervisor, actorRole: 'supervisor' }, c)).toMatchObject({
      status: 'closed',
      assigneeId: ann,
    });
    expect((await closedEvent(held.id))?.data).toMatchObject({ closedBy: { kind: 'operator', id: supervisor }, actorRole: 'supervisor' });

    await customerWrites(channel, '7009', 'anyone?');
    const queued = await conversationOf('7009');
    expect((await rejected(client.request(AcceptConversationV1, { conversationId: queued.id, operatorId: eve, actorRole: 'operator' }, c))).code).toBe(
      ConversationErrorCodes.NOT_A_LINE_MEMBER,
    );
    expect(await client.request(AcceptConversationV1, { conversationId: queued.id, operatorId: supervisor, actorRole: 'supervisor' }, c)).toMatchObject({
      status: 'assigned',
      assigneeId: supervisor,
    });
    const answer = { conversationId: queued.id, replyId: newMessageId(), operatorId: supervisor, text: 'A supervisor here', attachments: [] };
    expect(await client.request(RequestReplyV1, answer, c)).toMatchObject({ author: { kind: 'operator', id: supervisor }, status: 'pending' });
    const acceptedEvent = (await log(queued.id)).find((e) => e.type === 'ConversationAccepted');
    expect(acceptedEvent?.data).toMatchObject({ operatorId: supervisor, actorRole: 'supervisor' });
    // A line member still cannot close what the supervisor holds.
    expect((await rejected(client.request(CloseConversationV1, { conversationId: queued.id, operatorId: bob }, c))).code).toBe(
      ConversationErrorCodes.NOT_ASSIGNED_TO_YOU,
    );
  });

  it('dead-letters an invalid MessageReceived to PARLEY_DLQ', async () => {
    const bad = { id: newMessageId(), type: 'MessageReceived', version: 1, occurredAt: new Date().toISOString(), correlationId: 'x', causationId: null, data: { text: 42 } };
    await js.publish(MessageReceivedV1.subject, JSON.stringify(bad), { msgID: bad.id });
    const dlq = await js.consumers.get('PARLEY_DLQ', { filter_subjects: 'parley.dlq.conversation-service-inbound' });
    const letter = await waitFor(
      async () => {
        const m = await dlq.next({ expires: 1_000 });
        return m && m.json<{ id: string }>().id === bad.id ? m : undefined;
      },
      { what: 'the dead letter' },
    );
    expect(letter.headers?.get(Headers.DLQ_ERROR_CODE)).toBe('CONTRACT_VIOLATION');
  });

  it('serves the conversation log exactly as stored and as published', async () => {
    const conversationId = state.conversationId as string;
    const events = await log(conversationId);
    const stored = (await dataSource.query(
      `SELECT event_id, type, stream_position, data FROM conversation.events WHERE stream_id = $1 ORDER BY stream_position`,
      [`conversation-${conversationId}`],
    )) as Array<{ event_id: string; type: string; stream_position: string; data: Record<string, unknown> }>;
    expect(events.map((e) => [e.id, e.type, e.streamPosition, e.data])).toEqual(
      stored.map((s) => [s.event_id, s.type, Number(s.stream_position), s.data]),
    );
    const onTheWire = await waitFor(() => (publishedFor(conversationId).length >= events.length ? publishedFor(conversationId) : undefined), {
      what: 'every event published',
    });
    expect(onTheWire.map((p) => p.envelope.id)).toEqual(events.map((e) => e.id));
  });

  it('rebuilds the read model from the log to exactly the live one', async () => {
    const readModel = service.app.get(ReadModelRepository);
    const caughtUp = async (): Promise<boolean> => {
      const rows = (await dataSource.query(
        `SELECT count(*)::int AS behind FROM conversation.streams s
         LEFT JOIN conversation.conversations c ON 'conversation-' || c.id = s.stream_id
         WHERE c.version IS DISTINCT FROM s.version`,
      )) as Array<{ behind: number }>;
      return rows[0]?.behind === 0;
    };
    await waitFor(caughtUp, { what: 'the projection to catch up' });
    const live = await readModel.snapshot();
    expect(live.conversations.length).toBeGreaterThanOrEqual(6);
    await service.app.get(ReadModelService).rebuild();
    const rebuilt = await waitFor(
      async () => {
        if (!(await caughtUp())) return undefined;
        const snapshot = await readModel.snapshot();
        return snapshot.messages.length === live.messages.length ? snapshot : undefined;
      },
      { what: 'the rebuild to finish' },
    );
    expect(rebuilt).toEqual(live);
  });

  it('opens a new conversation when the closed one is older than the reopen window', async () => {
    const channel = await line({ mode: 'reopen', reopenWithinHours: 1 });
    await customerWrites(channel, '3003', 'first');
    const contactId = await contactOf(channel, '3003');
    const first = await latestConversation(contactId, () => true, 'the first conversation');
    await client.request(CloseConversationV1, { conversationId: first.id }, newCorrelation());
    // Time travel: the conversation was closed two hours ago. (Last test: it edits the log behind the read model.)
    await dataSource.query(
      `UPDATE conversation.events SET created_at = now() - interval '2 hours' WHERE stream_id = $1 AND type = 'ConversationClosed'`,
      [`conversation-${first.id}`],
    );
    await customerWrites(channel, '3003', 'much later');
    const second = await latestConversation(contactId, (c) => c.id !== first.id, 'a new conversation');
    const [opened] = await log(second.id);
    expect(opened?.data).toMatchObject({
      previousConversationId: first.id,
      decision: { outcome: 'new', reason: expect.stringMatching(/^line rule "reopen" within 1 h: the previous conversation was closed 2(\.0)? h ago$/) },
    });
  });
});
