import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { waitFor } from '@parley/testing';
import { LiveSocket, type LiveFrame } from './system-client';

/** An unmasked server → client text frame. */
function textFrame(payload: string): Buffer {
  const body = Buffer.from(payload, 'utf8');
  if (body.length < 126) return Buffer.concat([Buffer.from([0x81, body.length]), body]);
  const header = Buffer.alloc(4);
  header[0] = 0x81;
  header[1] = 126;
  header.writeUInt16BE(body.length, 2);
  return Buffer.concat([header, body]);
}

/**
 * A console-api stand-in that answers the upgrade and sends `frames` in the SAME write as the 101 response: the
 * client reads them as the upgrade's `head`, as it does when a busy client reads a `since=` replay late.
 */
function serverSendingWithHandshake(frames: LiveFrame[], sockets: Duplex[]): Server {
  const server = createServer((_req, res) => res.writeHead(404).end());
  server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    sockets.push(socket);
    const key = String(req.headers['sec-websocket-key']);
    const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    const handshake = `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`;
    socket.write(Buffer.concat([Buffer.from(handshake), ...frames.map((f) => textFrame(JSON.stringify(f)))]));
  });
  return server;
}

describe('LiveSocket (the bench and chaos operator socket)', () => {
  let server: Server | undefined;
  const sockets: Duplex[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  it('hands a listener the frames that arrived together with the handshake (record: false)', async () => {
    const frames: LiveFrame[] = Array.from({ length: 20 }, (_, i) => ({
      seq: i + 1,
      type: 'MessageAppended',
      conversationId: '01a2352d-2e02-718f-83a5-1e93b4c1b303',
      data: { text: `ci-test-${i}` },
    }));
    server = serverSendingWithHandshake(frames, sockets);
    const s = server;
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    const { port } = s.address() as AddressInfo;

    const socket = await LiveSocket.open(`http://127.0.0.1:${port}`, 'token', { record: false, since: 0 });
    const seen: number[] = [];
    socket.onFrame((frame) => seen.push(frame.seq));
    try {
      await waitFor(() => seen.length === frames.length, { what: `all ${frames.length} frames at the listener (got ${seen.length})`, timeoutMs: 5_000 });
      expect(seen).toEqual(frames.map((f) => f.seq));
    } finally {
      for (const raw of sockets.splice(0)) raw.destroy();
      await socket.closed();
    }
  });
});
