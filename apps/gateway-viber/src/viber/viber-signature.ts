import { createHmac, timingSafeEqual } from 'node:crypto';

/** `X-Viber-Content-Signature`: lowercase hex HMAC-SHA256 of the raw body keyed with the bot's auth token. */
export function viberSignatureMatches(rawBody: Buffer, header: string | undefined, authToken: string): boolean {
  if (header === undefined || !/^[0-9a-fA-F]{64}$/.test(header.trim())) return false;
  const expected = createHmac('sha256', authToken).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(header.trim(), 'hex'));
}
