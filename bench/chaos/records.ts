import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Client } from 'pg';
import type { VkFake } from '@parley/testing';
import type { ConsoleApiClient } from '@parley/tools';
import type { CustomerLoad } from './customer-load';
import { Tally, type Markers } from './markers';
import type { BotReply } from './operator-bot';

/*
 * The four records of a chaos run, each read independently, and their comparison message by message (by marker):
 *   1. webhooks Parley acknowledged — the VK fake's callback deliveries of `message_new` answered `ok`;
 *   2. the event store — conversation-service's `conversation.events` (MessageAppended inbound per customer
 *      marker; ReplyRequested per reply; ReplyDelivered/ReplyFailed per reply id);
 *   3. the conversation logs console-api returns — GET /api/conversations/:id/messages of every conversation;
 *   4. what VK received — `messages.send` calls per reply marker, and the messages VK stored from them.
 */

export interface EventStoreRecord {
  /** Inbound MessageAppended per customer marker. */
  inbound: Tally;
  /** ReplyRequested per reply marker. */
  replyRequested: Tally;
  /** Outbound MessageAppended carrying a reply marker: the VK echo of Parley's own reply taken as a new message. */
  outboundAppended: Tally;
  /** ReplyDelivered / ReplyFailed per reply id. */
  delivered: Tally;
  failed: Tally;
  /** Conversations of the chaos line (ids) in the store. */
  conversationIds: Set<string>;
  events: number;
}

export async function readEventStore(databaseUrl: string, markers: Markers): Promise<EventStoreRecord> {
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ stream_id: string; type: string; text: string | null; direction: string | null; reply_id: string | null }>(
      `SELECT stream_id, type, data->>'text' AS text, data->>'direction' AS direction, data->>'replyId' AS reply_id
         FROM conversation.events
        WHERE type IN ('ConversationOpened', 'MessageAppended', 'ReplyRequested', 'ReplyDelivered', 'ReplyFailed')`,
    );
    const record: EventStoreRecord = {
      inbound: new Tally(),
      replyRequested: new Tally(),
      outboundAppended: new Tally(),
      delivered: new Tally(),
      failed: new Tally(),
      conversationIds: new Set(),
      events: rows.length,
    };
    for (const row of rows) {
      const conversationId = row.stream_id.replace(/^conversation-/, '');
      if (row.type === 'ConversationOpened') record.conversationIds.add(conversationId);
      else if (row.type === 'MessageAppended') {
        const inbound = markers.inboundIn(row.text ?? undefined);
        const outbound = markers.outboundIn(row.text ?? undefined);
        if (inbound && row.direction === 'inbound') record.inbound.add(inbound);
        if (outbound && row.direction === 'outbound') record.outboundAppended.add(outbound);
      } else if (row.type === 'ReplyRequested') {
        const outbound = markers.outboundIn(row.text ?? undefined);
        if (outbound) record.replyRequested.add(outbound);
      } else if (row.type === 'ReplyDelivered' && row.reply_id) record.delivered.add(row.reply_id);
      else if (row.type === 'ReplyFailed' && row.reply_id) record.failed.add(row.reply_id);
    }
    return record;
  } finally {
    await client.end();
  }
}

export interface ConsoleRecord {
  inbound: Tally;
  outbound: Tally;
  /** Reply status in the log per reply marker (the last one seen). */
  replyStatus: Map<string, string>;
  conversations: number;
  /** Conversations whose messages could not be read (after retries). */
  unreadable: Array<{ conversationId: string; error: string }>;
}

interface MessageView {
  direction: 'inbound' | 'outbound';
  text: string;
  status: string;
}

/** GET messages of every conversation, a few at a time, each retried a few times. */
export async function readConsole(client: ConsoleApiClient, conversationIds: Iterable<string>, markers: Markers): Promise<ConsoleRecord> {
  const record: ConsoleRecord = { inbound: new Tally(), outbound: new Tally(), replyStatus: new Map(), conversations: 0, unreadable: [] };
  const ids = [...new Set(conversationIds)];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const conversationId = ids[next++] as string;
      let lastError = '';
      let messages: MessageView[] | undefined;
      for (let attempt = 0; attempt < 5 && !messages; attempt++) {
        try {
          const answer = await client.request<MessageView[]>('GET', `/api/conversations/${conversationId}/messages`, undefined, { timeoutMs: 15_000 });
          if (answer.status === 200 && Array.isArray(answer.body)) messages = answer.body;
          else lastError = `${answer.status}`;
        } catch (err) {
          lastError = err instanceof Error ? err.message : String(err);
        }
        if (!messages) await new Promise((resolve) => setTimeout(resolve, 500 * (attempt + 1)));
      }
      if (!messages) {
        record.unreadable.push({ conversationId, error: lastError });
        continue;
      }
      record.conversations++;
      for (const m of messages) {
        const inbound = markers.inboundIn(m.text);
        const outbound = markers.outboundIn(m.text);
        if (inbound && m.direction === 'inbound') record.inbound.add(inbound);
        if (outbound && m.direction === 'outbound') {
          record.outbound.add(outbound);
          record.replyStatus.set(outbound, m.status);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, () => worker()));
  return record;
}

/** `connect ECONNREFUSED 127.0.0.1:1234` → `ECONNREFUSED`; `timeout after 10000 ms` → `timeout`. */
function causeOf(error: string): string {
  const code = /\b(E[A-Z]{3,})\b/.exec(error);
  if (code?.[1]) return code[1];
  if (/timeout/i.test(error)) return 'timeout';
  return error.slice(0, 40);
}

export interface VkRecord {
  /** messages.send calls per reply marker (every call, whatever the answer). */
  calls: Tally;
  /** Calls answered with a message id. */
  okCalls: Tally;
  /** Distinct messages VK stored per reply marker (what the customer sees). */
  stored: Tally;
  totalCalls: number;
  rateLimitViolations: number;
  /** Every API call with the community token, per method (the 20 req/s budget is shared by all of them). */
  callsByMethod: Record<string, number>;
  /** When (epoch ms, as the fake saw them) the calls over 20 in a sliding second came: to match with disruptions. */
  violationTimes: number[];
}

export function readVk(vk: VkFake, groupId: number, token: string, markers: Markers): VkRecord {
  const record: VkRecord = {
    calls: new Tally(),
    okCalls: new Tally(),
    stored: new Tally(),
    totalCalls: 0,
    rateLimitViolations: vk.rateLimitViolations(token),
    callsByMethod: {},
    violationTimes: [],
  };
  const window: number[] = [];
  for (const call of vk.calls()) {
    if (call.token !== token) continue;
    record.callsByMethod[call.method] = (record.callsByMethod[call.method] ?? 0) + 1;
    while (window.length > 0 && call.at - (window[0] as number) >= 1000) window.shift();
    if (window.length >= 20) record.violationTimes.push(call.at);
    window.push(call.at);
  }
  for (const call of vk.calls('messages.send')) {
    record.totalCalls++;
    const marker = markers.outboundIn(call.params['message']);
    if (!marker) continue;
    record.calls.add(marker);
    if ('response' in call.result && typeof call.result.response === 'number') record.okCalls.add(marker);
  }
  for (const message of vk.messages(groupId)) {
    if (message.out !== 1) continue;
    const marker = markers.outboundIn(message.text);
    if (marker) record.stored.add(marker);
  }
  return record;
}

export interface WebhookRecord {
  /** Acknowledged deliveries per customer marker (one per message: the fake stops at the first `ok`). */
  acknowledged: Tally;
  /** Deliveries (first + retries) in all, and how many were not `ok`, by cause (`503`, `ECONNREFUSED`, …). */
  attempts: number;
  failedAttempts: number;
  failedByCause: Record<string, number>;
}

/** The first `limit` message_new deliveries: the customers' own (the replays come after them). */
export function readWebhooks(vk: VkFake, markers: Markers, limit?: number): WebhookRecord {
  const record: WebhookRecord = { acknowledged: new Tally(), attempts: 0, failedAttempts: 0, failedByCause: {} };
  for (const delivery of vk.callbacks('message_new').slice(0, limit)) {
    record.attempts += delivery.attempts.length;
    for (const attempt of delivery.attempts) {
      if (attempt.status === 200 && attempt.body === 'ok') continue;
      record.failedAttempts++;
      const cause = attempt.status !== undefined ? `HTTP ${attempt.status}` : causeOf(attempt.error ?? 'no answer');
      record.failedByCause[cause] = (record.failedByCause[cause] ?? 0) + 1;
    }
    const body = delivery.body as { object?: { message?: { text?: string } } };
    const marker = markers.inboundIn(body.object?.message?.text);
    if (marker && delivery.delivered) record.acknowledged.add(marker);
  }
  return record;
}

export interface BrokerState {
  /** Messages not yet delivered or not yet acknowledged, summed over every consumer of the Parley streams. */
  pending: number;
  ackPending: number;
  /** Dead letters (PARLEY_DLQ messages), in all and per subject (`parley.dlq.<durable>`). */
  deadLetters: number;
  deadLettersBySubject: Record<string, number>;
  perConsumer: Record<string, { pending: number; ackPending: number; redelivered: number }>;
}

/** What JetStream still holds for Parley's consumers: the system has settled when nothing is pending. */
export async function readBroker(natsUrl: string): Promise<BrokerState> {
  const nc = await connect({ servers: natsUrl, name: 'parley-chaos', maxReconnectAttempts: 0, timeout: 5_000 });
  try {
    const jsm = await jetstreamManager(nc);
    const state: BrokerState = { pending: 0, ackPending: 0, deadLetters: 0, deadLettersBySubject: {}, perConsumer: {} };
    for (const stream of ['PARLEY_INBOUND', 'PARLEY_EVENTS']) {
      for await (const ci of jsm.consumers.list(stream)) {
        state.pending += ci.num_pending;
        state.ackPending += ci.num_ack_pending;
        state.perConsumer[`${stream}/${ci.name}`] = { pending: ci.num_pending, ackPending: ci.num_ack_pending, redelivered: ci.num_redelivered };
      }
    }
    const dlq = await jsm.streams.info('PARLEY_DLQ', { subjects_filter: '>' });
    state.deadLetters = dlq.state.messages;
    state.deadLettersBySubject = { ...(dlq.state.subjects ?? {}) };
    return state;
  } finally {
    await nc.close();
  }
}

/** Relay and projections of conversation-service: every checkpoint at the last event. */
export async function readCheckpoints(databaseUrl: string): Promise<{ lastPosition: number; checkpoints: Record<string, number> }> {
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const last = await client.query<{ p: string | null }>('SELECT max(global_position)::text AS p FROM conversation.events');
    const rows = await client.query<{ name: string; p: string }>('SELECT name, global_position::text AS p FROM conversation.checkpoints');
    return {
      lastPosition: Number(last.rows[0]?.p ?? 0),
      checkpoints: Object.fromEntries(rows.rows.map((r) => [r.name, Number(r.p)])),
    };
  } finally {
    await client.end();
  }
}

// ---- the comparison ---------------------------------------------------------------------------------------------

export interface Row {
  record: string;
  expected: number;
  found: number;
  lost: number;
  duplicated: number;
  /** Lost/duplicated here count for the verdict (some rows are shown for information only). */
  counts: boolean;
  note?: string;
}

export interface Comparison {
  inbound: Row[];
  outbound: Row[];
  /** Up to 20 markers per problem, to start looking from. */
  examples: Record<string, string[]>;
  failed: boolean;
}

function compare(record: string, expected: readonly string[], tally: Tally, examples: Record<string, string[]>, counts = true, note?: string): Row {
  let lost = 0;
  let duplicated = 0;
  let found = 0;
  const lostExamples: string[] = [];
  const dupExamples: string[] = [];
  const expectedSet = new Set(expected);
  for (const key of expected) {
    const n = tally.get(key);
    if (n === 0) {
      lost++;
      if (lostExamples.length < 20) lostExamples.push(key);
    } else found++;
    if (n > 1) {
      duplicated += n - 1;
      if (dupExamples.length < 20) dupExamples.push(`${key}×${n}`);
    }
  }
  // Copies of messages nobody expected (e.g. never acknowledged, yet stored twice) are duplicates as well.
  for (const key of tally.keys()) {
    if (!expectedSet.has(key) && tally.get(key) > 1) {
      duplicated += tally.get(key) - 1;
      if (dupExamples.length < 20) dupExamples.push(`${key}×${tally.get(key)} (not expected)`);
    }
  }
  if (lostExamples.length > 0) examples[`${record}: lost`] = lostExamples;
  if (dupExamples.length > 0) examples[`${record}: duplicated`] = dupExamples;
  return { record, expected: expected.length, found, lost, duplicated, counts, ...(note ? { note } : {}) };
}

export interface AllRecords {
  load: CustomerLoad;
  replies: ReadonlyMap<string, BotReply>;
  /** What the operator's live socket showed (MessageAppended / ReplyRequested frames) per marker. */
  live: { inbound: Tally; outbound: Tally };
  webhooks: WebhookRecord;
  eventStore: EventStoreRecord;
  console: ConsoleRecord;
  vk: VkRecord;
}

export function compareRecords(r: AllRecords): Comparison {
  const examples: Record<string, string[]> = {};
  const written = r.load.sent.map((m) => m.marker);
  const acknowledged = written.filter((m) => r.webhooks.acknowledged.get(m) > 0);
  const inbound: Row[] = [
    compare('1 webhooks acknowledged (VK fake)', written, r.webhooks.acknowledged, examples, true, 'lost = written by a customer, never acknowledged'),
    compare('2 event store (MessageAppended in)', acknowledged, r.eventStore.inbound, examples),
    compare('3 console API conversation logs', acknowledged, r.console.inbound, examples),
    compare('+ live socket (operator frames)', acknowledged, r.live.inbound, examples),
  ];
  const accepted = [...r.replies.values()].filter((b) => b.accepted);
  const acceptedMarkers = accepted.map((b) => b.marker);
  const byReplyId = new Tally();
  for (const b of accepted) {
    const outcomes = r.eventStore.delivered.get(b.replyId) + r.eventStore.failed.get(b.replyId);
    if (outcomes > 0) byReplyId.add(b.marker, outcomes);
  }
  const echoes = new Tally();
  for (const m of acceptedMarkers) echoes.add(m, r.eventStore.replyRequested.get(m) + r.eventStore.outboundAppended.get(m));
  const outbound: Row[] = [
    compare('2 event store (ReplyRequested)', acceptedMarkers, r.eventStore.replyRequested, examples),
    compare('2 event store (reply + its echo)', acceptedMarkers, echoes, examples, true, 'duplicated = the VK echo of the reply appended as another message'),
    compare('2 event store (ReplyDelivered/Failed)', acceptedMarkers, byReplyId, examples, true, 'lost = the reply stays pending; duplicated = two outcomes'),
    compare('3 console API conversation logs', acceptedMarkers, r.console.outbound, examples),
    compare('+ live socket (operator frames)', acceptedMarkers, r.live.outbound, examples),
    compare('4 VK messages stored (customer sees)', acceptedMarkers, r.vk.stored, examples),
    compare('4 VK messages.send answered ok', acceptedMarkers, r.vk.okCalls, examples, false, 'repeats with the same random_id are de-duplicated by VK: information only'),
  ];
  const failed = [...inbound, ...outbound].some((row) => row.counts && (row.lost > 0 || row.duplicated > 0));
  return { inbound, outbound, examples, failed };
}

/** The verdict's two numbers per direction: the worst row (a message lost at step 2 is also lost at step 3). */
export function totals(rows: readonly Row[]): { lost: number; duplicated: number } {
  const counted = rows.filter((r) => r.counts);
  return { lost: Math.max(0, ...counted.map((r) => r.lost)), duplicated: Math.max(0, ...counted.map((r) => r.duplicated)) };
}
