import { EmbeddedPostgres } from '../postgres';

declare global {
  // Kept on globalThis for global-teardown (same process).
  var __PARLEY_PG__: EmbeddedPostgres | undefined;
}

/**
 * Runs once before all test files. Postgres comes from `DATABASE_URL` when it is set (an admin URL; every test
 * file creates and drops its own database there), otherwise from an embedded cluster on a free port. The URL is
 * handed to the test workers in `PARLEY_TEST_PG_URL`. NATS is started per test file (`startTestNats`).
 */
export default async function globalSetup(): Promise<void> {
  if (process.env['PARLEY_TEST_PG_URL']) return;
  const external = process.env['DATABASE_URL'];
  if (external) {
    process.env['PARLEY_TEST_PG_URL'] = external;
    return;
  }
  const pg = await EmbeddedPostgres.start({ fast: true });
  globalThis.__PARLEY_PG__ = pg;
  process.env['PARLEY_TEST_PG_URL'] = pg.url;
}
