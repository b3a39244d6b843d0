/**
 * Where a backfill starts: the beginning of the window (VK's "last 24 hours"), or the owed mark when that is older.
 * Never the newest message Parley received: a callback outage can lose messages older than one that still arrived
 * later, and those would be skipped. Overlap with what was received is harmless, the backfill skips known dedupe keys.
 */
export function backfillStart(now: Date, windowHours: number, owedSince: Date | null = null): Date {
  const windowStart = new Date(now.getTime() - windowHours * 3_600_000);
  if (owedSince !== null && owedSince < windowStart) return owedSince;
  return windowStart;
}
