import { ParleyError, SendErrorCodes } from '@parley/contracts';

export type SendErrorCode = (typeof SendErrorCodes)[keyof typeof SendErrorCodes];

/** VK error codes by what Parley does about them (docs/reference messenger-protocols.md §1). */
const RECIPIENT_BLOCKED = new Set([900, 901, 902, 932, 945]);
const RATE_LIMITED = new Set([6, 9, 29]);

/**
 * Maps a VK API error (`{"error":{"error_code","error_msg"}}`) to a coded ParleyError:
 *   901/900/902/932/945 → RECIPIENT_BLOCKED (permanent)      6/9/29 → RATE_LIMITED (retryable)
 *   10 → MESSENGER_UNAVAILABLE (retryable)                    5 → CHANNEL_AUTH_FAILED (permanent)
 *   914 → MESSAGE_TOO_LONG (permanent)                        others → MESSENGER_REJECTED, VK code in details
 * The message never contains the token (VK's `request_params` are not copied).
 */
export function mapVkApiError(vkCode: number, vkMessage: string, method: string): ParleyError<SendErrorCode> {
  const details = { vkErrorCode: vkCode, vkErrorMessage: vkMessage, method };
  const text = `VK ${method} failed: ${vkCode} ${vkMessage}`;
  if (RECIPIENT_BLOCKED.has(vkCode)) return new ParleyError(SendErrorCodes.RECIPIENT_BLOCKED, text, { retryable: false, details });
  if (RATE_LIMITED.has(vkCode)) {
    // 6 is a per-second limit; 9 (flood control) and 29 (daily method limit) need a longer pause.
    return new ParleyError(SendErrorCodes.RATE_LIMITED, text, { retryable: true, retryAfterMs: vkCode === 6 ? 1000 : 60_000, details });
  }
  if (vkCode === 10) return new ParleyError(SendErrorCodes.MESSENGER_UNAVAILABLE, text, { retryable: true, details });
  if (vkCode === 5) return new ParleyError(SendErrorCodes.CHANNEL_AUTH_FAILED, text, { retryable: false, details });
  if (vkCode === 914) return new ParleyError(SendErrorCodes.MESSAGE_TOO_LONG, text, { retryable: false, details });
  return new ParleyError(SendErrorCodes.MESSENGER_REJECTED, text, { retryable: false, details });
}

/** A failure below VK's API: no answer, timeout, or an HTTP status other than 200. */
export function mapVkTransportFailure(method: string, failure: { httpStatus?: number; networkCode?: string }): ParleyError<SendErrorCode> {
  const details = { method, ...failure };
  const what = failure.httpStatus !== undefined ? `HTTP ${failure.httpStatus}` : (failure.networkCode ?? 'network error');
  const text = `VK ${method} failed: ${what}`;
  if (failure.httpStatus === 429) return new ParleyError(SendErrorCodes.RATE_LIMITED, text, { retryable: true, retryAfterMs: 1000, details });
  if (failure.httpStatus === undefined || failure.httpStatus >= 500) {
    return new ParleyError(SendErrorCodes.MESSENGER_UNAVAILABLE, text, { retryable: true, details });
  }
  return new ParleyError(SendErrorCodes.MESSENGER_REJECTED, text, { retryable: false, details });
}
