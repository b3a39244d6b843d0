import { TgRateLimiter } from './telegram-fake.faults';

describe('TgRateLimiter (Telegram send limits)', () => {
  it('admits 1 send per chat per second, refuses the next with retry_after 1 until the window moves on', () => {
    const limiter = new TgRateLimiter();
    limiter.configure({});
    expect(limiter.check('t', 1, 10_000)).toBeUndefined();
    expect(limiter.check('t', 1, 10_400)).toEqual({ kind: 'chat', retryAfter: 1, refuse: true });
    expect(limiter.check('t', 2, 10_400)).toBeUndefined();
    expect(limiter.check('t', 1, 11_000)).toBeUndefined();
    expect(limiter.violations('t', 'chat')).toBe(1);
  });

  it('admits 30 sends per bot per second over all chats; a refused send does not enter the window', () => {
    const limiter = new TgRateLimiter();
    limiter.configure({ perBotPerSecond: 30, perChatPerSecond: 1 });
    for (let chat = 1; chat <= 30; chat++) expect(limiter.check('t', chat, 5_000 + chat)).toBeUndefined();
    expect(limiter.check('t', 31, 5_500)).toMatchObject({ kind: 'bot', refuse: true });
    expect(limiter.check('other', 31, 5_500)).toBeUndefined();
    expect(limiter.check('t', 31, 6_000)).toMatchObject({ kind: 'bot' }); // chat 1's send (5_001) is still in the window
    expect(limiter.check('t', 31, 6_001)).toBeUndefined();
    expect(limiter.violations('t', 'bot')).toBe(2);
  });

  it('only counts when not enforced, and is off when not configured', () => {
    const limiter = new TgRateLimiter();
    expect(limiter.check('t', 1, 0)).toBeUndefined();
    expect(limiter.check('t', 1, 1)).toBeUndefined();
    limiter.configure({ enforce: false });
    limiter.check('t', 1, 0);
    expect(limiter.check('t', 1, 1)).toEqual({ kind: 'chat', retryAfter: 1, refuse: false });
    expect(limiter.check('t', 1, 2)).toMatchObject({ refuse: false });
    expect(limiter.violations()).toBe(2);
  });
});
