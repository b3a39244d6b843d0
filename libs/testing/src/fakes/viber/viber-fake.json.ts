import { createHmac } from 'node:crypto';

/** Viber's status codes (messenger-protocols.md §2) with the `status_message` the fake answers. */
export const ViberStatus = {
  0: 'ok',
  1: 'invalidUrl',
  2: 'invalidAuthToken',
  3: 'badData',
  4: 'missingData',
  5: 'receiverNotRegistered',
  6: 'receiverNotSubscribed',
  7: 'publicAccountBlocked',
  8: 'publicAccountNotFound',
  9: 'publicAccountSuspended',
  10: 'webhookNotSet',
  11: 'receiverNoSuitableDevice',
  12: 'tooManyRequests',
  13: 'apiVersionNotSupported',
} as const satisfies Record<number, string>;

/** A refusal inside a method: answered HTTP 200 `{status, status_message}`. */
export class ViberStatusError extends Error {
  constructor(
    readonly status: number,
    message?: string,
  ) {
    super(message ?? (ViberStatus as Record<number, string>)[status] ?? 'error');
  }
}

const BIGINT_MARK = '\u0000bigint:';

/**
 * JSON with bigints written as raw integers, as Viber writes `message_token` (values above 2^53 that a plain
 * `JSON.parse` rounds). Everything else is JSON.stringify.
 */
export function toViberJson(value: unknown): string {
  const json = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${BIGINT_MARK}${v.toString()}` : v));
  return json.replace(/"\\u0000bigint:(-?\d+)"/g, '$1');
}

/** `X-Viber-Content-Signature`: lowercase hex HMAC-SHA256 of the raw body keyed with the auth token. */
export function viberSignature(raw: string | Buffer, authToken: string): string {
  return createHmac('sha256', authToken).update(raw).digest('hex');
}
