import { jetstream, type ConsumerMessages } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { Streams, type Envelope } from '@parley/contracts';
import { waitFor } from './wait-for';

export interface RecordedEvent {
  subject: string;
  streamSequence: number;
  /** `Nats-Msg-Id` of the stored message (the envelope id when Parley published it). */
  messageId: string | undefined;
  envelope: Envelope<Record<string, unknown>>;
}

export interface EventRecorderOptions {
  /** The stream to read (default PARLEY_EVENTS). */
  stream?: string;
}

/**
 * Records every envelope a stream stores under `filterSubject`, from the start of the stream (an ordered consumer;
 * one filter subject, which nats-server 2.9 supports). Tests assert on `events` or wait with `waitForCount`.
 */
export class EventRecorder {
  readonly events: RecordedEvent[] = [];
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;

  private constructor() {}

  static async start(nc: NatsConnection, filterSubject: string, options: EventRecorderOptions = {}): Promise<EventRecorder> {
    const recorder = new EventRecorder();
    const consumer = await jetstream(nc).consumers.get(options.stream ?? Streams.EVENTS.name, { filter_subjects: filterSubject });
    const messages = await consumer.consume();
    recorder.messages = messages;
    recorder.loop = (async () => {
      for await (const m of messages) {
        recorder.events.push({
          subject: m.subject,
          streamSequence: m.seq,
          messageId: m.headers?.get('Nats-Msg-Id') || undefined,
          envelope: JSON.parse(m.string()) as Envelope<Record<string, unknown>>,
        });
      }
    })();
    return recorder;
  }

  /** The recorded events of `type` whose data matches `where`. */
  of(type: string, where: (data: Record<string, unknown>) => boolean = () => true): RecordedEvent[] {
    return this.events.filter((e) => e.envelope.type === type && where(e.envelope.data));
  }

  /** Waits until at least `count` events (of `type`, when given) were recorded, and returns those. */
  waitForCount(count: number, options: { type?: string; timeoutMs?: number } = {}): Promise<RecordedEvent[]> {
    const pick = (): RecordedEvent[] => (options.type === undefined ? this.events : this.of(options.type));
    return waitFor(() => pick().length >= count && pick(), {
      what: `${count} recorded event(s)${options.type === undefined ? '' : ` of type ${options.type}`}`,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
  }

  async stop(): Promise<void> {
    await this.messages?.close();
    await this.loop;
  }
}
