import WebSocket from 'ws';

/** One HTTP answer of console-api: status and parsed JSON (or raw bytes for non-JSON bodies). */
export interface ApiAnswer<T> {
  status: number;
  body: T;
  headers: Headers;
}

export interface ApiErrorBody {
  error: { code: string; message: string };
}

/** A small typed client of console-api over real HTTP, for the system test. */
export class ConsoleApiClient {
  constructor(
    readonly baseUrl: string,
    readonly token?: string,
  ) {}

  withToken(token: string): ConsoleApiClient {
    return new ConsoleApiClient(this.baseUrl, token);
  }

  /** `timeoutMs`: abort the request (it then rejects) when no answer came in time. */
  async request<T>(method: string, path: string, body?: unknown, options: { timeoutMs?: number } = {}): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = {};
    if (this.token) headers['authorization'] = `Bearer ${this.token}`;
    let payload: string | FormData | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(payload === undefined ? {} : { body: payload }),
      ...(options.timeoutMs === undefined ? {} : { signal: AbortSignal.timeout(options.timeoutMs) }),
    });
    const type = res.headers.get('content-type') ?? '';
    const parsed: unknown = type.includes('application/json') ? await res.json() : Buffer.from(await res.arrayBuffer());
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T>(path: string): Promise<ApiAnswer<T>> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body?: unknown): Promise<ApiAnswer<T>> {
    return this.request<T>('POST', path, body ?? {});
  }

  /** Like `request`, but fails with the answer when the status is not the expected one. */
  async expect<T>(status: number, method: string, path: string, body?: unknown): Promise<T> {
    const answer = await this.request<T>(method, path, body);
    if (answer.status !== status) {
      const shown = Buffer.isBuffer(answer.body) ? answer.body.toString('utf8').slice(0, 300) : JSON.stringify(answer.body);
      throw new Error(`${method} ${path} → ${answer.status} (expected ${status}): ${shown}`);
    }
    return answer.body;
  }

  async login(email: string, password: string): Promise<ConsoleApiClient> {
    const body = await this.expect<{ accessToken: string }>(200, 'POST', '/api/auth/login', { email, password });
    return this.withToken(body.accessToken);
  }
}

export interface LiveFrame {
  seq: number;
  type: string;
  conversationId?: string;
  lineId?: string;
  data: Record<string, unknown>;
}

/** The live WebSocket of one operator, recording every frame it receives. */
export class LiveSocket {
  /** Every frame received, oldest first (empty when opened with `record: false`). */
  readonly frames: LiveFrame[] = [];
  private readonly listeners: Array<(frame: LiveFrame) => void> = [];
  /**
   * Frames that came before the first `onFrame` listener. Frames read in the same chunk as the 101 answer (a
   * `since=` replay a busy client reads late) are emitted before `open()` resolves, so before anyone could listen;
   * dropping them lost a whole read (~60 frames) of the chaos operator's socket per reconnect.
   */
  private early: LiveFrame[] | undefined = [];

  private constructor(
    private readonly ws: WebSocket,
    record: boolean,
  ) {
    // An error after the socket opened (the server was killed) is followed by 'close'; without a listener it would throw.
    ws.on('error', () => undefined);
    ws.on('message', (raw: WebSocket.RawData) => {
      const frame = JSON.parse(raw.toString()) as LiveFrame;
      if (typeof frame.seq !== 'number') return;
      if (record) this.frames.push(frame);
      if (this.early) this.early.push(frame);
      else for (const listener of this.listeners) listener(frame);
    });
  }

  /**
   * Opens the live socket of the operator whose token is given. `record: false` keeps no frames (long load runs
   * listen with `onFrame` instead). `since`: the last seq seen before a reconnect (the server replays what came
   * after it).
   */
  static open(baseUrl: string, token: string, options: { record?: boolean; since?: number } = {}): Promise<LiveSocket> {
    const since = options.since === undefined ? '' : `&since=${options.since}`;
    const url = `${baseUrl.replace(/^http/, 'ws')}/api/live?access_token=${encodeURIComponent(token)}${since}`;
    const ws = new WebSocket(url);
    const socket = new LiveSocket(ws, options.record ?? true);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(socket));
      ws.once('error', reject);
    });
  }

  /**
   * Calls `listener` with every frame as it arrives; the first listener also gets, at once, the frames that
   * arrived before it was registered (none is lost between `open()` and `onFrame()`).
   */
  onFrame(listener: (frame: LiveFrame) => void): void {
    this.listeners.push(listener);
    const early = this.early;
    if (!early) return;
    this.early = undefined;
    for (const frame of early) listener(frame);
  }

  /** Resolves when the socket closes (the server went away, or `close()`). */
  closed(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => this.ws.once('close', () => resolve()));
  }

  of(conversationId: string, type?: string): LiveFrame[] {
    return this.frames.filter((f) => f.conversationId === conversationId && (type === undefined || f.type === type));
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}
