import type { DataSource, EntityManager } from 'typeorm';
import type { Line } from './line.rules';

/** The unique index on `lower(name)`. */
export const LINE_NAME_INDEX = 'lines_name_key';
export const LINE_PRIMARY_KEY = 'lines_pkey';

interface LineRow {
  id: string;
  name: string;
  session_rule: Line['sessionRule'];
  member_ids: string[];
}

const selectLines = `
  SELECT l.id, l.name, l.session_rule,
         COALESCE(array_agg(m.operator_id::text ORDER BY m.operator_id) FILTER (WHERE m.operator_id IS NOT NULL), '{}') AS member_ids
    FROM routing.lines l
    LEFT JOIN routing.line_members m ON m.line_id = l.id`;

function toLine(row: LineRow): Line {
  return { id: row.id, name: row.name, sessionRule: row.session_rule, memberIds: row.member_ids };
}

/** Lines and members in the `routing` schema. I/O only: the rules live in line.rules.ts. */
export class LineRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The line, its row locked until the transaction ends (changes to one line are serialised). */
  async findForUpdate(manager: EntityManager, id: string): Promise<Line | undefined> {
    const locked = (await manager.query('SELECT id FROM routing.lines WHERE id = $1 FOR UPDATE', [id])) as unknown[];
    if (locked.length === 0) return undefined;
    const rows = (await manager.query(`${selectLines} WHERE l.id = $1 GROUP BY l.id`, [id])) as LineRow[];
    return rows[0] ? toLine(rows[0]) : undefined;
  }

  async insert(manager: EntityManager, line: Line): Promise<void> {
    await manager.query('INSERT INTO routing.lines (id, name, session_rule) VALUES ($1, $2, $3)', [
      line.id,
      line.name,
      JSON.stringify(line.sessionRule),
    ]);
    await this.insertMembers(manager, line.id, line.memberIds);
  }

  async update(manager: EntityManager, line: Line): Promise<void> {
    await manager.query('UPDATE routing.lines SET name = $2, session_rule = $3, updated_at = now() WHERE id = $1', [
      line.id,
      line.name,
      JSON.stringify(line.sessionRule),
    ]);
  }

  async replaceMembers(manager: EntityManager, lineId: string, memberIds: readonly string[]): Promise<void> {
    await manager.query('DELETE FROM routing.line_members WHERE line_id = $1', [lineId]);
    await this.insertMembers(manager, lineId, memberIds);
    await manager.query('UPDATE routing.lines SET updated_at = now() WHERE id = $1', [lineId]);
  }

  /** All lines by name, or only those `memberId` works. */
  async list(memberId?: string): Promise<Line[]> {
    const rows = (await this.dataSource.query(
      `${selectLines}
        WHERE $1::uuid IS NULL
           OR EXISTS (SELECT 1 FROM routing.line_members x WHERE x.line_id = l.id AND x.operator_id = $1::uuid)
        GROUP BY l.id
        ORDER BY lower(l.name), l.id`,
      [memberId ?? null],
    )) as LineRow[];
    return rows.map(toLine);
  }

  private async insertMembers(manager: EntityManager, lineId: string, memberIds: readonly string[]): Promise<void> {
    if (memberIds.length === 0) return;
    await manager.query(
      'INSERT INTO routing.line_members (line_id, operator_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING',
      [lineId, memberIds],
    );
  }
}
