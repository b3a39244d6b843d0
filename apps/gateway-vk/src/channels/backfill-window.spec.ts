import { backfillStart } from './backfill-window';

describe('backfillStart', () => {
  const now = new Date('2026-01-02T12:00:00Z');

  it('starts at the window when nothing is owed yet', () => {
    expect(backfillStart(now, 24).toISOString()).toBe('2026-01-01T12:00:00.000Z');
  });

  it('reads the whole window even when the owed mark is newer (e.g. the newest received message)', () => {
    expect(backfillStart(now, 24, new Date('2026-01-02T08:00:00Z')).toISOString()).toBe('2026-01-01T12:00:00.000Z');
  });

  it('keeps an older owed mark (a backfill resumed long after the switch still covers its gap)', () => {
    expect(backfillStart(now, 24, new Date('2025-12-31T08:00:00Z')).toISOString()).toBe('2025-12-31T08:00:00.000Z');
  });
});
