import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '../event-store.types';

/**
 * A read model fed from the log. `handle` gets a batch in commit order (stream order within each stream) and the
 * transaction that will also move the projection's checkpoint: write the read model through `tx` only, so the
 * model and its checkpoint commit together. Batches can hold up to ~1000 events: write them in bulk.
 */
export interface Projection {
  /** Unique within the schema; also the checkpoint name and the advisory lock key. Never rename a live one. */
  readonly name: string;
  handle(events: readonly StoredEvent[], tx: EntityManager): Promise<void>;
  /** Empties the read model (rebuild). Runs in the same transaction as the checkpoint reset. */
  reset?(tx: EntityManager): Promise<void>;
}
