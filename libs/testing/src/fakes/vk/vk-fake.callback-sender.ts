import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { VkCallbackAttempt, VkCallbackDelivery, VkCallbackRetryPolicy } from './vk-fake.types';

export const defaultCallbackRetryPolicy: VkCallbackRetryPolicy = {
  maxRetries: 3,
  delayMs: 20,
  maxRetryAfterMs: 1000,
  timeoutMs: 5000,
};

interface HttpAnswer {
  status?: number;
  body: string;
  retryAfter?: string;
  error?: string;
}

/** One POST of a raw body; never throws (a failed request is an answer with `error`). */
export function postRaw(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<HttpAnswer> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      target,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const retryAfter = res.headers['retry-after'];
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            ...(typeof retryAfter === 'string' ? { retryAfter } : {}),
          });
        });
        res.on('error', (err) => resolve({ body: '', error: err.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', (err) => resolve({ body: '', error: err.message }));
    req.end(body);
  });
}

/**
 * Delivers Callback API events like VK: POST JSON; success is HTTP 200 with the exact body `ok`; otherwise retry
 * (same body, same `event_id`) with `X-Retry-Counter: <n>`, honouring `Retry-After` on 410/429/503 up to a cap.
 * An answer `remove` tells VK to delete the server: the sender reports it and stops.
 */
export class VkCallbackSender {
  readonly deliveries: VkCallbackDelivery[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private policy: VkCallbackRetryPolicy,
    private readonly onRemove: (groupId: number) => void,
  ) {}

  setPolicy(policy: Partial<VkCallbackRetryPolicy>): void {
    this.policy = { ...this.policy, ...policy };
  }

  deliver(url: string, groupId: number, body: unknown, options: { maxRetries?: number } = {}): Promise<VkCallbackDelivery> {
    const promise = this.run(url, groupId, body, options.maxRetries ?? this.policy.maxRetries);
    this.inFlight.add(promise);
    promise.finally(() => this.inFlight.delete(promise));
    return promise;
  }

  /** Waits until every delivery under way (retries included) has finished. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async run(url: string, groupId: number, body: unknown, maxRetries: number): Promise<VkCallbackDelivery> {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    const parsed = typeof body === 'string' ? safeParse(body) : body;
    const record: VkCallbackDelivery = {
      groupId,
      eventId: eventIdOf(parsed),
      type: typeOf(parsed),
      body: parsed,
      attempts: [],
      delivered: false,
    };
    this.deliveries.push(record);
    for (let attempt = 0; attempt <= maxRetries; attempt++) {
      const headers: Record<string, string> = attempt === 0 ? {} : { 'X-Retry-Counter': String(attempt) };
      const answer = await postRaw(url, raw, headers, this.policy.timeoutMs);
      const logged: VkCallbackAttempt = {
        retryCounter: attempt,
        body: answer.body,
        at: Date.now(),
        ...(answer.status === undefined ? {} : { status: answer.status }),
        ...(answer.error === undefined ? {} : { error: answer.error }),
      };
      record.attempts.push(logged);
      if (answer.status === 200 && answer.body === 'ok') {
        record.delivered = true;
        return record;
      }
      if (answer.status === 200 && answer.body === 'remove') {
        this.onRemove(groupId);
        return record;
      }
      if (attempt < maxRetries) await sleep(this.retryDelay(answer));
    }
    return record;
  }

  private retryDelay(answer: HttpAnswer): number {
    if (answer.retryAfter !== undefined && [410, 429, 503].includes(answer.status ?? 0)) {
      const seconds = Number(answer.retryAfter);
      if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, this.policy.maxRetryAfterMs);
    }
    return this.policy.delayMs;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function safeParse(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

function eventIdOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const id = (body as Record<string, unknown>)['event_id'];
  return typeof id === 'string' ? id : undefined;
}

function typeOf(body: unknown): string {
  if (typeof body !== 'object' || body === null) return 'raw';
  const type = (body as Record<string, unknown>)['type'];
  return typeof type === 'string' ? type : 'raw';
}
