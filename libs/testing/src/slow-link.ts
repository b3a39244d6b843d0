import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** A TCP hop that holds every client → server chunk for `delayMs` (order kept); replies pass at once. */
export interface SlowLink {
  /** `nats://127.0.0.1:<port>` style address of the proxy's listening side. */
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Starts a proxy to `127.0.0.1:targetPort` that delays what clients send by `delayMs`. It models a client whose
 * bytes reach the server late (a busy machine, a far network), which is what makes subscribe-then-request races
 * visible deterministically: a connection through it has not registered a subscription until the server says so.
 */
export async function startSlowLink(targetPort: number, delayMs: number): Promise<SlowLink> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    sockets.add(client).add(upstream);
    const forget = (s: Socket) => () => sockets.delete(s);
    client.on('close', forget(client));
    upstream.on('close', forget(upstream));
    client.on('data', (chunk) => {
      setTimeout(() => upstream.write(chunk), delayMs);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('slow link has no port');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
