import { jetstream, type ConsumerMessages, type JetStreamClient } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  AcceptConversationV1,
  createEnvelope,
  GetConversationMessagesV1,
  LineChangedV1,
  ListConversationsV1,
  MessageReceivedV1,
  newCorrelation,
  newMessageId,
  ReplyDispatchedV1,
  ReplyReceiptReceivedV1,
  RequestReplyV1,
  ResolveContactV1,
  type Envelope,
  type MessageDefinition,
  type MessageView,
  type ReplyReceiptStatus,
} from '@parley/contracts';
import { MessagingConnection, RequestClient } from '@parley/messaging';
import { createLogger, runService, type ProcessHooks, type RunningService } from '@parley/observability';
import { createTestDatabase, startTestNats, waitFor, type NatsServer, type TestDatabase } from '@parley/testing';
import { createAppModule } from '../src/app.module';
import { ConversationServiceConfig } from '../src/conversation-service.config';

/*
 * Viber receipts (issue 9 point 5): ReplyReceiptReceived from a gateway → ReplyReceiptRecorded on the reply it names
 * by (channel, the id send returned) → the reply's receipt in the read model (delivered → seen, or failed with the
 * messenger's reason). Real NATS and Postgres; the contact-service answered by a stand-in.
 */
const SERVICE = 'conversation-service';
const noProcess: ProcessHooks = { exit: () => undefined, on: () => undefined, off: () => undefined };
const operator = newMessageId();

describe('conversation-service: reply receipts', () => {
  let nats: NatsServer;
  let db: TestDatabase;
  let service: RunningService;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let connection: MessagingConnection;
  let client: RequestClient;
  let events: ConsumerMessages;
  const published: Array<{ subject: string; data: Record<string, unknown> }> = [];
  const lineId = newMessageId();
  const channelId = newMessageId();
  const user = 'ViberUser0123456789==';
  let conversationId = '';
  let factNo = 0;

  async function publish<T extends object>(definition: MessageDefinition<T>, data: T): Promise<void> {
    const envelope = createEnvelope(definition, data, newCorrelation());
    await js.publish(definition.subject, JSON.stringify(envelope), { msgID: envelope.id });
  }

  const fact = (dedupeKey: string) => ({
    channelId,
    channelType: 'viber' as const,
    lineId,
    dedupeKey,
    externalChatId: user,
    externalUserId: user,
    sentAt: new Date().toISOString(),
  });

  function receipt(externalMessageId: string, status: ReplyReceiptStatus, reason?: string, dedupeKey = `viber:pa:1:${status}:${externalMessageId}:${++factNo}`) {
    return publish(ReplyReceiptReceivedV1, { ...fact(dedupeKey), externalMessageId, status, ...(reason === undefined ? {} : { reason }) });
  }

  async function reply(text: string): Promise<string> {
    const replyId = newMessageId();
    await client.request(RequestReplyV1, { conversationId, replyId, operatorId: operator, text, attachments: [] }, newCorrelation());
    return replyId;
  }

  const dispatched = (replyId: string, externalMessageId: string) =>
    publish(ReplyDispatchedV1, { conversationId, replyId, externalMessageId, deliveredAt: new Date().toISOString(), attempts: 1 });

  function messageWhen(replyId: string, accept: (m: MessageView) => boolean, what: string): Promise<MessageView> {
    return waitFor(
      async () => {
        const { items } = await client.request(GetConversationMessagesV1, { conversationId }, newCorrelation());
        const m = items.find((i) => i.id === replyId);
        return m && accept(m) ? m : undefined;
      },
      { what },
    );
  }

  const recorded = (replyId: string) => published.filter((p) => p.subject === 'parley.conversation.reply-receipt-recorded.v1' && p.data['replyId'] === replyId);

  beforeAll(async () => {
    [nats, db] = await Promise.all([startTestNats(), createTestDatabase('conversation_receipts')]);
    const config = Object.assign(new ConversationServiceConfig(), { NATS_URL: [nats.url], DATABASE_URL: db.url, PORT: 0, LOG_LEVEL: 'warn' as const });
    const running = await runService({ serviceName: SERVICE, module: createAppModule(config), config, process: noProcess, logger: createLogger({ service: SERVICE, level: 'warn' }), env: {} });
    if (!running) throw new Error('the service did not start');
    service = running;
    nc = await connect({ servers: nats.url });
    js = jetstream(nc);
    const contactId = newMessageId();
    nc.subscribe(ResolveContactV1.subject, {
      callback: (_err, msg) => {
        msg.respond(JSON.stringify({ ok: true, data: { contactId, created: true } }));
      },
    });
    await nc.flush();
    events = await (await js.consumers.get('PARLEY_EVENTS', { filter_subjects: 'parley.conversation.>' })).consume();
    void (async () => {
      for await (const m of events) published.push({ subject: m.subject, data: m.json<Envelope<Record<string, unknown>>>().data });
    })();
    connection = await MessagingConnection.connect({ serviceName: 'console-api-stand-in', servers: nats.url });
    client = new RequestClient(connection, 10_000);

    await publish(LineChangedV1, { id: lineId, name: 'Viber line', sessionRule: { mode: 'reopen' }, memberIds: [operator] });
    await publish(MessageReceivedV1, { ...fact('viber:pa:1:msg:1'), externalMessageId: '1', text: 'hello', attachments: [], source: 'webhook' });
    const conversation = await waitFor(async () => (await client.request(ListConversationsV1, { contactId }, newCorrelation())).items[0], { what: 'the conversation' });
    conversationId = conversation.id;
    await waitFor(
      async () => {
        try {
          return (await client.request(AcceptConversationV1, { conversationId, operatorId: operator }, newCorrelation())).status === 'assigned';
        } catch {
          return false; // the line's LineChanged may still be on its way
        }
      },
      { what: 'the conversation accepted' },
    );
  });

  afterAll(async () => {
    await events?.close();
    await connection?.drain();
    await nc?.drain();
    await service?.close();
    await nats?.stop();
    await db?.drop();
  });

  it('shows a reply delivered then seen, even when the receipt arrives before the dispatcher’s outcome, and never lowers it', async () => {
    const replyId = await reply('Your order ships today');
    const token = '5753750845017966999';
    // Viber can report `delivered` before ReplyDispatched reaches this service: the receipt waits for its reply.
    await receipt(token, 'delivered');
    await dispatched(replyId, token);
    const delivered = await messageWhen(replyId, (m) => m.receipt === 'delivered', 'the reply delivered to the device');
    expect(delivered).toMatchObject({ status: 'delivered', externalMessageId: token, receipt: 'delivered' });
    expect(delivered.receiptAt).toEqual(expect.any(String));

    const seenKey = `viber:pa:1:seen:${token}`;
    await receipt(token, 'seen', undefined, seenKey);
    await receipt(token, 'seen', undefined, seenKey); // redelivered: recorded once
    await messageWhen(replyId, (m) => m.receipt === 'seen', 'the reply seen');
    // A late `delivered` after `seen`, and a token that differs only in its last digit, change nothing.
    await receipt(token, 'delivered');
    const other = await reply('unrelated');
    await dispatched(other, '5753750845017966998');
    await messageWhen(other, (m) => m.status === 'delivered', 'the second reply accepted');
    await receipt('5753750845017966998', 'seen');
    await messageWhen(other, (m) => m.receipt === 'seen', 'the second reply seen');
    expect((await messageWhen(replyId, () => true, 'the first reply')).receipt).toBe('seen');
    await waitFor(() => (recorded(other).length === 1 ? true : undefined), { what: 'ReplyReceiptRecorded of the second reply on PARLEY_EVENTS' });
    expect(recorded(replyId).map((p) => p.data['status'])).toEqual(['delivered', 'seen']);
  });

  it('shows a reply the messenger accepted and later reported failed as failed, with its reason', async () => {
    const replyId = await reply('a picture Viber could not fetch');
    await dispatched(replyId, '5753750845017967100');
    await messageWhen(replyId, (m) => m.status === 'delivered', 'the reply accepted');
    await receipt('5753750845017967100', 'failed', 'Failed to download media');
    const failed = await messageWhen(replyId, (m) => m.status === 'failed', 'the reply failed');
    expect(failed).toMatchObject({ receipt: 'failed', failureCode: 'MESSENGER_REPORTED_FAILED', failureReason: 'Failed to download media' });
    await waitFor(() => recorded(replyId)[0], { what: 'ReplyReceiptRecorded failed on PARLEY_EVENTS' });
    expect(recorded(replyId)[0]?.data).toMatchObject({ conversationId, replyId, status: 'failed', reason: 'Failed to download media' });
  });

  it('acknowledges a receipt that never matches a reply (an earlier part of a multi-part reply) after about 20 tries, not dead-lettering it', async () => {
    const jsm = await js.jetstreamManager();
    const envelope = createEnvelope(ReplyReceiptReceivedV1, { ...fact('viber:pa:1:delivered:5753750845017969999'), externalMessageId: '5753750845017969999', status: 'delivered' as const }, newCorrelation());
    const { seq } = await js.publish(ReplyReceiptReceivedV1.subject, JSON.stringify(envelope), { msgID: envelope.id });
    const info = await waitFor(
      async () => {
        const i = await jsm.consumers.info('PARLEY_INBOUND', 'conversation-service-reply-receipts');
        return i.ack_floor.stream_seq >= seq && i.num_ack_pending === 0 ? i : undefined;
      },
      { what: 'the unmatched receipt acknowledged', timeoutMs: 60_000 },
    );
    expect(info.num_ack_pending).toBe(0);
    const dlq = await jsm.streams.info('PARLEY_DLQ').catch(() => undefined);
    const letters = dlq ? (await jsm.streams.info('PARLEY_DLQ', { subjects_filter: 'parley.dlq.conversation-service-reply-receipts' })).state.subjects : undefined;
    expect(letters ?? {}).toEqual({});
  }, 90_000);
});
