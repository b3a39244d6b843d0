/**
 * Where a backfill starts when a channel is switched back to Active: the newest message Parley already received
 * (so the gap is covered exactly; overlap is de-duplicated), but never further back than the window (VK's
 * "last 24 hours").
 */
export function backfillStart(now: Date, windowHours: number, lastMessageAt: Date | null): Date {
  const windowStart = new Date(now.getTime() - windowHours * 3_600_000);
  if (lastMessageAt === null || lastMessageAt < windowStart) return windowStart;
  return lastMessageAt;
}
