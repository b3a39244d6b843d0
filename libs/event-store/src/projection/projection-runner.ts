import type { EntityManager } from 'typeorm';
import type { PostgresEventStore } from '../event-store';
import type { LogPosition } from '../event-store.types';
import { CheckpointStore } from '../processing/checkpoint-store';
import { LeaderLoop, type ProcessorOptions, type StepOutcome } from '../processing/leader-loop';
import type { Projection } from './projection';

export type ProjectionRunnerOptions = ProcessorOptions;

/**
 * Keeps one projection up to date. Many instances may run; one is active (advisory lock on a dedicated
 * connection), the others wait and take over when its connection dies. Each batch is one transaction: lock the
 * checkpoint (transaction advisory lock), read the next committed events behind the xmin horizon, apply them, move the checkpoint
 * compare-and-set, commit.
 */
export class ProjectionRunner {
  private readonly loop: LeaderLoop;
  private readonly checkpoints: CheckpointStore;
  private checkpointExists = false;

  constructor(
    private readonly store: PostgresEventStore,
    private readonly projection: Projection,
    private readonly options: ProjectionRunnerOptions = {},
  ) {
    this.checkpoints = new CheckpointStore(store.tables);
    this.loop = new LeaderLoop(store.dataSource, store.schema, `projection:${projection.name}`, options, () =>
      this.step(),
    );
  }

  get name(): string {
    return this.projection.name;
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

  /** The projection's checkpoint (null before the first run). */
  async position(): Promise<LogPosition | null> {
    return this.checkpoints.peek(this.store.dataSource.manager, this.projection.name);
  }

  /**
   * Empties the read model and moves the checkpoint back to the start of the log in one transaction; the
   * active instance (this one or another) then replays the whole log. Safe while batches run elsewhere: the
   * reset takes the lock every batch takes first.
   */
  async rebuild(): Promise<void> {
    await rebuildProjection(this.store, this.projection);
    this.loop.wake();
  }

  private async step(): Promise<StepOutcome> {
    if (!this.checkpointExists) {
      await this.checkpoints.load(this.store.dataSource.manager, this.projection.name);
      this.checkpointExists = true;
    }
    const runner = this.store.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const tx = runner.manager;
      const from = await this.lockCheckpoint(tx);
      const batch = await this.store.readAll({ after: from, limit: this.loop.batchSize, manager: tx });
      if (batch.events.length === 0) {
        await runner.commitTransaction();
        return { processed: 0, behindHorizon: batch.behindHorizon };
      }
      await this.projection.handle(batch.events, tx);
      if (!(await this.checkpoints.compareAndSet(tx, this.projection.name, from, batch.position))) {
        await runner.rollbackTransaction();
        return { processed: 0, behindHorizon: false, conflict: true };
      }
      await runner.commitTransaction();
      return { processed: batch.events.length, behindHorizon: batch.behindHorizon };
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await runner.release();
    }
  }

  private async lockCheckpoint(tx: EntityManager): Promise<LogPosition> {
    await lockCheckpointForBatch(tx, this.store, this.projection.name);
    const position = await this.checkpoints.peek(tx, this.projection.name);
    if (!position) throw new Error(`checkpoint ${this.projection.name} disappeared`);
    return position;
  }
}

/**
 * Serialises batches and rebuilds of one projection for the rest of the transaction. A transaction-scoped
 * advisory lock, not a row lock: it gives the transaction no xid, so readers' xmin horizon is not held back
 * while the batch is being read.
 */
async function lockCheckpointForBatch(tx: EntityManager, store: PostgresEventStore, name: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`${store.schema}:checkpoint:${name}`]);
}

/** Resets a projection's read model and checkpoint in one transaction (see `ProjectionRunner.rebuild`). */
export async function rebuildProjection(store: PostgresEventStore, projection: Projection): Promise<void> {
  const reset = projection.reset;
  if (!reset) throw new Error(`projection ${projection.name} has no reset(): it cannot be rebuilt`);
  const checkpoints = new CheckpointStore(store.tables);
  await store.dataSource.transaction(async (tx) => {
    await lockCheckpointForBatch(tx, store, projection.name);
    await reset.call(projection, tx);
    await checkpoints.reset(tx, projection.name);
  });
}
