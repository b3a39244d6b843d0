import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, startTestNats, type NatsServer, type TestDatabase } from '@parley/testing';
import { freeSystemPorts, startSystem } from './start-system';

/*
 * The plan of `npm run up` for the messenger APIs, through startSystem with the environment as main.ts passes it
 * (real NATS and Postgres; an empty dist directory, so no service process starts and each one is reported as not
 * built — the sandbox only when it is needed).
 */
describe('startSystem: messenger API bases from the environment', () => {
  let nats: NatsServer;
  let db: TestDatabase;
  let work: string;

  beforeAll(async () => {
    [nats, db] = await Promise.all([startTestNats(), createTestDatabase('parley_up_plan')]);
    work = await mkdtemp(path.join(tmpdir(), 'parley-up-plan-'));
  });

  afterAll(async () => {
    await nats?.stop();
    await db?.drop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  async function plan(env: NodeJS.ProcessEnv) {
    const output: string[] = [];
    const ports = { ...(await freeSystemPorts()), sandbox: 3999 };
    const system = await startSystem({
      root: work,
      stateDir: path.join(work, 'state'),
      distDir: path.join(work, 'empty-dist'),
      ports,
      natsUrl: nats.url,
      databaseUrl: db.url,
      env,
      write: (line) => output.push(line),
    });
    await system.stop();
    return { system, output: output.join('\n') };
  }

  it('VK_API_URL, TELEGRAM_API_URL and VIBER_API_URL set: the gateways are given them, the sandbox is not part of the system, and the launcher says so', async () => {
    const env = { VK_API_URL: 'https://vk.example.test/method', TELEGRAM_API_URL: 'https://tg.example.test', VIBER_API_URL: 'https://viber.example.test/pa', PUBLIC_WEBHOOK_BASE_URL: 'https://tunnel.example.test', LOG_LEVEL: 'warn' };
    const { system, output } = await plan(env);
    expect(system.vkApiUrl).toBe('https://vk.example.test/method');
    expect(system.webhookBaseUrl).toBe('https://tunnel.example.test');
    expect(system.sandboxUrl).toBeUndefined();
    expect(system.skipped).not.toContain('sandbox');
    expect(system.skipped).toContain('gateway-vk');
    expect(output).toContain('VK API: https://vk.example.test/method (from VK_API_URL)');
    expect(system.messengerApis.find((a) => a.variable === 'TELEGRAM_API_URL')).toMatchObject({ url: 'https://tg.example.test', source: 'given' });
    expect(system.skipped).toContain('gateway-telegram');
    expect(system.messengerApis.find((a) => a.variable === 'VIBER_API_URL')).toMatchObject({ url: 'https://viber.example.test/pa', source: 'given' });
    expect(system.skipped).toContain('gateway-viber');
  });

  it('only VIBER_API_URL unset: the sandbox runs for Viber', async () => {
    const { system, output } = await plan({ VK_API_URL: 'https://vk.example.test/method', TELEGRAM_API_URL: 'https://tg.example.test', LOG_LEVEL: 'warn' });
    expect(system.skipped).toContain('sandbox');
    expect(output).toContain('Viber API: sandbox (http://localhost:3999/viber/pa)');
  });

  it('only VK_API_URL set: the sandbox still runs for Telegram', async () => {
    const { system, output } = await plan({ VK_API_URL: 'https://vk.example.test/method', LOG_LEVEL: 'warn' });
    expect(system.skipped).toContain('sandbox');
    expect(output).toContain('Telegram API: sandbox (http://localhost:3999)');
  });

  it('VK_API_URL unset: the sandbox as before', async () => {
    const { system, output } = await plan({ LOG_LEVEL: 'warn' });
    expect(system.vkApiUrl).toBe('http://localhost:3999/method');
    expect(system.skipped).toContain('sandbox');
    expect(output).toContain('VK API: sandbox (http://localhost:3999/method)');
  });
});
