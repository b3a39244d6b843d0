import { LiveConnection, liveUrl, type ConnectionState, type SocketLike } from './live-connection';
import { parseServerFrame, type LiveFrame } from './live-events';

class FakeSocket implements SocketLike {
  onopen: ((ev: Event) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onclose: ((ev: CloseEvent) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;
  sent: string[] = [];
  closed = false;
  constructor(readonly url: string) {}
  send(data: string): void {
    this.sent.push(data);
  }
  close(): void {
    this.closed = true;
  }
  serverOpens(): void {
    this.onopen?.({} as Event);
  }
  serverSends(value: unknown): void {
    this.onmessage?.({ data: JSON.stringify(value) } as MessageEvent);
  }
  serverCloses(): void {
    this.onclose?.({} as CloseEvent);
  }
}

const closedFrame = (seq: number) => ({
  seq,
  type: 'ConversationClosed',
  occurredAt: '2025-01-01T10:00:00.000Z',
  conversationId: 'c1',
  lineId: 'l1',
  data: { conversationId: 'c1' },
});

function setup() {
  const sockets: FakeSocket[] = [];
  const frames: LiveFrame[] = [];
  const states: ConnectionState[] = [];
  let resyncs = 0;
  const connection = new LiveConnection({
    url: (since) => liveUrl({ protocol: 'http:', host: 'console.test' }, 'tok en', since),
    onFrame: (f) => frames.push(f),
    onState: (s) => states.push(s),
    onResync: () => {
      resyncs += 1;
    },
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    backoff: { initialMs: 100, maxMs: 1000, jitter: 0 },
    pingIntervalMs: 1000,
  });
  return { connection, sockets, frames, states, resyncs: () => resyncs };
}

describe('live connection', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('resumes after a drop with since=<last seq>, dropping frames it already applied', () => {
    const t = setup();
    t.connection.start();
    const first = t.sockets[0] as FakeSocket;
    expect(first.url).toBe('ws://console.test/api/live?access_token=tok+en');
    first.serverOpens();
    expect(t.resyncs()).toBe(1);
    first.serverSends(closedFrame(7));
    first.serverSends(closedFrame(8));
    first.serverCloses();
    expect(t.states.at(-1)).toBe('reconnecting');

    jest.advanceTimersByTime(100);
    const second = t.sockets[1] as FakeSocket;
    expect(second.url).toBe('ws://console.test/api/live?access_token=tok+en&since=8');
    second.serverOpens();
    second.serverSends(closedFrame(8));
    second.serverSends(closedFrame(9));
    expect(t.frames.map((f) => f.seq)).toEqual([7, 8, 9]);
    expect(t.resyncs()).toBe(1);
    expect(t.states.at(-1)).toBe('open');
    t.connection.stop();
  });

  it('backs off more on every failed attempt and resets once connected', () => {
    const t = setup();
    t.connection.start();
    (t.sockets[0] as FakeSocket).serverCloses();
    jest.advanceTimersByTime(99);
    expect(t.sockets).toHaveLength(1);
    jest.advanceTimersByTime(1);
    (t.sockets[1] as FakeSocket).serverCloses();
    jest.advanceTimersByTime(199);
    expect(t.sockets).toHaveLength(2);
    jest.advanceTimersByTime(1);
    expect(t.sockets).toHaveLength(3);
    (t.sockets[2] as FakeSocket).serverOpens();
    (t.sockets[2] as FakeSocket).serverCloses();
    jest.advanceTimersByTime(100);
    expect(t.sockets).toHaveLength(4);
    t.connection.stop();
  });

  it('accepts seq jumps (frames of other lines are skipped) without a resync, pings, and stops for good', () => {
    const t = setup();
    t.connection.start();
    const socket = t.sockets[0] as FakeSocket;
    socket.serverOpens();
    socket.serverSends(closedFrame(1));
    socket.serverSends(closedFrame(5));
    expect(t.frames.map((f) => f.seq)).toEqual([1, 5]);
    expect(t.resyncs()).toBe(1);
    jest.advanceTimersByTime(1000);
    expect(socket.sent).toEqual(['{"type":"ping"}']);
    socket.serverSends({ type: 'pong' });
    t.connection.stop();
    expect(socket.closed).toBe(true);
    expect(t.states.at(-1)).toBe('closed');
    jest.advanceTimersByTime(10_000);
    expect(t.sockets).toHaveLength(1);
  });
});

describe('parseServerFrame', () => {
  it('accepts known events and ignores the rest', () => {
    expect(parseServerFrame(JSON.stringify(closedFrame(1))).kind).toBe('event');
    expect(parseServerFrame('{"type":"pong"}').kind).toBe('pong');
    expect(parseServerFrame('not json').kind).toBe('ignored');
    expect(parseServerFrame(JSON.stringify({ ...closedFrame(1), type: 'SomethingNew' })).kind).toBe('ignored');
    expect(parseServerFrame(JSON.stringify({ ...closedFrame(1), seq: 'x' })).kind).toBe('ignored');
  });

  it('takes conversationId from the frame when data lacks it', () => {
    const parsed = parseServerFrame(JSON.stringify({ ...closedFrame(1), data: {} }));
    expect(parsed.kind === 'event' && parsed.frame.type === 'ConversationClosed' && parsed.frame.data.conversationId).toBe('c1');
  });
});
