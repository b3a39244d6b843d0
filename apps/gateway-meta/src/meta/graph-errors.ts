import { GatewayErrorCodes, ParleyError, SendErrorCodes } from '@parley/contracts';
import { GraphError } from './graph-api.client';

/** Graph codes that mean "slow down" (613 calls over the rate, 4/17/32 app/user/page request limits). */
const RATE_CODES = new Set([4, 17, 32, 613]);

/** The out-of-window refusal: code 10, subcode 2018278. */
export function isOutOfWindow(err: GraphError): boolean {
  return err.code === 10 && err.subcode === 2018278;
}

/** A Graph refusal of a send as Parley's send error (permanent or retryable); other errors pass through. */
export function toSendError(err: unknown): unknown {
  if (!(err instanceof GraphError)) return err;
  const details = { graphCode: err.code, ...(err.subcode === undefined ? {} : { graphSubcode: err.subcode }) };
  if (isOutOfWindow(err)) {
    return new ParleyError(SendErrorCodes.REPLY_WINDOW_CLOSED, `Meta refused the reply: outside the allowed window (${err.message})`, {
      retryable: false,
      details: { ...details, reason: 'meta-refused' },
    });
  }
  if (err.code === 551) return new ParleyError(SendErrorCodes.RECIPIENT_BLOCKED, `Meta: ${err.message}`, { retryable: false, details });
  if (RATE_CODES.has(err.code)) return new ParleyError(SendErrorCodes.RATE_LIMITED, `Meta rate limit (${err.code})`, { retryable: true, retryAfterMs: 60_000, details });
  if (err.code === 190) return new ParleyError(SendErrorCodes.CHANNEL_AUTH_FAILED, `Meta refused the token: ${err.message}`, { retryable: false, details });
  if (err.code === 1 || err.code === 2 || err.status >= 500) return new ParleyError(SendErrorCodes.MESSENGER_UNAVAILABLE, `Meta: ${err.message}`, { retryable: true, details });
  return new ParleyError(SendErrorCodes.MESSENGER_REJECTED, `Meta refused: ${err.message}`, { retryable: false, details });
}

/** A refusal while checking credentials or subscribing: a Graph refusal is permanent (422), the rest as is. */
export function toCheckError(err: unknown, what: string): unknown {
  if (!(err instanceof GraphError)) return err;
  if (err.code === 1 || err.code === 2 || err.status >= 500 || RATE_CODES.has(err.code)) {
    return new ParleyError(SendErrorCodes.MESSENGER_UNAVAILABLE, `Meta could not ${what}: ${err.message}`, { retryable: true });
  }
  return new ParleyError(GatewayErrorCodes.CHANNEL_CHECK_FAILED, `Meta refused to ${what}: ${err.message}`, {
    retryable: false,
    details: { graphCode: err.code, ...(err.subcode === undefined ? {} : { graphSubcode: err.subcode }) },
  });
}
