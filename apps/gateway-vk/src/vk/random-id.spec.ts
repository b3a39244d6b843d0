import { randomUUID } from 'node:crypto';
import { vkRandomIdFromReplyId } from './random-id';

describe('vkRandomIdFromReplyId', () => {
  const replyId = '0190d6c2-7a7e-7abc-8def-0123456789ab';

  it('is stable for the same reply id, whatever its letter case', () => {
    expect(vkRandomIdFromReplyId(replyId)).toBe(vkRandomIdFromReplyId(replyId));
    expect(vkRandomIdFromReplyId(replyId.toUpperCase())).toBe(vkRandomIdFromReplyId(replyId));
  });

  it('pins the derivation (changing it would re-send replies in flight during a deploy)', () => {
    expect(vkRandomIdFromReplyId(replyId)).toBe(5290915639198297);
    expect(vkRandomIdFromReplyId(replyId, 'int32')).toBe(156996994);
  });

  it('stays in [1, 2^53-1] by default and [1, 2^31-1] for int32', () => {
    for (let i = 0; i < 2000; i++) {
      const id = randomUUID();
      const big = vkRandomIdFromReplyId(id);
      expect(Number.isSafeInteger(big) && big >= 1).toBe(true);
      const small = vkRandomIdFromReplyId(id, 'int32');
      expect(small >= 1 && small <= 2 ** 31 - 1).toBe(true);
    }
  });

  it('spreads over the range: no collisions among 100,000 ids, and large values occur', () => {
    const seen = new Set<number>();
    let above2pow32 = 0;
    for (let i = 0; i < 100_000; i++) {
      const value = vkRandomIdFromReplyId(randomUUID());
      seen.add(value);
      if (value > 2 ** 32) above2pow32++;
    }
    expect(seen.size).toBe(100_000);
    expect(above2pow32).toBeGreaterThan(99_000);
  });

  it('refuses what is not a UUID', () => {
    expect(() => vkRandomIdFromReplyId('reply-1')).toThrow('reply id must be a UUID');
  });
});
