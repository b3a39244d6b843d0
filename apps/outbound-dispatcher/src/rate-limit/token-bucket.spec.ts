import { TokenBucket } from './token-bucket';
import { RateLimiter } from './rate-limiter';
import { resolveCapabilities, sendCost, DEFAULT_CAPABILITIES } from './channel-capabilities';

/** Reserves `count` sends of cost 1 as a sender would (waiting as told) and returns their start times. */
function schedule(bucket: TokenBucket, count: number, cost = 1, start = 0): number[] {
  const times: number[] = [];
  let now = start;
  for (let i = 0; i < count; i++) {
    const wait = bucket.reserve(cost, now);
    times.push(now + wait);
    now += wait; // the sender waited, then asks for the next slot
  }
  return times;
}

function maxInWindow(times: number[], windowMs: number): number {
  let max = 0;
  for (let i = 0; i < times.length; i++) {
    const t = times[i] as number;
    const inWindow = times.filter((x) => x >= t && x < t + windowMs).length;
    max = Math.max(max, inWindow);
  }
  return max;
}

describe('TokenBucket', () => {
  it('starts full and lets a burst go at once', () => {
    const bucket = new TokenBucket(10, 5, 0);
    expect([0, 1, 2, 3, 4].map(() => bucket.reserve(1, 0))).toEqual([0, 0, 0, 0, 0]);
    expect(bucket.reserve(1, 0)).toBeCloseTo(100);
  });

  it('queues reservations made at the same instant in order, evenly spaced', () => {
    const bucket = new TokenBucket(20, 1, 0);
    const waits = Array.from({ length: 5 }, () => bucket.reserve(1, 0));
    expect(waits.map((w) => Math.round(w))).toEqual([0, 50, 100, 150, 200]);
  });

  it('never spends more than rate per second in any 1-second window with burst 1', () => {
    const bucket = new TokenBucket(19.4, 1, 0);
    const times = schedule(bucket, 200);
    expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(20);
    // and uses the budget: 200 sends in about 200 / 19.4 s
    expect(times[199]).toBeLessThan((200 / 19.4) * 1000);
  });

  it('refills with time but not beyond capacity', () => {
    const bucket = new TokenBucket(10, 3, 0);
    schedule(bucket, 3);
    expect(bucket.available(0)).toBeCloseTo(0);
    expect(bucket.available(100)).toBeCloseTo(1);
    expect(bucket.available(10_000)).toBe(3);
    expect(bucket.isIdle(10_000)).toBe(true);
  });

  it('charges a costly send in full: later sends wait for the debt', () => {
    const bucket = new TokenBucket(20, 1, 0);
    expect(bucket.reserve(4, 0)).toBe(0); // 1 + 3 calls (VK photo upload)
    expect(Math.round(bucket.reserve(1, 0))).toBe(200);
  });

  it('pauses until a retry-after and then refills from empty', () => {
    const bucket = new TokenBucket(10, 5, 0);
    bucket.pauseUntil(1_000, 0);
    expect(bucket.available(500)).toBeLessThanOrEqual(0);
    expect(bucket.msUntilAvailable(500)).toBeCloseTo(600);
    expect(bucket.reserve(1, 500)).toBeCloseTo(600);
  });

  it('rejects nonsense parameters', () => {
    expect(() => new TokenBucket(0, 1, 0)).toThrow();
    expect(() => new TokenBucket(1, 0, 0)).toThrow();
    expect(() => new TokenBucket(1, 1, 0).reserve(0, 0)).toThrow();
  });
});

describe('RateLimiter', () => {
  const capabilities = resolveCapabilities();
  const vk = { channelType: 'vk' as const, externalChatId: '42', attachmentCount: 0 };

  it('keeps channels independent', () => {
    const limiter = new RateLimiter(capabilities);
    expect(limiter.reserve({ ...vk, channelId: 'a' }, 0)).toBe(0);
    expect(limiter.reserve({ ...vk, channelId: 'a' }, 0)).toBeGreaterThan(0);
    expect(limiter.reserve({ ...vk, channelId: 'b' }, 0)).toBe(0);
  });

  it('limits a Telegram chat to about 1 per second besides the bot limit', () => {
    const limiter = new RateLimiter(capabilities);
    const tg = { channelId: 'bot', channelType: 'telegram' as const, attachmentCount: 0 };
    expect(limiter.reserve({ ...tg, externalChatId: '1' }, 0)).toBe(0);
    expect(limiter.reserve({ ...tg, externalChatId: '1' }, 0)).toBeGreaterThan(1_000);
    expect(limiter.reserve({ ...tg, externalChatId: '2' }, 0)).toBeLessThan(100);
  });

  it('reports allowances of busy channels and forgets idle ones', () => {
    const limiter = new RateLimiter(capabilities);
    limiter.reserve({ ...vk, channelId: 'a' }, 0);
    expect(limiter.allowances(0)).toEqual({ a: 0 });
    expect(limiter.nextRefillInMs(0)).toBeGreaterThan(0);
    limiter.prune(10_000);
    expect(limiter.allowances(10_000)).toEqual({});
    expect(limiter.burstsByType()['vk']).toBe(1);
  });

  it('counts VK attachments as extra calls and scales rates by the replica share', () => {
    expect(sendCost(DEFAULT_CAPABILITIES.vk, 2)).toBe(7);
    expect(sendCost(DEFAULT_CAPABILITIES.telegram, 2)).toBe(1);
    const half = resolveCapabilities({ vk: { perChannel: { ratePerSec: 10, burst: 2 } } }, 0.5);
    expect(half.vk.perChannel).toEqual({ ratePerSec: 5, burst: 2 });
    expect(() => resolveCapabilities({}, 0)).toThrow();
  });
});
