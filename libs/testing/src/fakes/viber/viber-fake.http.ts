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
