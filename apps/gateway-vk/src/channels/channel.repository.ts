import type { DataSource, EntityManager } from 'typeorm';
import type { ChannelStatus } from '@parley/contracts';

/** A channel row; credentials stay encrypted here (the service decrypts them where it needs them). */
export interface ChannelRecord {
  id: string;
  lineId: string;
  name: string;
  groupId: number;
  status: ChannelStatus;
  confirmation: string;
  secretEnc: string;
  tokenEnc: string;
  /** Date of the newest customer message Parley received through this channel (bounds backfill). */
  lastMessageAt: Date | null;
  /** Set while a backfill from that time is owed (written with the switch to Active, cleared when done). */
  backfillSince: Date | null;
  createdAt: Date;
}

interface ChannelRow {
  id: string;
  line_id: string;
  name: string;
  group_id: string;
  status: ChannelStatus;
  confirmation: string;
  secret_enc: string;
  token_enc: string;
  last_message_at: Date | null;
  backfill_since: Date | null;
  created_at: Date;
}

const COLUMNS = 'id, line_id, name, group_id::text AS group_id, status, confirmation, secret_enc, token_enc, last_message_at, backfill_since, created_at';

function toRecord(r: ChannelRow): ChannelRecord {
  return {
    id: r.id,
    lineId: r.line_id,
    name: r.name,
    groupId: Number(r.group_id),
    status: r.status,
    confirmation: r.confirmation,
    secretEnc: r.secret_enc,
    tokenEnc: r.token_enc,
    lastMessageAt: r.last_message_at,
    backfillSince: r.backfill_since,
    createdAt: r.created_at,
  };
}

type Queryable = DataSource | EntityManager;

/** SQL for `gateway_vk.channels`; no rules. */
export class ChannelRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, c: Omit<ChannelRecord, 'createdAt' | 'lastMessageAt' | 'backfillSince'>): Promise<ChannelRecord> {
    const rows = (await manager.query(
      `INSERT INTO gateway_vk.channels (id, line_id, name, group_id, status, confirmation, secret_enc, token_enc)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
      [c.id, c.lineId, c.name, c.groupId, c.status, c.confirmation, c.secretEnc, c.tokenEnc],
    )) as ChannelRow[];
    return toRecord(rows[0] as ChannelRow);
  }

  async find(id: string, q: Queryable = this.dataSource): Promise<ChannelRecord | undefined> {
    const rows = (await q.query(`SELECT ${COLUMNS} FROM gateway_vk.channels WHERE id = $1`, [id])) as ChannelRow[];
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async findByGroup(groupId: number, q: Queryable = this.dataSource): Promise<ChannelRecord | undefined> {
    const rows = (await q.query(`SELECT ${COLUMNS} FROM gateway_vk.channels WHERE group_id = $1`, [groupId])) as ChannelRow[];
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** The row locked for the rest of the transaction. */
  async lock(manager: EntityManager, id: string): Promise<ChannelRecord | undefined> {
    const rows = (await manager.query(`SELECT ${COLUMNS} FROM gateway_vk.channels WHERE id = $1 FOR UPDATE`, [id])) as ChannelRow[];
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async update(
    manager: EntityManager,
    id: string,
    fields: { name: string; status: ChannelStatus; backfillSince: Date | null },
  ): Promise<ChannelRecord> {
    const rows = (await manager.query(
      `UPDATE gateway_vk.channels SET name = $2, status = $3, backfill_since = $4, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, fields.name, fields.status, fields.backfillSince],
    )) as [ChannelRow[], number];
    return toRecord(rows[0][0] as ChannelRow);
  }

  async delete(manager: EntityManager, id: string): Promise<void> {
    await manager.query('DELETE FROM gateway_vk.channels WHERE id = $1', [id]);
  }

  async list(lineId?: string): Promise<ChannelRecord[]> {
    const rows = (await (lineId === undefined
      ? this.dataSource.query(`SELECT ${COLUMNS} FROM gateway_vk.channels ORDER BY created_at, id`)
      : this.dataSource.query(`SELECT ${COLUMNS} FROM gateway_vk.channels WHERE line_id = $1 ORDER BY created_at, id`, [lineId]))) as ChannelRow[];
    return rows.map(toRecord);
  }

  /** Moves the newest-received mark forward only (concurrent webhooks may finish out of order). */
  async recordReceived(id: string, messageAt: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE gateway_vk.channels SET last_message_at = GREATEST(COALESCE(last_message_at, $2), $2) WHERE id = $1`,
      [id, messageAt],
    );
  }

  /** Active channels that owe a backfill. */
  async pendingBackfills(): Promise<ChannelRecord[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM gateway_vk.channels WHERE backfill_since IS NOT NULL AND status = 'active' ORDER BY id`,
    )) as ChannelRow[];
    return rows.map(toRecord);
  }

  /** Clears the owed backfill unless it was re-armed meanwhile (compare-and-set on the value it ran for). */
  async clearBackfill(id: string, since: Date): Promise<void> {
    await this.dataSource.query('UPDATE gateway_vk.channels SET backfill_since = NULL WHERE id = $1 AND backfill_since = $2', [id, since]);
  }
}
