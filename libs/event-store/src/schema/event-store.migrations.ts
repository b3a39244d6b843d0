import type { MigrationInterface, QueryRunner } from 'typeorm';
import { assertSchemaName, eventStoreTables, notifyChannel } from './schema-name';

/** The SQLSTATE the append function raises when a concurrent append took one of its idempotency keys. */
export const IDEMPOTENCY_RACE_SQLSTATE = 'PA409';

function createTablesSql(schema: string): string[] {
  const t = eventStoreTables(schema);
  return [
    `CREATE SCHEMA IF NOT EXISTS "${schema}"`,
    `CREATE TABLE ${t.streams} (
       stream_id   text PRIMARY KEY,
       stream_type text NOT NULL,
       version     bigint NOT NULL CHECK (version >= 0),
       created_at  timestamptz NOT NULL DEFAULT now(),
       updated_at  timestamptz NOT NULL DEFAULT now()
     )`,
    `CREATE TABLE ${t.events} (
       global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
       event_id        uuid NOT NULL UNIQUE,
       stream_id       text NOT NULL,
       stream_position bigint NOT NULL CHECK (stream_position >= 1),
       type            text NOT NULL,
       schema_version  int NOT NULL DEFAULT 1,
       data            jsonb NOT NULL,
       metadata        jsonb NOT NULL DEFAULT '{}'::jsonb,
       idempotency_key text NULL,
       transaction_id  xid8 NOT NULL DEFAULT pg_current_xact_id(),
       created_at      timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT events_stream_position_key UNIQUE (stream_id, stream_position)
     )`,
    `CREATE UNIQUE INDEX events_idempotency_key_idx ON ${t.events} (idempotency_key) WHERE idempotency_key IS NOT NULL`,
    `CREATE INDEX events_transaction_order_idx ON ${t.events} (transaction_id, global_position)`,
    `CREATE TABLE ${t.checkpoints} (
       name            text PRIMARY KEY,
       transaction_id  xid8 NOT NULL DEFAULT '0',
       global_position bigint NOT NULL DEFAULT 0,
       updated_at      timestamptz NOT NULL DEFAULT now()
     )`,
  ];
}

/**
 * The whole append in one statement (one round trip). Order of work, and why:
 *  1. Idempotency keys already committed -> return the first append's result, store nothing. Checked before the
 *     version, so a retried command never sees a conflict.
 *  2. Lock the stream row (or create it). Concurrent appenders to one stream queue here.
 *  3. With the lock held, check the keys again: a racer that held the lock before us may have committed them.
 *  4. Expected version. A mismatch is a conflict; so is a previous event of the stream written by a transaction
 *     with a higher xid than ours (readers order by transaction id, so we would be read before it: the caller
 *     must retry in a fresh transaction, which gets a higher xid).
 *  5. Insert with ON CONFLICT on the idempotency index: a racer on another stream that used our key makes the
 *     insert short; we raise PA409 so the whole statement rolls back and the client re-runs it (step 1 then
 *     finds the racer's events).
 *  6. pg_notify, delivered on commit.
 */
/**
 * The events already stored under some idempotency keys. `idempotency_key IS NOT NULL` is spelled out: with the
 * keys as a parameter (a cached generic plan) Postgres cannot prove that `= ANY (p_keys)` implies it, so without
 * it the partial unique index is unusable and every idempotent append scanned the whole events table.
 */
function idempotentResultSql(schema: string, verb: 'CREATE' | 'CREATE OR REPLACE'): string {
  const t = eventStoreTables(schema);
  return `${verb} FUNCTION "${schema}".idempotent_result(p_keys text[])
     RETURNS TABLE (found int, stream_version bigint, global_positions bigint[], event_ids uuid[])
     LANGUAGE sql AS $fn$
       SELECT count(*)::int, max(stream_position),
              array_agg(global_position ORDER BY global_position), array_agg(event_id ORDER BY global_position)
       FROM ${t.events} WHERE idempotency_key = ANY (p_keys) AND idempotency_key IS NOT NULL
     $fn$`;
}

function createAppendFunctionSql(schema: string): string[] {
  const t = eventStoreTables(schema);
  const idempotentResult = `"${schema}".idempotent_result`;
  return [
    idempotentResultSql(schema, 'CREATE'),
    `CREATE FUNCTION ${t.appendFunction}(p_stream_id text, p_stream_type text, p_expected text, p_events jsonb)
     RETURNS TABLE (outcome text, stream_version bigint, global_positions bigint[], event_ids uuid[])
     LANGUAGE plpgsql AS $fn$
     DECLARE
       v_count bigint := jsonb_array_length(p_events);
       v_keys text[];
       v_current bigint;
       v_created boolean := false;
       v_previous_tx xid8;
       v_inserted bigint;
       v_positions bigint[];
       v_ids uuid[];
       r record;
     BEGIN
       SELECT array_agg(e->>'idempotencyKey') INTO v_keys
       FROM jsonb_array_elements(p_events) e WHERE e->>'idempotencyKey' IS NOT NULL;

       IF v_keys IS NOT NULL THEN
         SELECT * INTO r FROM ${idempotentResult}(v_keys);
         IF r.found > 0 THEN
           RETURN QUERY SELECT CASE WHEN r.found = cardinality(v_keys) THEN 'duplicate' ELSE 'partial_duplicate' END,
                               r.stream_version, r.global_positions, r.event_ids;
           RETURN;
         END IF;
       END IF;

       SELECT s.version INTO v_current FROM ${t.streams} s WHERE s.stream_id = p_stream_id FOR UPDATE;
       IF NOT FOUND THEN
         IF p_expected IN ('any', 'no_stream', '0') THEN
           INSERT INTO ${t.streams} (stream_id, stream_type, version) VALUES (p_stream_id, p_stream_type, v_count)
           ON CONFLICT (stream_id) DO NOTHING;
           v_created := FOUND;
         END IF;
         IF v_created THEN
           v_current := 0;
         ELSE
           SELECT s.version INTO v_current FROM ${t.streams} s WHERE s.stream_id = p_stream_id FOR UPDATE;
         END IF;
       END IF;

       IF NOT v_created THEN
         IF v_keys IS NOT NULL THEN
           SELECT * INTO r FROM ${idempotentResult}(v_keys);
           IF r.found > 0 THEN
             RETURN QUERY SELECT CASE WHEN r.found = cardinality(v_keys) THEN 'duplicate' ELSE 'partial_duplicate' END,
                                 r.stream_version, r.global_positions, r.event_ids;
             RETURN;
           END IF;
         END IF;
         IF v_current IS NULL THEN
           RETURN QUERY SELECT 'conflict'::text, NULL::bigint, NULL::bigint[], NULL::uuid[];
           RETURN;
         END IF;
         IF p_expected = 'no_stream' OR (p_expected NOT IN ('any', 'stream_exists') AND v_current <> p_expected::bigint) THEN
           RETURN QUERY SELECT 'conflict'::text, v_current, NULL::bigint[], NULL::uuid[];
           RETURN;
         END IF;
         SELECT e.transaction_id INTO v_previous_tx FROM ${t.events} e
         WHERE e.stream_id = p_stream_id AND e.stream_position = v_current;
         IF v_previous_tx > pg_current_xact_id() THEN
           RETURN QUERY SELECT 'conflict'::text, v_current, NULL::bigint[], NULL::uuid[];
           RETURN;
         END IF;
         UPDATE ${t.streams} SET version = v_current + v_count, updated_at = now() WHERE stream_id = p_stream_id;
       END IF;

       WITH inserted AS (
         INSERT INTO ${t.events} (event_id, stream_id, stream_position, type, schema_version, data, metadata, idempotency_key)
         SELECT (e.doc->>'id')::uuid, p_stream_id, v_current + e.ord, e.doc->>'type',
                coalesce((e.doc->>'schemaVersion')::int, 1), coalesce(e.doc->'data', 'null'::jsonb),
                coalesce(e.doc->'metadata', '{}'::jsonb), e.doc->>'idempotencyKey'
         FROM jsonb_array_elements(p_events) WITH ORDINALITY AS e(doc, ord)
         ORDER BY e.ord
         ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
         RETURNING global_position, event_id
       )
       SELECT count(*), array_agg(global_position ORDER BY global_position), array_agg(event_id ORDER BY global_position)
       INTO v_inserted, v_positions, v_ids FROM inserted;

       IF v_inserted < v_count THEN
         RAISE EXCEPTION 'an idempotency key of this append was taken by a concurrent append'
           USING ERRCODE = '${IDEMPOTENCY_RACE_SQLSTATE}';
       END IF;

       PERFORM pg_notify('${notifyChannel(schema)}', '');
       RETURN QUERY SELECT 'appended'::text, v_current + v_count, v_positions, v_ids;
     END
     $fn$`,
  ];
}

async function runAll(queryRunner: QueryRunner, statements: string[]): Promise<void> {
  for (const sql of statements) await queryRunner.query(sql);
}

/**
 * TypeORM migrations for one event store schema. Add them to the service's DataSource
 * (`migrations: [...eventStoreMigrations('conversation'), ...own]`) or run them with `runEventStoreMigrations`.
 * Class names carry the schema so two stores in one database do not share a row in the migrations table.
 */
export function eventStoreMigrations(schema: string): Array<new () => MigrationInterface> {
  assertSchemaName(schema);
  const pascal = schema.replace(/(^|_)([a-z0-9])/g, (_m, _sep: string, ch: string) => ch.toUpperCase());

  class CreateEventStore implements MigrationInterface {
    readonly name = `EventStore${pascal}Create1763750000000`;

    async up(queryRunner: QueryRunner): Promise<void> {
      await runAll(queryRunner, [...createTablesSql(schema), ...createAppendFunctionSql(schema)]);
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      const t = eventStoreTables(schema);
      await runAll(queryRunner, [
        `DROP FUNCTION IF EXISTS ${t.appendFunction}(text, text, text, jsonb)`,
        `DROP FUNCTION IF EXISTS "${schema}".idempotent_result(text[])`,
        `DROP TABLE IF EXISTS ${t.checkpoints}`,
        `DROP TABLE IF EXISTS ${t.events}`,
        `DROP TABLE IF EXISTS ${t.streams}`,
      ]);
    }
  }
  Object.defineProperty(CreateEventStore, 'name', { value: `EventStore${pascal}Create1763750000000` });

  /** Stores created before the fix get the index-friendly idempotency look-up (see idempotentResultSql). */
  class IndexedIdempotencyLookup implements MigrationInterface {
    readonly name = `EventStore${pascal}IndexedIdempotencyLookup1763900000000`;

    async up(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(idempotentResultSql(schema, 'CREATE OR REPLACE'));
    }

    async down(): Promise<void> {
      // The previous body was slower, not different in result: nothing to undo.
    }
  }
  Object.defineProperty(IndexedIdempotencyLookup, 'name', { value: `EventStore${pascal}IndexedIdempotencyLookup1763900000000` });
  return [CreateEventStore, IndexedIdempotencyLookup];
}
