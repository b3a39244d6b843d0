import { Inject, Injectable } from '@nestjs/common';
import type { LineView, SessionRule } from '@parley/contracts';
import { DataSource } from 'typeorm';

export interface KnownLine {
  id: string;
  sessionRule: SessionRule;
  memberIds: string[];
}

/** `conversation.lines`: this service's copy of routing's lines (event-carried state from `LineChanged`). */
@Injectable()
export class LinesRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Stores the line unless a later change is already stored; returns whether it was stored. */
  async save(line: LineView, changedAt: string): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `INSERT INTO conversation.lines (line_id, name, session_rule, member_ids, changed_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (line_id) DO UPDATE SET name = excluded.name, session_rule = excluded.session_rule,
         member_ids = excluded.member_ids, changed_at = excluded.changed_at
       WHERE conversation.lines.changed_at <= excluded.changed_at
       RETURNING 1`,
      [line.id, line.name, JSON.stringify(line.sessionRule), line.memberIds, changedAt],
    )) as unknown[];
    return rows.length > 0;
  }

  async find(lineId: string): Promise<KnownLine | null> {
    const rows = (await this.dataSource.query(
      'SELECT line_id, session_rule, member_ids FROM conversation.lines WHERE line_id = $1',
      [lineId],
    )) as Array<{ line_id: string; session_rule: SessionRule; member_ids: string[] }>;
    const row = rows[0];
    return row ? { id: row.line_id, sessionRule: row.session_rule, memberIds: row.member_ids } : null;
  }
}
