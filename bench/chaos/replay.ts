import type { VkFake } from '@parley/testing';
import type { Markers } from './markers';

export interface ReplayOutcome {
  /** Webhooks sent again. */
  replayed: number;
  /** Of those, answered `ok` (a replay must be acknowledged, and stored nothing). */
  acknowledged: number;
  /** Minutes between the first delivery and its replay: the youngest and the oldest. */
  ageMinutes: { min: number; max: number };
}

/**
 * Sends `count` acknowledged `message_new` webhooks again, byte for byte (same event_id), as VK does when it never
 * saw an `ok` that Parley did send. Spread evenly over the run, so the oldest are past JetStream's de-duplication
 * window and only Parley's own records of what it received can recognise them. The records are compared after this.
 */
export async function replayWebhooks(vk: VkFake, groupId: number, markers: Markers, count: number, concurrency = 16): Promise<ReplayOutcome> {
  const originals = vk.callbacks('message_new').filter((d) => {
    const text = (d.body as { object?: { message?: { text?: string } } }).object?.message?.text;
    return d.delivered && d.eventId !== undefined && markers.inboundIn(text) !== undefined;
  });
  const step = originals.length / Math.min(count, originals.length);
  const chosen = Array.from({ length: Math.min(count, originals.length) }, (_, i) => originals[Math.floor(i * step)]).filter(
    (d): d is NonNullable<typeof d> => d !== undefined,
  );
  const outcome: ReplayOutcome = { replayed: 0, acknowledged: 0, ageMinutes: { min: Infinity, max: 0 } };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < chosen.length) {
      const original = chosen[next++];
      if (!original) continue;
      const firstAt = original.attempts[0]?.at ?? Date.now();
      const ageMinutes = (Date.now() - firstAt) / 60_000;
      outcome.ageMinutes.min = Math.min(outcome.ageMinutes.min, ageMinutes);
      outcome.ageMinutes.max = Math.max(outcome.ageMinutes.max, ageMinutes);
      const delivery = await vk.sendCallback(groupId, original.body, { maxRetries: 20 });
      outcome.replayed++;
      if (delivery.delivered) outcome.acknowledged++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, () => worker()));
  if (outcome.replayed === 0) outcome.ageMinutes.min = 0;
  return outcome;
}
