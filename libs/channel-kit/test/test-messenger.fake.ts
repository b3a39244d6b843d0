import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeMessage {
  token: string;
  user: string;
  text: string;
  date: number;
}

/**
 * A tiny messenger API for the kit's own tests (not a real messenger): `/me` checks a token, `/set_webhook`
 * records the URL, `/send` answers a message token or the failure queued with `failNext`, `/history` lists
 * messages, `/media/*` serves bytes. Every call is recorded.
 */
export class TestMessengerFake {
  readonly calls: Array<{ path: string; body: Record<string, unknown> }> = [];
  readonly tokens = new Map<string, string>();
  readonly media = new Map<string, Buffer>();
  history: FakeMessage[] = [];
  webhookUrl: string | undefined;
  refuseWebhook = false;
  private failures: number[] = [];
  private sent = 0;

  private constructor(private readonly server: Server) {}

  static async start(): Promise<TestMessengerFake> {
    const holder: { fake?: TestMessengerFake } = {};
    const server = createServer((req, res) => void holder.fake?.handle(req, res));
    const fake = new TestMessengerFake(server);
    holder.fake = fake;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The next `/send` calls answer these HTTP statuses (500: unavailable, 401: token revoked). */
  failNext(...statuses: number[]): void {
    this.failures.push(...statuses);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    this.calls.push({ path, body });
    const account = this.tokens.get(String(req.headers['x-token'] ?? ''));
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (path.startsWith('/media/')) {
      const bytes = this.media.get(path);
      if (!bytes) return json(404, {});
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(bytes.length) });
      res.end(bytes);
      return;
    }
    if (!account) return json(401, { error: 'bad token' });
    if (path === '/me') return json(200, { id: account });
    if (path === '/set_webhook') {
      if (this.refuseWebhook) return json(400, { error: 'url refused' });
      this.webhookUrl = String(body['url'] ?? '') || undefined;
      return json(200, {});
    }
    if (path === '/send') {
      const failure = this.failures.shift();
      if (failure !== undefined) return json(failure, { error: `failure ${failure}` });
      this.sent += 1;
      return json(200, { message_token: `m${this.sent}` });
    }
    if (path === '/history') return json(200, { messages: this.history });
    return json(404, {});
  }
}
