import type { DataSource, EntityManager } from 'typeorm';
import type { ChannelHealth, ChannelStatus } from '@parley/contracts';
import type { ChannelRecord, NewChannelRecord } from './channel-record';

interface ChannelRow {
  id: string;
  line_id: string;
  name: string;
  external_id: string;
  status: ChannelStatus;
  health: ChannelHealth;
  health_reason: string | null;
  settings: Record<string, unknown>;
  secrets: Record<string, string>;
  backfill_since: Date | null;
  created_at: Date;
}

const COLUMNS = 'id, line_id, name, external_id, status, health, health_reason, settings, secrets, backfill_since, created_at';

function toRecord(r: ChannelRow): ChannelRecord {
  return {
    id: r.id,
    lineId: r.line_id,
    name: r.name,
    externalId: r.external_id,
    status: r.status,
    health: r.health,
    healthReason: r.health_reason,
    settings: r.settings,
    secrets: r.secrets,
    backfillSince: r.backfill_since,
    createdAt: r.created_at,
  };
}

type Queryable = DataSource | EntityManager;

/** SQL for `<schema>.channels`; no rules. */
export class ChannelRepository {
  private readonly table: string;

  constructor(
    private readonly dataSource: DataSource,
    schema: string,
  ) {
    this.table = `${schema}.channels`;
  }

  async insert(manager: EntityManager, c: NewChannelRecord): Promise<ChannelRecord> {
    const rows = (await manager.query(
      `INSERT INTO ${this.table} (id, line_id, name, external_id, status, settings, secrets)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb) RETURNING ${COLUMNS}`,
      [c.id, c.lineId, c.name, c.externalId, c.status, JSON.stringify(c.settings), JSON.stringify(c.secrets)],
    )) as ChannelRow[];
    return toRecord(rows[0] as ChannelRow);
  }

  async find(id: string, q: Queryable = this.dataSource): Promise<ChannelRecord | undefined> {
    const rows = (await q.query(`SELECT ${COLUMNS} FROM ${this.table} WHERE id = $1`, [id])) as ChannelRow[];
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async findByExternalId(externalId: string, q: Queryable = this.dataSource): Promise<ChannelRecord | undefined> {
    const rows = (await q.query(`SELECT ${COLUMNS} FROM ${this.table} WHERE external_id = $1`, [externalId])) as ChannelRow[];
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** The row locked for the rest of the transaction. */
  async lock(manager: EntityManager, id: string): Promise<ChannelRecord | undefined> {
    const rows = (await manager.query(`SELECT ${COLUMNS} FROM ${this.table} WHERE id = $1 FOR UPDATE`, [id])) as ChannelRow[];
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async update(
    manager: EntityManager,
    id: string,
    fields: { name: string; status: ChannelStatus; health: ChannelHealth; healthReason: string | null; backfillSince: Date | null },
  ): Promise<ChannelRecord> {
    const rows = (await manager.query(
      `UPDATE ${this.table} SET name = $2, status = $3, health = $4, health_reason = $5, backfill_since = $6, updated_at = now()
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, fields.name, fields.status, fields.health, fields.healthReason, fields.backfillSince],
    )) as [ChannelRow[], number];
    return toRecord(rows[0][0] as ChannelRow);
  }

  async delete(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`DELETE FROM ${this.table} WHERE id = $1`, [id]);
  }

  async list(lineId?: string): Promise<ChannelRecord[]> {
    const rows = (await (lineId === undefined
      ? this.dataSource.query(`SELECT ${COLUMNS} FROM ${this.table} ORDER BY created_at, id`)
      : this.dataSource.query(`SELECT ${COLUMNS} FROM ${this.table} WHERE line_id = $1 ORDER BY created_at, id`, [lineId]))) as ChannelRow[];
    return rows.map(toRecord);
  }

  /** Active channels that owe a backfill. */
  async pendingBackfills(): Promise<ChannelRecord[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM ${this.table} WHERE backfill_since IS NOT NULL AND status = 'active' ORDER BY id`,
    )) as ChannelRow[];
    return rows.map(toRecord);
  }

  /** Clears the owed backfill unless it was re-armed meanwhile (compare-and-set on the value it ran for). */
  async clearBackfill(id: string, since: Date): Promise<void> {
    await this.dataSource.query(`UPDATE ${this.table} SET backfill_since = NULL WHERE id = $1 AND backfill_since = $2`, [id, since]);
  }
}
