import type { IncomingMessage } from 'node:http';

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Downloads a send_message `media` URL as Viber does before delivering it; undefined when that fails. */
export async function fetchMedia(url: string): Promise<{ bytes: Buffer; mime: string } | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    if (res.status !== 200) return undefined;
    return { bytes: Buffer.from(await res.arrayBuffer()), mime: (res.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '' };
  } catch {
    return undefined;
  }
}
