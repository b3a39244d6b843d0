import { createHmac } from 'node:crypto';
import { postRaw } from '../vk/vk-fake.callback-sender';
import type { MetaWebhookAttempt, MetaWebhookDelivery, MetaWebhookRetryPolicy } from './meta-fake.types';

export const defaultWebhookRetryPolicy: MetaWebhookRetryPolicy = { maxRetries: 3, delayMs: 20, timeoutMs: 20_000 };

/** `sha256=<hex HMAC-SHA256 of the raw body keyed with the App Secret>` (X-Hub-Signature-256). */
export function metaSignature(rawBody: string | Buffer, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

/**
 * Posts webhook bodies like Meta: JSON signed with `X-Hub-Signature-256` (and the legacy sha1 `X-Hub-Signature`),
 * retried with the same bytes until an HTTP 200.
 */
export class MetaWebhookSender {
  readonly deliveries: MetaWebhookDelivery[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private policy: MetaWebhookRetryPolicy) {}

  setPolicy(policy: Partial<MetaWebhookRetryPolicy>): void {
    this.policy = { ...this.policy, ...policy };
  }

  deliver(url: string, accountId: string, body: string, appSecret: string, options: { maxRetries?: number; signature?: string } = {}): Promise<MetaWebhookDelivery> {
    const promise = this.run(url, accountId, body, appSecret, options);
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise));
    return promise;
  }

  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async run(url: string, accountId: string, body: string, appSecret: string, options: { maxRetries?: number; signature?: string }): Promise<MetaWebhookDelivery> {
    const record: MetaWebhookDelivery = { accountId, body, attempts: [], delivered: false };
    this.deliveries.push(record);
    const headers = {
      'x-hub-signature-256': options.signature ?? metaSignature(body, appSecret),
      'x-hub-signature': `sha1=${createHmac('sha1', appSecret).update(body).digest('hex')}`,
      'user-agent': 'facebookexternalua',
    };
    const maxRetries = options.maxRetries ?? this.policy.maxRetries;
    for (let attempt = 0; attempt <= maxRetries; attempt++) {
      const answer = await postRaw(url, body, headers, this.policy.timeoutMs);
      const logged: MetaWebhookAttempt = { body: answer.body, at: Date.now(), ...(answer.status === undefined ? {} : { status: answer.status }), ...(answer.error === undefined ? {} : { error: answer.error }) };
      record.attempts.push(logged);
      if (answer.status === 200) {
        record.delivered = true;
        return record;
      }
      if (attempt < maxRetries) await new Promise((resolve) => setTimeout(resolve, this.policy.delayMs));
    }
    return record;
  }
}

/** Meta's verification GET (`hub.mode=subscribe`, `hub.verify_token`, `hub.challenge`): ok when the challenge comes back. */
export async function verifyWebhookAt(webhookUrl: string, verifyToken: string): Promise<{ ok: boolean; status?: number; body: string }> {
  const challenge = String(Math.floor(Math.random() * 2_000_000_000));
  const url = new URL(webhookUrl);
  url.searchParams.set('hub.mode', 'subscribe');
  url.searchParams.set('hub.verify_token', verifyToken);
  url.searchParams.set('hub.challenge', challenge);
  const res = await fetch(url).catch(() => undefined);
  const body = res ? await res.text() : '';
  return { ok: res?.status === 200 && body === challenge, body, ...(res ? { status: res.status } : {}) };
}
