import { ParleyError, SendErrorCodes } from '@parley/contracts';

export type SendErrorCode = (typeof SendErrorCodes)[keyof typeof SendErrorCodes];

/** How long to wait after status 12 (100 unanswered messages per user per hour) before trying again. */
export const VIBER_TOO_MANY_RETRY_MS = 60_000;

/**
 * Maps a Viber status (answered HTTP 200 `{status, status_message}`) to a coded ParleyError:
 *   5 receiverNotRegistered, 6 receiverNotSubscribed, 11 no suitable device → RECIPIENT_BLOCKED (permanent)
 *   12 tooManyRequests → RATE_LIMITED (retryable, after a minute)
 *   2 invalidAuthToken, 7 blocked, 8 not found, 9 suspended → CHANNEL_AUTH_FAILED (permanent: the kit deactivates)
 *   others (1 invalidUrl, 3 badData, 4 missingData, 10 webhookNotSet, 13 …) → MESSENGER_REJECTED with the status.
 */
export function mapViberStatus(status: number, statusMessage: string, method: string): ParleyError<SendErrorCode> {
  const details = { viberStatus: status, viberStatusMessage: statusMessage, method };
  const text = `Viber ${method} failed: ${status} ${statusMessage}`;
  if (status === 5 || status === 6 || status === 11) return new ParleyError(SendErrorCodes.RECIPIENT_BLOCKED, text, { retryable: false, details });
  if (status === 12) return new ParleyError(SendErrorCodes.RATE_LIMITED, text, { retryable: true, retryAfterMs: VIBER_TOO_MANY_RETRY_MS, details });
  if (status === 2 || status === 7 || status === 8 || status === 9) return new ParleyError(SendErrorCodes.CHANNEL_AUTH_FAILED, text, { retryable: false, details });
  return new ParleyError(SendErrorCodes.MESSENGER_REJECTED, text, { retryable: false, details });
}

/** No answer, a timeout, or an HTTP status other than 200. */
export function mapViberTransportFailure(method: string, failure: { httpStatus?: number; networkCode?: string }): ParleyError<SendErrorCode> {
  const details = { method, ...failure };
  const what = failure.httpStatus !== undefined ? `HTTP ${failure.httpStatus}` : (failure.networkCode ?? 'network error');
  const text = `Viber ${method} failed: ${what}`;
  if (failure.httpStatus === 429) return new ParleyError(SendErrorCodes.RATE_LIMITED, text, { retryable: true, retryAfterMs: 1000, details });
  if (failure.httpStatus === undefined || failure.httpStatus >= 500) return new ParleyError(SendErrorCodes.MESSENGER_UNAVAILABLE, text, { retryable: true, details });
  return new ParleyError(SendErrorCodes.MESSENGER_REJECTED, text, { retryable: false, details });
}
