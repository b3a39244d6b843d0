import { ParleyError, SendErrorCodes } from '@parley/contracts';

const MAX_REDIRECTS = 5;

/** Is `host` one of `allowed` (an exact name, or a `.suffix` matching the name and its subdomains)? */
export function hostAllowed(host: string, allowed: readonly string[]): boolean {
  const h = host.toLowerCase();
  return allowed.some((a) => {
    const rule = a.toLowerCase();
    return rule.startsWith('.') ? h === rule.slice(1) || h.endsWith(rule) : h === rule;
  });
}

/**
 * Downloads inbound media: https only, from the messenger's own hosts (the capability table's `mediaHosts`) or
 * from the API base (which may be http in sandboxes and tests), following redirects only to allowed hosts,
 * refusing more than `maxBytes`. Errors are ParleyErrors: too big / refused / not allowed → not retryable (the
 * file is left out), network / 5xx / 429 → retryable (the webhook answers 503 and the messenger retries).
 * The URL is never put into an error or a log (Telegram's file URLs hold the bot token).
 */
export class MediaDownloader {
  private readonly apiOrigin: URL;

  constructor(
    private readonly mediaHosts: readonly string[],
    apiBaseUrl: string,
    private readonly timeoutMs = 60_000,
  ) {
    this.apiOrigin = new URL(apiBaseUrl);
  }

  async download(url: string, maxBytes: number, source: string): Promise<{ bytes: Buffer; mime: string | undefined }> {
    let target = this.allowed(url, source);
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      let res: Response;
      try {
        res = await fetch(target, { redirect: 'manual', signal: AbortSignal.timeout(this.timeoutMs) });
      } catch (err: unknown) {
        const code = err instanceof Error ? err.name : 'network';
        throw new ParleyError(SendErrorCodes.MESSENGER_UNAVAILABLE, `media ${source}: download failed (${code})`, { retryable: true, details: { source } });
      }
      if (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
        await res.body?.cancel();
        target = this.allowed(new URL(res.headers.get('location') as string, target).toString(), source);
        continue;
      }
      if (res.status !== 200) {
        await res.body?.cancel();
        const retryable = res.status >= 500 || res.status === 429;
        throw new ParleyError(retryable ? SendErrorCodes.MESSENGER_UNAVAILABLE : SendErrorCodes.MESSENGER_REJECTED, `media ${source}: HTTP ${res.status}`, {
          retryable,
          details: { source, httpStatus: res.status },
        });
      }
      const declared = Number(res.headers.get('content-length') ?? NaN);
      if (Number.isFinite(declared) && declared > maxBytes) {
        await res.body?.cancel();
        throw tooBig(source, maxBytes);
      }
      const bytes = await readCapped(res, maxBytes, source);
      const type = res.headers.get('content-type');
      return { bytes, mime: type ? type.split(';')[0]?.trim() : undefined };
    }
    throw new ParleyError(SendErrorCodes.MESSENGER_REJECTED, `media ${source}: too many redirects`, { retryable: false, details: { source } });
  }

  private allowed(url: string, source: string): URL {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ParleyError(SendErrorCodes.MESSENGER_REJECTED, `media ${source}: not a URL`, { retryable: false, details: { source } });
    }
    const api = parsed.host === this.apiOrigin.host && parsed.protocol === this.apiOrigin.protocol;
    if (!api && !(parsed.protocol === 'https:' && hostAllowed(parsed.hostname, this.mediaHosts))) {
      throw new ParleyError(SendErrorCodes.MESSENGER_REJECTED, `media ${source}: host ${parsed.hostname} is not one of the messenger's`, {
        retryable: false,
        details: { source, host: parsed.hostname },
      });
    }
    return parsed;
  }
}

async function readCapped(res: Response, maxBytes: number, source: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  if (!res.body) return Buffer.alloc(0);
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > maxBytes) {
        await res.body.cancel().catch(() => undefined);
        throw tooBig(source, maxBytes);
      }
      chunks.push(Buffer.from(chunk));
    }
  } catch (err: unknown) {
    if (err instanceof ParleyError) throw err;
    throw new ParleyError(SendErrorCodes.MESSENGER_UNAVAILABLE, `media ${source}: download interrupted`, { retryable: true, details: { source } });
  }
  return Buffer.concat(chunks);
}

function tooBig(source: string, maxBytes: number): ParleyError {
  return new ParleyError(SendErrorCodes.MESSAGE_TOO_LONG, `media ${source}: over the ${maxBytes} byte cap`, { retryable: false, details: { source, maxBytes } });
}
