import { ParleyError, SendErrorCodes } from '@parley/contracts';

export type SendErrorCode = (typeof SendErrorCodes)[keyof typeof SendErrorCodes];

/**
 * Maps a Bot API refusal (`{"ok":false,"error_code","description","parameters":{"retry_after"}}`) to a coded
 * ParleyError (messenger-protocols.md §4):
 *   429 → RATE_LIMITED, retryable after `retry_after` s      403 "bot was blocked by the user" → RECIPIENT_BLOCKED
 *   401 / 404 (token revoked) → CHANNEL_AUTH_FAILED           413 / "too long" → MESSAGE_TOO_LONG
 *   5xx → MESSENGER_UNAVAILABLE (retryable)                   others → MESSENGER_REJECTED, code in details
 * Nothing here holds the token (it is in the request URL, which is never copied).
 */
export function mapTgApiError(method: string, errorCode: number, description: string, retryAfterS?: number): ParleyError<SendErrorCode> {
  const details = { method, telegramErrorCode: errorCode, telegramDescription: description };
  const text = `Telegram ${method} failed: ${errorCode} ${description}`;
  if (errorCode === 429) {
    const retryAfterMs = Math.max(1, retryAfterS ?? 1) * 1000;
    return new ParleyError(SendErrorCodes.RATE_LIMITED, text, { retryable: true, retryAfterMs, details: { ...details, retryAfterMs } });
  }
  if (errorCode === 403 && /blocked by the user|user is deactivated/i.test(description)) {
    return new ParleyError(SendErrorCodes.RECIPIENT_BLOCKED, text, { retryable: false, details });
  }
  // A revoked token answers 401 Unauthorized (and 404 Not Found for every method on the real API).
  if (errorCode === 401 || (errorCode === 404 && /not found/i.test(description) && method !== 'getFile')) {
    return new ParleyError(SendErrorCodes.CHANNEL_AUTH_FAILED, text, { retryable: false, details });
  }
  if (errorCode === 413 || /too long|too big/i.test(description)) return new ParleyError(SendErrorCodes.MESSAGE_TOO_LONG, text, { retryable: false, details });
  if (errorCode >= 500) return new ParleyError(SendErrorCodes.MESSENGER_UNAVAILABLE, text, { retryable: true, details });
  return new ParleyError(SendErrorCodes.MESSENGER_REJECTED, text, { retryable: false, details });
}

/** No Bot API answer: network failure, timeout, or a body that is not the API's. */
export function tgTransportFailure(method: string, what: string): ParleyError<SendErrorCode> {
  return new ParleyError(SendErrorCodes.MESSENGER_UNAVAILABLE, `Telegram ${method} failed: ${what}`, { retryable: true, details: { method, failure: what } });
}
