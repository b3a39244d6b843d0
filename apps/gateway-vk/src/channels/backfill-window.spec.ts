import { backfillStart } from './backfill-window';

describe('backfillStart', () => {
  const now = new Date('2026-01-02T12:00:00Z');

  it('starts at the window when nothing was received', () => {
    expect(backfillStart(now, 24, null).toISOString()).toBe('2026-01-01T12:00:00.000Z');
  });

  it('starts at the last received message when it is inside the window', () => {
    expect(backfillStart(now, 24, new Date('2026-01-02T08:00:00Z')).toISOString()).toBe('2026-01-02T08:00:00.000Z');
  });

  it('never reaches further back than the window', () => {
    expect(backfillStart(now, 24, new Date('2025-12-20T08:00:00Z')).toISOString()).toBe('2026-01-01T12:00:00.000Z');
  });
});
