import { randomUUID } from 'node:crypto';
import { LiveSocket, type ConsoleApiClient, type LiveFrame } from '@parley/tools';
import { Tally, type Markers } from './markers';

/** One reply of the bot: created once per conversation, retried with the same id until console-api takes it. */
export interface BotReply {
  marker: string;
  replyId: string;
  conversationId: string;
  /** POSTs of this reply (the same id each time). */
  attempts: number;
  /** Answered 202 by console-api (at least once). */
  accepted: boolean;
  /** A refusal that is not worth retrying (4xx other than 408/429). */
  refused?: string;
}

type Discovery = 'live' | 'poll';

interface Work {
  conversationId: string;
  foundBy: Discovery;
  accepted: boolean;
  reply?: BotReply;
  done: boolean;
  failed?: string;
}

export interface BotStats {
  conversations: number;
  /** Conversations the live socket never showed (found by the queue poll or another record only). */
  neverSeenLive: number;
  liveFrames: number;
  liveConnects: number;
  /** Reconnects with `since` after the socket closed. */
  liveReconnects: number;
  acceptAttempts: number;
  replyAttempts: number;
  /** Failed requests (network error, timeout or 5xx/429) that the bot retried, by cause. */
  retriedErrors: Record<string, number>;
  /** Conversations the bot gave up on (non-retryable answer), with the answer. */
  givenUp: Array<{ conversationId: string; reason: string }>;
}

const REQUEST_TIMEOUT_MS = 15_000;
const QUEUE_POLL_MS = 5_000;

/**
 * The operator, as a console would behave: listens to the live socket (reconnecting with `since` whenever it
 * closes), also looks at the queue now and then, accepts every new conversation of the line and answers it once
 * with a reply whose id it generated; a failed request (connection refused, timeout, 5xx) is retried with the
 * same reply id until console-api takes it.
 */
export class OperatorBot {
  readonly replies = new Map<string, BotReply>();
  /** Markers of customer messages (MessageAppended) and replies (ReplyRequested) in the frames the socket received. */
  readonly liveInbound = new Tally();
  readonly liveOutbound = new Tally();
  private readonly work = new Map<string, Work>();
  private readonly seenLive = new Set<string>();
  private readonly queue: Work[] = [];
  private inFlight = 0;
  private nextReply = 0;
  private lastSeq: number | undefined;
  private socket: LiveSocket | undefined;
  private stopped = false;
  private pollTimer: NodeJS.Timeout | undefined;
  private readonly loops: Promise<void>[] = [];
  private readonly stats: BotStats = {
    conversations: 0,
    neverSeenLive: 0,
    liveFrames: 0,
    liveConnects: 0,
    liveReconnects: 0,
    acceptAttempts: 0,
    replyAttempts: 0,
    retriedErrors: {},
    givenUp: [],
  };

  constructor(
    private readonly client: ConsoleApiClient,
    private readonly token: string,
    private readonly lineId: string,
    private readonly markers: Markers,
    private readonly concurrency: number,
    private readonly say: (line: string) => void,
  ) {}

  async start(): Promise<void> {
    await this.connect(false);
    this.loops.push(this.keepLive());
    const poll = (): void => {
      if (this.stopped) return;
      void this.pollQueue().finally(() => {
        if (!this.stopped) this.pollTimer = setTimeout(poll, QUEUE_POLL_MS);
      });
    };
    this.pollTimer = setTimeout(poll, QUEUE_POLL_MS);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    await this.socket?.close();
    await Promise.allSettled(this.loops);
  }

  /** A conversation the bot must handle that it may not have seen (found in another record): handled as if polled. */
  discover(conversationId: string): void {
    this.found(conversationId, 'poll');
  }

  /** True when every conversation found is answered (or given up) and nothing is under way. */
  get idle(): boolean {
    return this.queue.length === 0 && this.inFlight === 0 && [...this.work.values()].every((w) => w.done);
  }

  get conversationIds(): string[] {
    return [...this.work.keys()];
  }

  snapshot(): BotStats {
    const neverSeenLive = [...this.work.keys()].filter((id) => !this.seenLive.has(id)).length;
    return { ...this.stats, conversations: this.work.size, neverSeenLive, retriedErrors: { ...this.stats.retriedErrors }, givenUp: [...this.stats.givenUp] };
  }

  // ---- discovery ----------------------------------------------------------------------------------------------

  private async connect(reconnect: boolean): Promise<void> {
    const socket = await LiveSocket.open(this.client.baseUrl, this.token, {
      record: false,
      ...(this.lastSeq === undefined ? {} : { since: this.lastSeq }),
    });
    this.stats.liveConnects++;
    if (reconnect) this.stats.liveReconnects++;
    socket.onFrame((frame) => this.onFrame(frame));
    this.socket = socket;
  }

  /** Waits for the socket to close and opens it again with `since`, until the bot stops. */
  private async keepLive(): Promise<void> {
    let delay = 100;
    while (!this.stopped) {
      if (this.socket) {
        await this.socket.closed();
        this.socket = undefined;
        if (this.stopped) return;
      }
      try {
        await this.connect(true);
        delay = 100;
      } catch {
        await pause(delay);
        delay = Math.min(delay * 2, 1_000);
      }
    }
  }

  private onFrame(frame: LiveFrame): void {
    this.stats.liveFrames++;
    if (this.lastSeq === undefined || frame.seq > this.lastSeq) this.lastSeq = frame.seq;
    const text = typeof frame.data['text'] === 'string' ? frame.data['text'] : undefined;
    const inbound = frame.type === 'MessageAppended' ? this.markers.inboundIn(text) : undefined;
    const outbound = frame.type === 'ReplyRequested' ? this.markers.outboundIn(text) : undefined;
    if (inbound) this.liveInbound.add(inbound);
    if (outbound) this.liveOutbound.add(outbound);
    if (!frame.conversationId || (frame.lineId !== undefined && frame.lineId !== this.lineId)) return;
    if (frame.type === 'ConversationOpened' || frame.type === 'ConversationReopened' || frame.type === 'MessageAppended') {
      this.seenLive.add(frame.conversationId);
      this.found(frame.conversationId, 'live');
    }
  }

  private async pollQueue(): Promise<void> {
    try {
      const answer = await this.client.request<Array<{ id: string }>>(
        'GET',
        `/api/conversations?lineId=${this.lineId}&status=queued`,
        undefined,
        { timeoutMs: REQUEST_TIMEOUT_MS },
      );
      if (answer.status === 200 && Array.isArray(answer.body)) for (const c of answer.body) this.found(c.id, 'poll');
    } catch {
      // console-api is down: the next poll will see the queue
    }
  }

  private found(conversationId: string, by: Discovery): void {
    const known = this.work.get(conversationId);
    if (known) {
      // A conversation seen again (e.g. reopened) that was finished needs nothing more: one reply per conversation.
      return;
    }
    const work: Work = { conversationId, foundBy: by, accepted: false, done: false };
    this.work.set(conversationId, work);
    this.queue.push(work);
    this.pump();
  }

  // ---- answering ----------------------------------------------------------------------------------------------

  private pump(): void {
    while (this.inFlight < this.concurrency && this.queue.length > 0) {
      const work = this.queue.shift() as Work;
      this.inFlight++;
      void this.handle(work).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async handle(work: Work): Promise<void> {
    const path = `/api/conversations/${work.conversationId}`;
    if (!work.accepted) {
      const accept = await this.retrying(() => this.client.request<unknown>('POST', `${path}/accept`, {}, { timeoutMs: REQUEST_TIMEOUT_MS }), 'accept');
      if (accept.status !== 200) return this.giveUp(work, `accept → ${accept.status} ${describeBody(accept.body)}`);
      work.accepted = true;
    }
    if (!work.reply) {
      const marker = this.markers.outbound(this.nextReply++);
      work.reply = { marker, replyId: randomUUID(), conversationId: work.conversationId, attempts: 0, accepted: false };
      this.replies.set(marker, work.reply);
    }
    const reply = work.reply;
    const body = { id: reply.replyId, text: `${reply.marker} thanks, an operator is on it` };
    const answer = await this.retrying(() => {
      reply.attempts++;
      return this.client.request<unknown>('POST', `${path}/replies`, body, { timeoutMs: REQUEST_TIMEOUT_MS });
    }, 'reply');
    if (answer.status !== 202) {
      reply.refused = `${answer.status} ${describeBody(answer.body)}`;
      return this.giveUp(work, `reply → ${reply.refused}`);
    }
    reply.accepted = true;
    work.done = true;
  }

  private giveUp(work: Work, reason: string): void {
    work.done = true;
    work.failed = reason;
    this.stats.givenUp.push({ conversationId: work.conversationId, reason });
    this.say(`operator bot gave up on conversation ${work.conversationId}: ${reason}`);
  }

  /** Runs a request until it gets an answer that is not a 5xx, 408 or 429 (the bot never stops trying those). */
  private async retrying(request: () => Promise<{ status: number; body: unknown }>, what: 'accept' | 'reply'): Promise<{ status: number; body: unknown }> {
    let delay = 200;
    for (;;) {
      if (this.stopped) return { status: 0, body: 'the bot stopped' };
      if (what === 'accept') this.stats.acceptAttempts++;
      else this.stats.replyAttempts++;
      let cause: string;
      try {
        const answer = await request();
        if (answer.status < 500 && answer.status !== 408 && answer.status !== 429) return answer;
        cause = `${what} ${answer.status}`;
      } catch (err) {
        cause = `${what} ${errorCause(err)}`;
      }
      this.stats.retriedErrors[cause] = (this.stats.retriedErrors[cause] ?? 0) + 1;
      await pause(delay);
      delay = Math.min(delay * 2, 2_000);
    }
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function describeBody(body: unknown): string {
  if (Buffer.isBuffer(body)) return body.toString('utf8').slice(0, 200);
  return JSON.stringify(body).slice(0, 300);
}

/** A short cause of a failed fetch: `ECONNREFUSED`, `timeout`, … */
function errorCause(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'timeout';
    const cause = (err as { cause?: unknown }).cause;
    if (cause && typeof cause === 'object' && 'code' in cause && typeof cause.code === 'string') return cause.code;
    return err.message.slice(0, 60);
  }
  return String(err).slice(0, 60);
}
