import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Operator, OperatorRecord, OperatorRole } from './operator.model';

interface OperatorRow {
  id: string;
  email: string;
  name: string;
  role: OperatorRole;
  password_hash: string;
}

function toRecord(row: OperatorRow): OperatorRecord {
  return { id: row.id, email: row.email, name: row.name, role: row.role, passwordHash: row.password_hash };
}

/** NOTIFY channel of account changes (payload: the operator id); every replica LISTENs, for its live sockets. */
export const OPERATORS_CHANNEL = 'console_operators';

/** console.operators: I/O only. */
@Injectable()
export class OperatorsRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /** Inserts unless the email exists; true when inserted. */
  async insertIfAbsent(record: OperatorRecord): Promise<boolean> {
    const rows = (await this.db.query(
      `INSERT INTO console.operators (id, email, name, role, password_hash) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (lower(email)) DO NOTHING RETURNING id`,
      [record.id, record.email, record.name, record.role, record.passwordHash],
    )) as Array<{ id: string }>;
    return rows.length === 1;
  }

  async findByEmail(email: string): Promise<OperatorRecord | undefined> {
    const rows = (await this.db.query(`SELECT * FROM console.operators WHERE lower(email) = lower($1)`, [email])) as OperatorRow[];
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async findById(id: string): Promise<OperatorRecord | undefined> {
    const rows = (await this.db.query(`SELECT * FROM console.operators WHERE id = $1`, [id])) as OperatorRow[];
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** Changes name and/or role and notifies OPERATORS_CHANNEL in the same statement; undefined when unknown. */
  async update(id: string, patch: { name?: string; role?: OperatorRole }): Promise<Operator | undefined> {
    const rows = (await this.db.query(
      `WITH updated AS (
         UPDATE console.operators SET name = COALESCE($2, name), role = COALESCE($3, role) WHERE id = $1 RETURNING id, email, name, role
       )
       SELECT id, email, name, role, pg_notify('${OPERATORS_CHANNEL}', id::text) FROM updated`,
      [id, patch.name ?? null, patch.role ?? null],
    )) as Array<Omit<OperatorRow, 'password_hash'>>;
    const row = rows[0];
    return row ? { id: row.id, email: row.email, name: row.name, role: row.role } : undefined;
  }

  async list(): Promise<Operator[]> {
    const rows = (await this.db.query(`SELECT * FROM console.operators ORDER BY created_at, email`)) as OperatorRow[];
    return rows.map((r) => ({ id: r.id, email: r.email, name: r.name, role: r.role }));
  }
}
