import type { IncomingMessage, ServerResponse } from 'node:http';

/** The largest webhook body accepted (messenger events are a few KB; a Meta batch of many entries stays far below). */
export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

export interface RequestWithRawBody extends IncomingMessage {
  rawBody?: Buffer;
}

/**
 * Reads a webhook's body as raw bytes, whatever its content type, before Nest's JSON parser (which then skips the
 * finished request). The adapter verifies and parses the exact bytes the messenger sent; an oversized body is answered 413.
 */
export function rawBodyMiddleware(req: RequestWithRawBody, res: ServerResponse, next: (err?: unknown) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let failed = false;
  req.on('data', (chunk: Buffer) => {
    if (failed) return;
    size += chunk.length;
    if (size > MAX_WEBHOOK_BODY_BYTES) {
      failed = true;
      res.statusCode = 413;
      res.setHeader('content-type', 'text/plain');
      res.end('payload too large');
      req.resume();
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (failed) return;
    req.rawBody = Buffer.concat(chunks);
    next();
  });
  req.on('error', (err) => {
    if (!failed) next(err);
  });
}
