import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { VkFake } from '@parley/testing';
import type { ConsoleApiClient } from '@parley/tools';
import { ConditionWaiter } from '../lib/condition-waiter';
import { newHistogram, summarize, type LatencySummary } from '../lib/histogram';

/** VK's limit: 20 requests per second per community token (reference/messenger-protocols.md). */
export const VK_RATE_BUDGET_PER_S = 20;

export interface ReplyLatencyOutcome {
  ratePerS: number;
  replies: number;
  /** Replies the console API accepted (202). */
  accepted: number;
  delivered: number;
  /** Operator's POST → the VK fake receives `messages.send` with that reply. */
  latency: LatencySummary;
  /** The POST itself (202 answer). */
  apiLatency: LatencySummary;
}

export interface SaturationOutcome {
  conversations: number;
  repliesPerConversation: number;
  replies: number;
  delivered: number;
  duplicates: number;
  /** messages.send calls per second between the first and the last one. */
  sendRatePerS: number;
  /** sendRatePerS ÷ the VK budget. Target ≥ 95 %. */
  budgetUsed: number;
  /** Calls the VK fake counted over 20 in a sliding second (it answers them anyway in the benchmark). */
  rateLimitViolations: number;
  /** Conversations whose replies reached VK in another order than the operator sent them. */
  outOfOrderConversations: number;
  seconds: number;
}

const TAG = /^benchreply:(\S+) /;

/**
 * Operator replies through console-api (REST, as the console sends them), matched to the VK fake's `messages.send`
 * calls by a tag in the text.
 */
export class OutboundLoad {
  private readonly sentAt = new Map<string, number>();
  private readonly received = new Map<string, { at: number; count: number; order: number }>();
  private calls = 0;
  private readonly arrivals = new ConditionWaiter();

  constructor(
    private readonly vk: VkFake,
    private readonly operator: ConsoleApiClient,
  ) {
    vk.onCall((call) => {
      if (call.method !== 'messages.send') return;
      const match = TAG.exec(call.params['message'] ?? '');
      if (!match) return;
      const tag = match[1] as string;
      const seen = this.received.get(tag);
      if (seen) seen.count++;
      else this.received.set(tag, { at: performance.now(), count: 1, order: this.calls++ });
      this.arrivals.check();
    });
  }

  /** The operator takes the conversations (replies need an assignee). */
  async accept(conversationIds: readonly string[], concurrency = 8): Promise<void> {
    const queue = [...conversationIds];
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
          await this.operator.expect(200, 'POST', `/api/conversations/${id}/accept`);
        }
      }),
    );
  }

  /** Open-loop replies at `ratePerS` (below the VK budget, so the figure is the path's latency, not a queue). */
  async replyLatency(conversationIds: readonly string[], ratePerS: number, timeoutMs: number): Promise<ReplyLatencyOutcome> {
    const api = newHistogram();
    const tags: string[] = [];
    let accepted = 0;
    const posts: Array<Promise<void>> = [];
    const start = performance.now();
    conversationIds.forEach((id, i) => {
      const due = start + (i * 1000) / ratePerS;
      posts.push(
        (async () => {
          const wait = due - performance.now();
          if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
          const tag = `lat-${i}`;
          tags.push(tag);
          this.sentAt.set(tag, due);
          const answer = await this.operator.post(`/api/conversations/${id}/replies`, { id: randomUUID(), text: `benchreply:${tag} Thank you, we are looking into it.` });
          api.recordValue(Math.max(1, Math.round((performance.now() - due) * 1000)));
          if (answer.status === 202) accepted++;
        })(),
      );
    });
    await Promise.all(posts);
    await this.arrivals.until(() => tags.every((t) => this.received.has(t)), timeoutMs);
    const latency = newHistogram();
    let delivered = 0;
    for (const tag of tags) {
      const got = this.received.get(tag);
      const sent = this.sentAt.get(tag);
      if (!got || sent === undefined) continue;
      delivered++;
      latency.recordValue(Math.max(1, Math.round((got.at - sent) * 1000)));
    }
    return { ratePerS, replies: tags.length, accepted, delivered, latency: summarize(latency), apiLatency: summarize(api) };
  }

  /**
   * More replies than the budget allows, posted at once (`perConversation` to each conversation, in order): the
   * dispatcher must pace them at VK's limit, use the budget and keep each conversation's order.
   */
  async saturation(conversationIds: readonly string[], perConversation: number, timeoutMs: number): Promise<SaturationOutcome> {
    this.vk.setRateLimit({ perSecond: VK_RATE_BUDGET_PER_S, enforce: false });
    const violationsBefore = this.vk.rateLimitViolations();
    const tagsByConversation = conversationIds.map((_, c) => Array.from({ length: perConversation }, (_, k) => `sat-${c}-${k}`));
    const all = tagsByConversation.flat();
    // Each conversation's replies in order (the next one after the previous POST answered), conversations in parallel.
    await Promise.all(
      conversationIds.map(async (id, c) => {
        for (const tag of tagsByConversation[c] ?? []) {
          await this.operator.expect(202, 'POST', `/api/conversations/${id}/replies`, { id: randomUUID(), text: `benchreply:${tag} Here is an update on your order.` });
        }
      }),
    );
    await this.arrivals.until(() => all.every((t) => this.received.has(t)), timeoutMs);
    const got = all.map((t) => this.received.get(t)).filter((r): r is { at: number; count: number; order: number } => r !== undefined);
    const times = got.map((r) => r.at).sort((a, b) => a - b);
    const first = times[0] ?? 0;
    const last = times[times.length - 1] ?? 0;
    const seconds = (last - first) / 1000;
    const sendRatePerS = seconds > 0 ? (times.length - 1) / seconds : 0;
    let outOfOrder = 0;
    for (const tags of tagsByConversation) {
      const orders = tags.map((t) => this.received.get(t)?.order ?? -1);
      if (orders.some((o, k) => o < 0 || (k > 0 && o < (orders[k - 1] ?? 0)))) outOfOrder++;
    }
    return {
      conversations: conversationIds.length,
      repliesPerConversation: perConversation,
      replies: all.length,
      delivered: got.length,
      duplicates: got.reduce((n, r) => n + (r.count - 1), 0),
      sendRatePerS: Math.round(sendRatePerS * 100) / 100,
      budgetUsed: Math.round((sendRatePerS / VK_RATE_BUDGET_PER_S) * 1000) / 1000,
      rateLimitViolations: this.vk.rateLimitViolations() - violationsBefore,
      outOfOrderConversations: outOfOrder,
      seconds: Math.round(seconds * 10) / 10,
    };
  }
}
