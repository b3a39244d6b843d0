import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Handles one request; `undefined` when the fake is not built yet (the request is then answered 503). */
export type FakeRequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | undefined;

const plainError = (res: ServerResponse, err: unknown): void => {
  if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
  res.end(err instanceof Error ? err.message : 'internal error');
};

/**
 * The HTTP server of a messenger fake on 127.0.0.1 (`port` 0: any free one), short keep-alive. A handler that
 * throws answers 500 (`onError` writes the fake's own error body; plain text with the message by default).
 */
export async function listenFakeHttp(
  port: number,
  handle: FakeRequestHandler,
  onError: (res: ServerResponse, err: unknown) => void = plainError,
): Promise<{ server: Server; baseUrl: string }> {
  const server = createServer((req, res) => {
    const handled = handle(req, res);
    if (!handled) return void res.writeHead(503).end();
    handled.catch((err: unknown) => onError(res, err));
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return { server, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Closes the server, cutting the connections kept alive. */
export function closeFakeHttp(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** The whole body of a request. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
