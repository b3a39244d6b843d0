import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** What a media link names: one attachment, until a time. */
export interface MediaLinkClaim {
  attachmentId: string;
  /** Unix seconds after which the link answers 404. */
  expires: number;
}

const ID = /^[A-Za-z0-9-]{1,64}$/;
export const MEDIA_LINK_PREFIX = '/media/viber';

/**
 * Signed, expiring links to outbound attachments, for Viber to download (send_message takes media by URL):
 * `<public base>/media/viber/<attachmentId>/<expires>/<signature>/<file name>`. The signature is an HMAC-SHA256 of
 * the attachment id and the expiry with a key derived (HKDF) from PARLEY_SECRET_KEY for this purpose only, so a link
 * cannot be altered to reach another attachment or to live longer; the file name is only there because Viber wants
 * the media URL to end in the file's extension, and is not signed.
 */
export class MediaLinkSigner {
  private readonly key: Buffer;

  constructor(
    secretKeyBase64: string,
    private readonly publicBaseUrl: string,
    private readonly ttlSeconds: number,
  ) {
    this.key = Buffer.from(hkdfSync('sha256', Buffer.from(secretKeyBase64, 'base64'), Buffer.alloc(0), 'parley gateway-viber media links', 32));
  }

  /** A link to the attachment valid for the configured time from `now`. */
  link(attachmentId: string, fileName: string, now = Date.now()): string {
    if (!ID.test(attachmentId)) throw new Error('not an attachment id');
    const expires = Math.floor(now / 1000) + this.ttlSeconds;
    const base = this.publicBaseUrl.replace(/\/+$/, '');
    return `${base}${MEDIA_LINK_PREFIX}/${attachmentId}/${expires}/${this.sign(attachmentId, expires)}/${encodeURIComponent(safeName(fileName))}`;
  }

  /** The claim of a link's path parts when the signature is right and it has not expired; otherwise undefined. */
  verify(attachmentId: string, expires: string, signature: string, now = Date.now()): MediaLinkClaim | undefined {
    if (!ID.test(attachmentId) || !/^\d{1,12}$/.test(expires)) return undefined;
    const at = Number(expires);
    if (at * 1000 <= now) return undefined;
    const expected = Buffer.from(this.sign(attachmentId, at));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    return { attachmentId, expires: at };
  }

  private sign(attachmentId: string, expires: number): string {
    return createHmac('sha256', this.key).update(`${attachmentId}\n${expires}`).digest('base64url');
  }
}

/** A file name safe in a URL path segment (its extension kept: Viber checks it for pictures). */
function safeName(name: string): string {
  const cleaned = name.replace(/[^\w.-]+/g, '_').replace(/^\.+/, '');
  return cleaned === '' ? 'file' : cleaned.slice(-100);
}
