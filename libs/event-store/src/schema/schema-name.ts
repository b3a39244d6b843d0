const schemaNamePattern = /^[a-z_][a-z0-9_]{0,40}$/;

/**
 * The Postgres schema an event store lives in (one per service, e.g. `conversation`). It is interpolated into
 * SQL as an identifier, so it is validated strictly: lower-case letters, digits and underscores.
 */
export function assertSchemaName(schema: string): string {
  if (!schemaNamePattern.test(schema)) {
    throw new Error(`invalid event store schema name ${JSON.stringify(schema)}: use [a-z_][a-z0-9_]{0,40}`);
  }
  return schema;
}

/** The NOTIFY channel fired on every commit that appended events to `schema`. */
export function notifyChannel(schema: string): string {
  return `${assertSchemaName(schema)}_events`;
}

/** Fully qualified, quoted table names for one schema. */
export interface EventStoreTables {
  readonly schema: string;
  readonly streams: string;
  readonly events: string;
  readonly checkpoints: string;
  readonly appendFunction: string;
}

export function eventStoreTables(schema: string): EventStoreTables {
  const s = `"${assertSchemaName(schema)}"`;
  return {
    schema,
    streams: `${s}.streams`,
    events: `${s}.events`,
    checkpoints: `${s}.checkpoints`,
    appendFunction: `${s}.append_to_stream`,
  };
}
