import type { EntityManager } from 'typeorm';
import type { LogPosition } from '../event-store.types';
import type { EventStoreTables } from '../schema/schema-name';

interface CheckpointRow {
  transaction_id: string;
  global_position: string;
}

function toPosition(row: CheckpointRow): LogPosition {
  return { transactionId: String(row.transaction_id), globalPosition: Number(row.global_position) };
}

/** Named positions in the log (one per projection and per relay), moved compare-and-set. */
export class CheckpointStore {
  constructor(private readonly tables: EventStoreTables) {}

  /** The checkpoint, created at the start of the log when it does not exist yet. */
  async load(manager: EntityManager, name: string): Promise<LogPosition> {
    const rows = (await manager.query(
      `WITH created AS (
         INSERT INTO ${this.tables.checkpoints} (name) VALUES ($1) ON CONFLICT (name) DO NOTHING
         RETURNING transaction_id, global_position
       )
       SELECT transaction_id, global_position FROM created
       UNION ALL
       SELECT transaction_id, global_position FROM ${this.tables.checkpoints} WHERE name = $1`,
      [name],
    )) as CheckpointRow[];
    const row = rows[0];
    if (!row) throw new Error(`checkpoint ${name} could not be created`);
    return toPosition(row);
  }

  /** Reads a checkpoint without creating it; null when it does not exist. */
  async peek(manager: EntityManager, name: string): Promise<LogPosition | null> {
    const rows = (await manager.query(
      `SELECT transaction_id, global_position FROM ${this.tables.checkpoints} WHERE name = $1`,
      [name],
    )) as CheckpointRow[];
    return rows[0] ? toPosition(rows[0]) : null;
  }

  /** Moves `name` from `from` to `to`; false when it is no longer at `from` (another instance moved it). */
  async compareAndSet(manager: EntityManager, name: string, from: LogPosition, to: LogPosition): Promise<boolean> {
    const rows = (await manager.query(
      `WITH moved AS (
         UPDATE ${this.tables.checkpoints}
         SET transaction_id = $4::xid8, global_position = $5, updated_at = now()
         WHERE name = $1 AND transaction_id = $2::xid8 AND global_position = $3
         RETURNING 1
       )
       SELECT count(*)::int AS moved FROM moved`,
      [name, from.transactionId, from.globalPosition, to.transactionId, to.globalPosition],
    )) as Array<{ moved: number }>;
    return rows[0]?.moved === 1;
  }

  /** Sets `name` back to the start of the log (rebuild). */
  async reset(manager: EntityManager, name: string): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.tables.checkpoints} (name) VALUES ($1)
       ON CONFLICT (name) DO UPDATE SET transaction_id = '0', global_position = 0, updated_at = now()`,
      [name],
    );
  }
}
