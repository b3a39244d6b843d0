import path from 'node:path';
import { Sandbox } from './sandbox-server';

/*
 * The messenger sandbox process (started by `npm run up` before gateway-vk): a fake VK API with a demo community on
 * PORT (default 3200) and a page at http://localhost:<port>/ to write as a VK customer; on the same port a fake
 * Telegram Bot API (TELEGRAM_API_URL = http://localhost:<port>) with a demo bot and a page at /telegram, and a fake
 * Viber REST Bot API (VIBER_API_URL = http://localhost:<port>/viber/pa) with a demo bot and a page at /viber.
 * Env: PORT, SANDBOX_STATE_FILE (default .parley/sandbox.json), SANDBOX_TELEGRAM_STATE_FILE and
 * SANDBOX_VIBER_STATE_FILE (default beside it, sandbox-telegram.json / sandbox-viber.json),
 * SANDBOX_DEFAULT_WEBHOOK_BASE_URL (a hint shown on the VK page).
 */

const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

async function main(): Promise<void> {
  const port = Number(process.env['PORT'] ?? 3200);
  const stateFile = path.resolve(process.env['SANDBOX_STATE_FILE'] ?? '.parley/sandbox.json');
  const hint = process.env['SANDBOX_DEFAULT_WEBHOOK_BASE_URL'];
  const telegramStateFile = process.env['SANDBOX_TELEGRAM_STATE_FILE'];
  const viberStateFile = process.env['SANDBOX_VIBER_STATE_FILE'];
  const { sandbox, restored } = await Sandbox.start({
    port,
    stateFile,
    ...(telegramStateFile ? { telegramStateFile: path.resolve(telegramStateFile) } : {}),
    ...(viberStateFile ? { viberStateFile: path.resolve(viberStateFile) } : {}),
    ...(hint ? { webhookBaseHint: hint } : {}),
  });
  const c = sandbox.community;
  out(`VK sandbox on ${sandbox.url}/  (fake VK API: ${sandbox.apiUrl}; ${restored ? 'state restored from' : 'state kept in'} ${stateFile})`);
  out('Demo VK community — paste these into the console: Admin → Lines → Channels → "Connect VK community":');
  out(`  community id:        ${c.id}`);
  out(`  confirmation string: ${c.confirmation}`);
  out(`  secret key:          ${c.secret}`);
  out(`  access token:        ${c.token}`);
  out(`then paste the webhook URL Parley shows into "Callback API settings" on ${sandbox.url}/` + (c.callbackUrl ? ` (currently ${c.callbackUrl})` : ''));
  const bot = sandbox.telegram.bot;
  out(`Telegram sandbox on ${sandbox.url}/telegram  (fake Bot API: TELEGRAM_API_URL=${sandbox.url})`);
  out(`Demo Telegram bot @${bot.username} — paste its token into "Connect Telegram bot" (Parley calls setWebhook itself):`);
  out(`  bot token:           ${bot.token}`);
  const viber = sandbox.viber.bot;
  out(`Viber sandbox on ${sandbox.url}/viber  (fake REST Bot API: VIBER_API_URL=${sandbox.url}/viber/pa)`);
  out(`Demo Viber bot "${viber.name}" (${sandbox.viber.deepLink}) — paste its auth token into "Connect Viber bot" (Parley calls set_webhook itself):`);
  out(`  auth token:          ${viber.authToken}`);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    sandbox
      .stop()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        process.stderr.write(`sandbox: could not save its state: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
      });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`sandbox failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
