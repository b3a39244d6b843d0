import { ContractViolationError, ParleyError } from '@parley/contracts';
import { decideSettlement, errorCode, isPoison, type SettlementPolicy } from './settlement';


const policy: SettlementPolicy = { maxAttempts: 3, backoff: { initialMs: 100, multiplier: 2, maxMs: 1_000, jitter: 0 } };
const fail = (error: unknown) => ({ ok: false as const, error });

describe('settlement', () => {
  it('acks a success', () => {
    expect(decideSettlement({ ok: true }, 1, policy)).toEqual({ kind: 'ack' });
  });

  it('naks a transient failure with the backoff of its delivery count', () => {
    expect(decideSettlement(fail(new Error('db down')), 1, policy)).toMatchObject({ kind: 'retry', delayMs: 100 });
    expect(decideSettlement(fail(new Error('db down')), 2, policy)).toMatchObject({ kind: 'retry', delayMs: 200 });
    expect(decideSettlement(fail('a string'), 1, policy)).toMatchObject({ kind: 'retry' });
  });

  it('honours retryAfterMs of a retryable ParleyError', () => {
    const err = new ParleyError('RATE_LIMITED', 'slow down', { retryable: true, retryAfterMs: 7_000 });
    expect(decideSettlement(fail(err), 1, policy)).toMatchObject({ kind: 'retry', delayMs: 7_000 });
  });

  it('dead-letters poison at once, with its code', () => {
    const invalid = new ContractViolationError('Thing.v1', [{ path: 'data.x', constraints: ['x must be a string'] }]);
    expect(decideSettlement(fail(invalid), 1, policy)).toMatchObject({
      kind: 'dead-letter',
      code: 'CONTRACT_VIOLATION',
      finalDelivery: false,
    });
    const domain = new ParleyError('CONVERSATION_CLOSED', 'closed');
    expect(decideSettlement(fail(domain), 1, policy)).toMatchObject({ kind: 'dead-letter', code: 'CONVERSATION_CLOSED' });
  });

  it('dead-letters the last allowed attempt of a transient failure', () => {
    expect(decideSettlement(fail(new Error('still down')), 3, policy)).toMatchObject({
      kind: 'dead-letter',
      code: 'INTERNAL',
      finalDelivery: true,
    });
  });

  it('classifies errors', () => {
    expect(isPoison(new ParleyError('X', 'x', { retryable: true }))).toBe(false);
    expect(isPoison(new ParleyError('X', 'x'))).toBe(true);
    expect(isPoison(new TypeError('bug'))).toBe(false);
    expect(errorCode(new TypeError('bug'))).toBe('INTERNAL');
  });
});
