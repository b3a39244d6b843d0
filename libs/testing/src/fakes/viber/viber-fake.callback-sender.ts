import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { toViberJson, viberSignature } from './viber-fake.json';
import type { ViberCallbackAttempt, ViberCallbackDelivery, ViberCallbackRetryPolicy } from './viber-fake.types';

export const defaultViberRetryPolicy: ViberCallbackRetryPolicy = { delayMs: 20, retryWindowMs: 3_600_000, timeoutMs: 5000 };

interface HttpAnswer {
  status?: number;
  body: string;
  error?: string;
}

/** One POST of a raw body; never throws (a failed request is an answer with `error`). */
export function postViber(url: string, raw: string, headers: Record<string, string>, timeoutMs: number): Promise<HttpAnswer> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      target,
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(raw)), ...headers }, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (err) => resolve({ body: '', error: err.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', (err) => resolve({ body: '', error: err.message }));
    req.end(raw);
  });
}

/**
 * Posts callbacks like Viber: JSON with `message_token` as a raw integer, `X-Viber-Content-Signature` = hex
 * HMAC-SHA256 of those bytes keyed with the auth token; any answer but HTTP 200 is retried (same bytes) until the
 * retry window (one hour by default) has passed.
 */
export class ViberCallbackSender {
  readonly deliveries: ViberCallbackDelivery[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private stopped = false;

  constructor(private policy: ViberCallbackRetryPolicy) {}

  setPolicy(policy: Partial<ViberCallbackRetryPolicy>): void {
    this.policy = { ...this.policy, ...policy };
  }

  /**
   * Delivers `body` (an object, serialised bigint-safe, or raw text as is). `signature` overrides the header
   * (null: no header) for tests of forged callbacks; `retry: false` makes one attempt.
   */
  deliver(
    url: string,
    authToken: string,
    body: unknown,
    options: { signature?: string | null; retry?: boolean } = {},
  ): Promise<ViberCallbackDelivery> {
    const raw = typeof body === 'string' ? body : toViberJson(body);
    const signature = options.signature === undefined ? viberSignature(raw, authToken) : options.signature;
    const record: ViberCallbackDelivery = {
      authToken,
      event: eventOf(body),
      raw,
      signature: signature ?? '',
      attempts: [],
      delivered: false,
    };
    this.deliveries.push(record);
    const promise = this.run(url, record, signature, options.retry ?? true);
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise));
    return promise;
  }

  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Stops retrying (at `stop()` of the fake). */
  stop(): void {
    this.stopped = true;
  }

  private async run(url: string, record: ViberCallbackDelivery, signature: string | null, retry: boolean): Promise<ViberCallbackDelivery> {
    const started = Date.now();
    const headers: Record<string, string> = signature === null ? {} : { 'X-Viber-Content-Signature': signature };
    for (;;) {
      const answer = await postViber(url, record.raw, headers, this.policy.timeoutMs);
      const attempt: ViberCallbackAttempt = {
        body: answer.body,
        at: Date.now(),
        ...(answer.status === undefined ? {} : { status: answer.status }),
        ...(answer.error === undefined ? {} : { error: answer.error }),
      };
      record.attempts.push(attempt);
      if (answer.status === 200) {
        record.delivered = true;
        return record;
      }
      if (!retry || this.stopped || Date.now() + this.policy.delayMs - started > this.policy.retryWindowMs) return record;
      await new Promise((resolve) => setTimeout(resolve, this.policy.delayMs));
    }
  }
}

function eventOf(body: unknown): string {
  if (typeof body === 'string') {
    return /"event"\s*:\s*"([a-z_]+)"/.exec(body)?.[1] ?? 'raw';
  }
  if (typeof body !== 'object' || body === null) return 'raw';
  const event = (body as Record<string, unknown>)['event'];
  return typeof event === 'string' ? event : 'raw';
}
