import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Envelope } from '@parley/contracts';

export interface StoredEvent {
  subject: string;
  seq: number;
  envelope: Envelope<Record<string, unknown>>;
}

/**
 * Everything a stream stores under a subject prefix, read by sequence with direct gets: no consumer state, so it
 * is exact across NATS restarts (tests only; the streams hold a few dozen messages).
 */
export async function readStream(nc: NatsConnection, stream: string, subjectPrefix = 'parley.'): Promise<StoredEvent[]> {
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(stream);
  const out: StoredEvent[] = [];
  if (info.state.messages === 0) return out;
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq += 1) {
    const m = await jsm.streams.getMessage(stream, { seq });
    if (!m || !m.subject.startsWith(subjectPrefix)) continue;
    out.push({ subject: m.subject, seq: m.seq, envelope: m.json<Envelope<Record<string, unknown>>>() });
  }
  return out;
}
