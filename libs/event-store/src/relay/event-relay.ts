import type { PostgresEventStore } from '../event-store';
import type { LogPosition } from '../event-store.types';
import { CheckpointStore } from '../processing/checkpoint-store';
import { LeaderLoop, type ProcessorOptions, type StepOutcome } from '../processing/leader-loop';
import type { EventPublisher, SubjectFor } from './event-publisher';
import { envelopeHeaders, toEnvelope } from './envelope.mapper';

export interface EventRelayOptions extends ProcessorOptions {
  publisher: EventPublisher;
  subjectFor: SubjectFor;
  /** Checkpoint name, also the advisory lock key (default `relay`). */
  name?: string;
}

/**
 * The outbox relay: reads committed events behind the xmin horizon, publishes a whole batch with every publish
 * in flight at once, waits for all acks, then moves its checkpoint compare-and-set. A crash between publish and
 * checkpoint re-publishes the batch; the broker drops the copies by message id (at-least-once, de-duplicated).
 * One active instance per name (advisory lock), standbys take over.
 */
export class EventRelay {
  private readonly loop: LeaderLoop;
  private readonly checkpoints: CheckpointStore;
  private readonly name: string;
  private position: LogPosition | undefined;

  constructor(
    private readonly store: PostgresEventStore,
    private readonly options: EventRelayOptions,
  ) {
    this.name = options.name ?? 'relay';
    this.checkpoints = new CheckpointStore(store.tables);
    this.loop = new LeaderLoop(
      store.dataSource,
      store.schema,
      `relay:${this.name}`,
      options,
      () => this.step(),
      () => {
        this.position = undefined;
      },
    );
  }

  get isActive(): boolean {
    return this.loop.isLeader;
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  private async step(): Promise<StepOutcome> {
    const manager = this.store.dataSource.manager;
    const from = this.position ?? (await this.checkpoints.load(manager, this.name));
    this.position = from;
    const batch = await this.store.readAll({ after: from, limit: this.loop.batchSize });
    if (batch.events.length === 0) return { processed: 0, behindHorizon: batch.behindHorizon };
    const results = await Promise.allSettled(
      batch.events.map((event) => {
        const envelope = toEnvelope(event);
        return this.options.publisher.publish(this.options.subjectFor(event), envelope, envelopeHeaders(event, envelope));
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    if (!(await this.checkpoints.compareAndSet(manager, this.name, from, batch.position))) {
      this.position = undefined;
      return { processed: 0, behindHorizon: false, conflict: true };
    }
    this.position = batch.position;
    return { processed: batch.events.length, behindHorizon: batch.behindHorizon };
  }
}
