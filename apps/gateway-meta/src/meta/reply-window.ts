import { ParleyError, SendErrorCodes } from '@parley/contracts';
import { DAY_MS } from './meta-capabilities';

export type WindowDecision = { messagingType: 'RESPONSE' } | { messagingType: 'MESSAGE_TAG'; tag: 'HUMAN_AGENT' };

/**
 * Which Send API `messaging_type` a reply may use now, decided before sending: RESPONSE within 24 h of the
 * customer's last message; MESSAGE_TAG HUMAN_AGENT within 7 days when the channel has that permission (operator
 * replies only: the send API carries operator replies); otherwise REPLY_WINDOW_CLOSED with the time it closed.
 * Unknown last message (a conversation from before the gateway kept windows): RESPONSE, Meta decides.
 */
export function decideReplyWindow(now: Date, lastCustomerAt: Date | undefined, humanAgent: boolean): WindowDecision {
  if (!lastCustomerAt) return { messagingType: 'RESPONSE' };
  const age = now.getTime() - lastCustomerAt.getTime();
  if (age <= DAY_MS) return { messagingType: 'RESPONSE' };
  if (humanAgent && age <= 7 * DAY_MS) return { messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' };
  const closedAt = new Date(lastCustomerAt.getTime() + (humanAgent ? 7 * DAY_MS : DAY_MS));
  throw new ParleyError(SendErrorCodes.REPLY_WINDOW_CLOSED, `the reply window closed at ${closedAt.toISOString()} (${humanAgent ? '7 days with HUMAN_AGENT' : '24 h'} after the customer's last message)`, {
    retryable: false,
    details: { reason: 'window-closed', closedAt: closedAt.toISOString(), lastCustomerMessageAt: lastCustomerAt.toISOString(), humanAgent },
  });
}

/** Splits a text into Meta-sized parts: by characters (Messenger) or UTF-8 bytes (Instagram), never inside a code point. */
export function splitText(text: string, max: number, unit: 'chars' | 'bytes'): string[] {
  const parts: string[] = [];
  let current = '';
  let size = 0;
  for (const ch of text) {
    const n = unit === 'chars' ? ch.length : Buffer.byteLength(ch);
    if (size + n > max && current) {
      parts.push(current);
      current = '';
      size = 0;
    }
    current += ch;
    size += n;
  }
  if (current) parts.push(current);
  return parts;
}
