export default async function globalTeardown(): Promise<void> {
  const pg = globalThis.__PARLEY_PG__;
  if (pg) {
    globalThis.__PARLEY_PG__ = undefined;
    await pg.stop();
  }
}
