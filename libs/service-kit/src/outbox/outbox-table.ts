/** Where a service's outbox lives: `<schema>.<table>`, and the NOTIFY channel its writers signal on commit. */
export interface OutboxTable {
  schema: string;
  table: string;
  /** `"schema"."table"`, ready to put into SQL. */
  qualifiedName: string;
  /** Fired (on commit) by every transaction that wrote rows; a relay may LISTEN on it. */
  notifyChannel: string;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** The outbox table of `schema` (`outbox` unless named otherwise). Names are checked: they go into SQL as is. */
export function outboxTable(schema: string, table = 'outbox'): OutboxTable {
  for (const name of [schema, table]) {
    if (!IDENTIFIER.test(name)) throw new Error(`invalid Postgres identifier for the outbox: "${name}"`);
  }
  return { schema, table, qualifiedName: `"${schema}"."${table}"`, notifyChannel: `${schema}_${table}` };
}
