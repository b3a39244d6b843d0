import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Histogram } from 'hdr-histogram-js';
import type { VkFake } from '@parley/testing';
import type { LiveFrame, LiveSocket } from '@parley/tools';
import { ConditionWaiter } from '../lib/condition-waiter';
import { newHistogram, summarize, type LatencySummary } from '../lib/histogram';

/** One step of load: an open-loop rate for a duration, spread over fresh customers. */
export interface LoadStep {
  name: string;
  ratePerS: number;
  durationS: number;
  /** Distinct customers writing in this step (each writes about `rate × duration / customers` messages). */
  customers: number;
  /** Whether this step's figures count (the warm-up's do not). */
  counted: boolean;
}

export interface StepOutcome {
  name: string;
  ratePerS: number;
  durationS: number;
  customers: number;
  sent: number;
  /** Callbacks answered 200 `ok`. */
  acknowledged: number;
  /** Callbacks answered otherwise (status or network error), with the first few reasons. */
  failed: number;
  failures: string[];
  /** Inbound messages seen on the operator's live socket. */
  visible: number;
  /** Inbound messages seen more than once on the live socket. */
  duplicatesVisible: number;
  /** The rate the generator actually achieved (sent ÷ send window); below the target means the client lagged. */
  achievedRatePerS: number;
  /** How late the generator fired, worst case (ms); latencies are measured from the scheduled time anyway. */
  maxSchedulerLagMs: number;
  ack: LatencySummary;
  visibleLatency: LatencySummary;
  /** Time from the last scheduled send until every message was visible (or the drain deadline). */
  drainMs: number;
}

interface Pending {
  scheduledAt: number;
  seen: number;
}

const CLIENT_INFO = { button_actions: ['text', 'vkpay', 'open_app', 'location', 'open_link', 'callback'], keyboard: true, inline_keyboard: true, carousel: true, lang_id: 0 };
const TAG = /^bench:(\S+) /;

/**
 * Open-loop load of VK Callback API `message_new` events: message i is due at start + i/rate whatever happened to
 * the ones before (no coordinated omission), and every latency is measured from that due time. The messages are
 * written into the VK fake's history first (as VK would hold them) and posted by this client over keep-alive HTTP,
 * signed with the community's secret like VK's own callbacks.
 */
export class CallbackLoad {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1024 });
  private readonly pending = new Map<string, Pending>();
  private nextCustomer: number;
  private ackHistogram: Histogram = newHistogram();
  private visibleHistogram: Histogram = newHistogram();
  private visibleCount = 0;
  private duplicates = 0;
  private counting = false;
  private readonly visible = new ConditionWaiter();

  constructor(
    private readonly vk: VkFake,
    private readonly groupId: number,
    private readonly webhookUrl: string,
    live: LiveSocket,
    firstCustomerId = 500_000_000,
  ) {
    this.nextCustomer = firstCustomerId;
    live.onFrame((frame) => this.onFrame(frame));
  }

  /** Runs one step and waits (up to `drainTimeoutMs`) until each of its messages was acknowledged and visible. */
  async run(step: LoadStep, drainTimeoutMs: number): Promise<StepOutcome> {
    this.ackHistogram = newHistogram();
    this.visibleHistogram = newHistogram();
    this.visibleCount = 0;
    this.duplicates = 0;
    this.pending.clear();
    this.counting = step.counted;
    const total = Math.round(step.ratePerS * step.durationS);
    const customers = Array.from({ length: Math.max(1, step.customers) }, () => this.nextCustomer++);
    const intervalMs = 1000 / step.ratePerS;
    const inFlight = new Set<Promise<void>>();
    const failures: string[] = [];
    let failed = 0;
    let acknowledged = 0;
    let maxLag = 0;
    const start = performance.now();
    for (let i = 0; i < total; i++) {
      const due = start + i * intervalMs;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      maxLag = Math.max(maxLag, performance.now() - due);
      const tag = `${step.name}-${i}`;
      const customer = customers[i % customers.length] as number;
      const sent = this.send(tag, customer, due).then((result) => {
        if (result === 'ok') acknowledged++;
        else {
          failed++;
          if (failures.length < 5) failures.push(result);
        }
      });
      inFlight.add(sent);
      void sent.finally(() => inFlight.delete(sent));
    }
    const sendWindowMs = performance.now() - start;
    const lastDue = start + (total - 1) * intervalMs;
    await Promise.all([...inFlight]);
    await this.visible.until(() => this.visibleCount >= acknowledged, drainTimeoutMs);
    const drainMs = performance.now() - lastDue;
    this.counting = false;
    return {
      name: step.name,
      ratePerS: step.ratePerS,
      durationS: step.durationS,
      customers: customers.length,
      sent: total,
      acknowledged,
      failed,
      failures,
      visible: this.visibleCount,
      duplicatesVisible: this.duplicates,
      achievedRatePerS: Math.round((total / sendWindowMs) * 1000 * 10) / 10,
      maxSchedulerLagMs: Math.round(maxLag * 10) / 10,
      ack: summarize(this.ackHistogram),
      visibleLatency: summarize(this.visibleHistogram),
      drainMs: Math.round(drainMs),
    };
  }

  close(): void {
    this.agent.destroy();
  }

  private async send(tag: string, customer: number, due: number): Promise<string> {
    const { message } = await this.vk.writeAsCustomer({ groupId: this.groupId, userId: customer, text: `bench:${tag} Hello! Where is my order? It was due yesterday.`, deliver: false });
    const body = JSON.stringify(this.vk.envelope(this.groupId, 'message_new', { message: { ...message, out: 0 }, client_info: CLIENT_INFO }));
    this.pending.set(tag, { scheduledAt: due, seen: 0 });
    const answer = await post(this.agent, this.webhookUrl, body);
    const done = performance.now();
    if (answer.status === 200 && answer.body === 'ok') {
      if (this.counting) this.ackHistogram.recordValue(Math.max(1, Math.round((done - due) * 1000)));
      return 'ok';
    }
    return answer.error ?? `HTTP ${answer.status}: ${answer.body.slice(0, 120)}`;
  }

  private onFrame(frame: LiveFrame): void {
    if (frame.type !== 'MessageAppended' || frame.data['direction'] !== 'inbound') return;
    const text = frame.data['text'];
    if (typeof text !== 'string') return;
    const match = TAG.exec(text);
    const entry = match ? this.pending.get(match[1] as string) : undefined;
    if (!entry) return;
    entry.seen++;
    if (entry.seen > 1) {
      this.duplicates++;
      return;
    }
    this.visibleCount++;
    this.visible.check();
    if (this.counting) this.visibleHistogram.recordValue(Math.max(1, Math.round((performance.now() - entry.scheduledAt) * 1000)));
  }
}

/**
 * One POST. A keep-alive socket the server closed just as we reused it fails with ECONNRESET before the request was
 * read: that one is sent again at once (VK itself retries any callback that was not answered `ok`).
 */
async function post(agent: Agent, url: string, body: string): Promise<{ status: number; body: string; error?: string }> {
  const first = await postOnce(agent, url, body);
  return first.retryable ? postOnce(agent, url, body) : first;
}

function postOnce(agent: Agent, url: string, body: string): Promise<{ status: number; body: string; error?: string; retryable?: boolean }> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }, timeout: 60_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (err) => resolve({ status: 0, body: '', error: err.message }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout after 60 s')));
    req.on('error', (err: NodeJS.ErrnoException) =>
      resolve({ status: 0, body: '', error: err.message, retryable: req.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE') }),
    );
    req.end(body);
  });
}
