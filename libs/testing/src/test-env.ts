import { createDatabase, dropDatabase } from './postgres';
import { NatsServer, type NatsServerOptions } from './nats-server';

/** The admin URL of the test Postgres (set by the Jest global setup). */
export function testPostgresAdminUrl(): string {
  const url = process.env['PARLEY_TEST_PG_URL'];
  if (!url) throw new Error('PARLEY_TEST_PG_URL is not set: run tests through jest (libs/testing global setup)');
  return url;
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh database for one test file (create it in `beforeAll`, drop it in `afterAll`). */
export async function createTestDatabase(prefix = 'parley_test'): Promise<TestDatabase> {
  const admin = testPostgresAdminUrl();
  const url = await createDatabase(admin, prefix);
  return { url, drop: () => dropDatabase(admin, url) };
}

/** A throwaway nats-server with JetStream for one test file. */
export function startTestNats(options?: NatsServerOptions): Promise<NatsServer> {
  return NatsServer.start(options);
}
