import { backoffDelay, defaultBackoff, type BackoffOptions } from './backoff';
import { parseServerFrame, type LiveFrame } from './live-events';
import { createSeqTracker } from './seq-tracker';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** The part of the browser WebSocket the connection uses (a fake in tests). */
export interface SocketLike {
  onopen: ((ev: Event) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
  onclose: ((ev: CloseEvent) => void) | null;
  onerror: ((ev: Event) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface LiveConnectionOptions {
  /** Builds the socket URL; `since` is the last seq applied, absent on a fresh start. */
  url(since: number | undefined): string;
  onFrame(frame: LiveFrame): void;
  onState(state: ConnectionState): void;
  /**
   * Called when what the console holds may be incomplete: the socket opened without `since` (nothing was seen yet,
   * so events before this moment are unknown). The caller reloads its snapshots. A jump in seq is not a reason:
   * console-api numbers frames with the global feed position and skips those the operator may not see.
   */
  onResync(): void;
  createSocket?: (url: string) => SocketLike;
  backoff?: BackoffOptions;
  pingIntervalMs?: number;
}

/**
 * One WebSocket to `/api/live`, kept open: reconnects with backoff and resumes with `since=<last seq>`; frames
 * already applied are dropped by seq.
 */
export class LiveConnection {
  private socket: SocketLike | undefined;
  private readonly seq = createSeqTracker();
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private stopped = false;

  constructor(private readonly options: LiveConnectionOptions) {}

  get lastSeq(): number | undefined {
    return this.seq.last;
  }

  start(): void {
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.pingTimer);
    const socket = this.socket;
    this.socket = undefined;
    if (socket) {
      socket.onclose = null;
      socket.close(1000, 'console closed');
    }
    this.options.onState('closed');
  }

  private open(): void {
    const since = this.seq.last;
    const create = this.options.createSocket ?? ((url: string) => new WebSocket(url));
    this.options.onState(this.attempt === 0 ? 'connecting' : 'reconnecting');
    const socket = create(this.options.url(since));
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.options.onState('open');
      if (since === undefined) this.options.onResync();
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => socket.send(JSON.stringify({ type: 'ping' })), this.options.pingIntervalMs ?? 25_000);
    };
    socket.onmessage = (ev: MessageEvent) => {
      if (typeof ev.data !== 'string') return;
      const parsed = parseServerFrame(ev.data);
      if (parsed.kind !== 'event') return;
      if (this.seq.accept(parsed.frame.seq) === 'duplicate') return;
      this.options.onFrame(parsed.frame);
    };
    socket.onerror = () => {
      // A close event always follows; reconnecting happens there.
    };
    socket.onclose = () => {
      clearInterval(this.pingTimer);
      if (this.socket !== socket) return;
      this.socket = undefined;
      if (this.stopped) return;
      this.options.onState('reconnecting');
      const delay = backoffDelay(this.attempt, this.options.backoff ?? defaultBackoff);
      this.attempt += 1;
      this.reconnectTimer = setTimeout(() => this.open(), delay);
    };
  }
}

/** The live URL for the page's own origin (the Vite dev server proxies it; in production console-api serves it). */
export function liveUrl(origin: { protocol: string; host: string }, token: string, since: number | undefined): string {
  const scheme = origin.protocol === 'https:' ? 'wss:' : 'ws:';
  const params = new URLSearchParams({ access_token: token });
  if (since !== undefined) params.set('since', String(since));
  return `${scheme}//${origin.host}/api/live?${params.toString()}`;
}
