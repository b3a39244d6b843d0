import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { createTestDatabase, startTestNats, TelegramFake, VkFake, waitFor, type NatsServer, type TestDatabase } from '@parley/testing';
import { freeSystemPorts, startSystem, type RunningSystem } from '../up/src/start-system';
import { chromiumAvailable, CHROMIUM_PATH, launchChromium, type BrowserSession } from './browser/chromium';
import { ConsoleApiClient, type ApiChannel } from './browser/console-api-client';
import { ScreenshotRecorder } from './browser/screenshots';
import { stripedPng } from './browser/test-image';

/*
 * The console in a real browser against the whole system: every service as its own process from dist/ (started by
 * the same startSystem() as `npm run up`), console-api serving the built console, a VK fake standing in for VK.
 * An operator logs in, a VK customer writes (text + photo), the conversation appears live in the queue, the
 * operator opens it, accepts, replies (VK receives messages.send), and closes it. Screenshots of every step go to
 * test-output/screenshots/console-browser-*.png.
 *
 * Needs `npm run build` (the services and the console in dist/) and Debian's Chromium at /usr/bin/chromium.
 * Logs: test-output/console-browser-system.log (every process) and console-browser-page.log (the browser's errors).
 */

const root = path.resolve(__dirname, '../..');
const distDir = path.join(root, 'dist');
const outputDir = path.join(root, 'test-output');
const screenshotDir = path.join(outputDir, 'screenshots');

const ADMIN = { email: 'admin@browser-test.local', password: 'admin-password-1' };
const OPERATOR = { email: 'olga@browser-test.local', name: 'Olga Operator', password: 'operator-password-1' };
const COMMUNITY = { id: 218_000_777, name: 'Parley Shop', token: 'vk-community-token-browser', secret: 'vk-secret-browser', confirmation: 'c0nf1rm' };
const CUSTOMER = { id: 5_550_001, firstName: 'Anna', lastName: 'Smirnova' };
const CUSTOMER_TEXT = 'Hello from VK';
const REPLY_TEXT = 'Hi Anna! Thanks for writing, how can we help?';
const BOT = { token: '7400001:AAHbrowserTestBotToken_abcdefgh', username: 'browser_shop_bot' };
const TG_CUSTOMER = { id: 740_111, firstName: 'Tom', lastName: 'Berg', username: 'tomberg' };
const TG_TEXT = 'Hello from Telegram';
const PDF = Buffer.from('%PDF-1.4\n% parley browser test\n');

/** What the test reads of an `<img>` in the page (the workspace compiles without the DOM library). */
interface LoadedImage {
  complete: boolean;
  naturalWidth: number;
}

/**
 * Deadline for what the system does after one action (webhook → NATS → services → WebSocket → React). A deadline,
 * not an expected time: generous, so a loaded CI machine (2 cores, every service and Chromium) does not flake.
 */
const LIVE_MS = 45_000;

const describeWithChromium = chromiumAvailable() ? describe : describe.skip;
const suiteTitle = chromiumAvailable()
  ? 'console in Chromium against the running system'
  : `console in Chromium against the running system — SKIPPED: ${CHROMIUM_PATH} is missing (apt-get install chromium)`;

describeWithChromium(suiteTitle, () => {
  let nats: NatsServer | undefined;
  let database: TestDatabase | undefined;
  let stateDir: string | undefined;
  let system: RunningSystem | undefined;
  let vk: VkFake | undefined;
  let tg: TelegramFake | undefined;
  let browser: BrowserSession | undefined;
  const systemLog: string[] = [];
  const exits: string[] = [];
  const shots = new ScreenshotRecorder(screenshotDir, 'console-browser');

  beforeAll(async () => {
    for (const built of ['apps/console-api/src/main.js', 'apps/gateway-vk/src/main.js', 'apps/gateway-telegram/src/main.js', 'apps/console/index.html']) {
      if (!existsSync(path.join(distDir, built))) throw new Error(`dist/${built} is missing: run \`npm run build\` before this test`);
    }
    vk = await VkFake.start({ callbackRetry: { maxRetries: 2, delayMs: 200, timeoutMs: 10_000 } });
    vk.addCommunity({ id: COMMUNITY.id, name: COMMUNITY.name, token: COMMUNITY.token, secret: COMMUNITY.secret, confirmation: COMMUNITY.confirmation });
    vk.addUser({ ...CUSTOMER, avatar: stripedPng(100, 100, [[0x1f, 0x9d, 0x6b], [0xff, 0xff, 0xff]]) });

    tg = await TelegramFake.start({ webhookRetry: { maxAttempts: 3, baseDelayMs: 200 } });
    tg.addBot(BOT);
    tg.addCustomer({ ...TG_CUSTOMER, photo: stripedPng(80, 80, [[0x22, 0x6f, 0xd1], [0xff, 0xff, 0xff]]) });

    nats = await startTestNats();
    database = await createTestDatabase('parley_browser');
    stateDir = await mkdtemp(path.join(tmpdir(), 'parley-browser-state-'));
    system = await startSystem({
      root,
      stateDir,
      distDir,
      ports: await freeSystemPorts(),
      natsUrl: nats.url,
      databaseUrl: database.url,
      vkApiUrl: vk.apiUrl,
      env: { PARLEY_ADMIN_EMAIL: ADMIN.email, PARLEY_ADMIN_PASSWORD: ADMIN.password, LOG_LEVEL: 'warn', TELEGRAM_API_URL: tg.apiUrl, VIBER_API_URL: 'http://127.0.0.1:9' },
      readyTimeoutMs: 60_000,
      write: (line) => systemLog.push(line),
      onProcessExit: (name, code, signal) => exits.push(`${name} exited (${signal ?? String(code)})`),
    });
    const missing = system.skipped;
    if (missing.length > 0) throw new Error(`not built, so not started: ${missing.join(', ')} (run \`npm run build\`)`);

    // Setup over HTTP, as an admin would do it in the console.
    const admin = await ConsoleApiClient.login(system.consoleApiUrl, ADMIN.email, ADMIN.password);
    const operator = await admin.createOperator({ ...OPERATOR, role: 'operator' });
    const line = await admin.createLine({ name: 'VK support', sessionRule: { mode: 'reopen' } });
    await admin.setLineMembers(line.id, [operator.id]);
    const channel: ApiChannel = await admin.connectVk(line.id, 'VK: Parley Shop', {
      groupId: String(COMMUNITY.id),
      confirmation: COMMUNITY.confirmation,
      secret: COMMUNITY.secret,
      token: COMMUNITY.token,
    });
    vk.setCallbackUrl(COMMUNITY.id, channel.webhookUrl);
    const confirmation = await vk.confirm(COMMUNITY.id);
    if (!confirmation.ok || confirmation.body !== COMMUNITY.confirmation) {
      throw new Error(`the webhook ${channel.webhookUrl} did not confirm: ${JSON.stringify(confirmation)}`);
    }

    // The same line answers Telegram too: Parley registers the bot's webhook itself.
    const bot = await admin.connectTelegram(line.id, 'Telegram: Parley Shop', BOT.token);
    if (tg.webhookInfo(BOT.token).url !== bot.webhookUrl) throw new Error(`setWebhook was not called with ${bot.webhookUrl}`);

    browser = await launchChromium({ viewport: { width: 1280, height: 800 }, actionTimeoutMs: 30_000 });
  }, 80_000);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
    await vk?.stop();
    await tg?.stop();
    await nats?.shutdown();
    await database?.drop();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
    await mkdir(outputDir, { recursive: true });
    await writeFile(path.join(outputDir, 'console-browser-system.log'), `${systemLog.join('\n')}\n`);
    const pageLog = [...(browser?.pageErrors ?? []).map((e) => `page error: ${e}`), ...(browser?.consoleErrors ?? [])];
    await writeFile(path.join(outputDir, 'console-browser-page.log'), `${pageLog.join('\n')}\n`);
    if (pageLog.length > 0) {
      process.stderr.write(`console-browser: ${pageLog.length} browser diagnostics (uncaught errors, HTTP >= 400) in test-output/console-browser-page.log\n`);
    }
  }, 60_000);

  /** A failed step's error gets what explains it: processes that died, page errors, the end of the system log. */
  async function explained(run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (err) {
      const context = [
        ...exits,
        ...(browser?.pageErrors ?? []).map((e) => `page error: ${e}`),
        ...(browser?.consoleErrors ?? []),
        '--- last lines of the system log (all of it in test-output/console-browser-system.log) ---',
        ...systemLog.slice(-30),
      ].join('\n');
      if (err instanceof Error) err.message = `${err.message}\n\n${context}`;
      throw err;
    }
  }

  it('an operator sees a VK message arrive live, answers it (VK receives it) and closes the conversation', () =>
    explained(async () => {
      const { page } = requireBrowser(browser);
      const api = requireSystem(system);
      const fake = requireVk(vk);

      // Log in through the form.
      await page.goto(api.consoleApiUrl);
      await page.getByTestId('login-email').fill(OPERATOR.email);
      await page.getByTestId('login-password').fill(OPERATOR.password);
      await shots.take(page, 'login-form');
      await page.getByTestId('login-submit').click();
      await page.getByTestId('current-operator').filter({ hasText: OPERATOR.name }).waitFor();
      await expectAttribute(page.getByTestId('connection-status'), 'data-state', 'open', 'the live connection to open');
      await page.getByTestId('conversation-list-empty').waitFor();
      await shots.take(page, 'empty-queue');

      // A marker that a reload would wipe: the conversation must come over the WebSocket, not from a new page load.
      await page.evaluate(() => {
        (globalThis as { parleyNoReload?: boolean }).parleyNoReload = true;
      });

      // The customer writes in VK: text and a photo.
      const photo = stripedPng(240, 160);
      const written = await fake.writeAsCustomer({
        groupId: COMMUNITY.id,
        userId: CUSTOMER.id,
        text: CUSTOMER_TEXT,
        attachments: [{ type: 'photo', bytes: photo, mime: 'image/png', width: 240, height: 160 }],
      });
      expect(written.delivery?.delivered).toBe(true);

      const item = page.getByTestId('queue-item').filter({ hasText: CUSTOMER_TEXT });
      await item.waitFor({ timeout: LIVE_MS });
      await item.getByTestId('conversation-contact-name').filter({ hasText: `${CUSTOMER.firstName} ${CUSTOMER.lastName}` }).waitFor({ timeout: LIVE_MS });
      await expectText(page.getByTestId('queue-count'), '1', 'the queue counter to show 1');
      expect(await page.evaluate(() => (globalThis as { parleyNoReload?: boolean }).parleyNoReload)).toBe(true);
      await shots.take(page, 'queue-live');

      // Open it: the customer's text and photo.
      await item.click();
      const view = page.getByTestId('conversation-view');
      await expectAttribute(view, 'data-status', 'queued', 'the conversation view to open');
      const inbound = view.locator('[data-testid="conversation-message"][data-direction="inbound"]');
      await inbound.getByTestId('message-text').filter({ hasText: CUSTOMER_TEXT }).waitFor();
      const image = inbound.getByTestId('message-image');
      await image.waitFor();
      await waitFor(() => image.evaluate((img: unknown) => (img as LoadedImage).complete && (img as LoadedImage).naturalWidth === 240), {
        what: 'the customer photo to load in the conversation (naturalWidth 240)',
        timeoutMs: LIVE_MS,
        intervalMs: 100,
      });
      // The contact card shows the VK profile photo copied into the attachment store (100×100 in the fake).
      const avatar = page.getByTestId('contact-card').locator('img.avatar');
      await avatar.waitFor({ timeout: LIVE_MS });
      await waitFor(() => avatar.evaluate((img: unknown) => (img as LoadedImage).complete && (img as LoadedImage).naturalWidth === 100), {
        what: 'the contact avatar to load (naturalWidth 100)',
        timeoutMs: LIVE_MS,
        intervalMs: 100,
      });
      await shots.take(page, 'conversation-open');

      // Accept.
      await view.getByTestId('accept-button').click();
      await expectAttribute(view, 'data-status', 'assigned', 'the conversation to be assigned');
      await page.getByTestId('composer-input').waitFor({ state: 'visible' });
      await expectEnabled(page.getByTestId('composer-input'), 'the composer to be enabled after accepting');
      await shots.take(page, 'accepted');

      // Reply; it becomes delivered once VK took it.
      await page.getByTestId('composer-input').fill(REPLY_TEXT);
      await page.getByTestId('composer-send').click();
      const reply = view.locator('[data-testid="conversation-message"][data-direction="outbound"]').filter({ hasText: REPLY_TEXT });
      await reply.waitFor();
      await expectAttribute(reply, 'data-status', 'delivered', 'the reply to be delivered');
      await expectAttribute(reply.getByTestId('message-status'), 'data-status', 'delivered', 'the reply status label to say delivered');
      expect(await page.getByTestId('composer-input').inputValue()).toBe('');
      await shots.take(page, 'reply-delivered');

      const sends = fake.calls('messages.send').filter((c) => c.params['message'] === REPLY_TEXT);
      expect(sends).toHaveLength(1);
      const send = sends[0]!;
      expect(send.token).toBe(COMMUNITY.token);
      expect(Number(send.params['peer_id'] ?? send.params['user_id'])).toBe(CUSTOMER.id);
      expect('response' in send.result).toBe(true);
      expect(fake.sentMessages(CUSTOMER.id).map((m) => m.text)).toContain(REPLY_TEXT);

      // Close.
      await view.getByTestId('close-button').click();
      await expectAttribute(view, 'data-status', 'closed', 'the conversation to be closed');
      await page.getByTestId('composer-disabled-reason').waitFor();
      await shots.take(page, 'closed');

      await page.getByTestId('nav-closed').click();
      await page.locator(`[data-testid="closed-item"][data-conversation-id="${await view.getAttribute('data-conversation-id')}"]`).waitFor();
      await shots.take(page, 'closed-list');

      expect(browser?.pageErrors ?? []).toEqual([]);
      expect(exits).toEqual([]);
    }),
    60_000,
  );

  it('in the same line, the operator answers a Telegram customer and the VK customer with text and a file', () =>
    explained(async () => {
      const { page } = requireBrowser(browser);
      const telegram = requireTelegram(tg);
      const fake = requireVk(vk);
      await page.getByTestId('nav-queue').click();

      // The Telegram customer writes text and a photo; the VK customer writes again (rule "reopen").
      const photo = stripedPng(200, 120);
      await telegram.customerSends({ bot: BOT.token, customerId: TG_CUSTOMER.id, text: TG_TEXT });
      await telegram.customerSends({ bot: BOT.token, customerId: TG_CUSTOMER.id, photo: { bytes: photo, width: 200, height: 120, mime: 'image/png' } });
      await fake.writeAsCustomer({ groupId: COMMUNITY.id, userId: CUSTOMER.id, text: 'One more thing from VK' });

      const tgItem = page.getByTestId('queue-item').filter({ hasText: `${TG_CUSTOMER.firstName} ${TG_CUSTOMER.lastName}` });
      await tgItem.waitFor({ timeout: LIVE_MS });
      await page.getByTestId('queue-item').filter({ hasText: 'One more thing from VK' }).waitFor({ timeout: LIVE_MS });
      await shots.take(page, 'queue-telegram-and-vk');

      await answerWithFile(page, tgItem, TG_TEXT, 'Hi Tom, here is your invoice', 'invoice.pdf');
      const toTom = telegram.sentMessages(TG_CUSTOMER.id);
      expect(toTom.map((m) => [m.method, m.caption, m.file?.fileName])).toEqual([['sendDocument', 'Hi Tom, here is your invoice', 'invoice.pdf']]);
      expect(Buffer.compare(toTom[0]?.file?.bytes ?? Buffer.alloc(0), PDF)).toBe(0);
      await shots.take(page, 'telegram-answered');

      const vkItem = page.getByTestId('queue-item').filter({ hasText: 'One more thing from VK' });
      await answerWithFile(page, vkItem, 'One more thing from VK', 'Ivan, the invoice for VK', 'invoice-vk.pdf');
      const doc = fake.calls('docs.save');
      expect(doc).toHaveLength(1);
      expect(fake.sentMessages(CUSTOMER.id).map((m) => m.text)).toContain('Ivan, the invoice for VK');
      await shots.take(page, 'vk-answered');

      expect(browser?.pageErrors ?? []).toEqual([]);
      expect(exits).toEqual([]);
    }),
    60_000,
  );
});

/** Opens a queued conversation, accepts it, and answers with a text and a file; resolves once it is delivered. */
async function answerWithFile(page: Page, item: Locator, inboundText: string, text: string, fileName: string): Promise<void> {
  await item.click();
  const view = page.getByTestId('conversation-view');
  await view.locator('[data-testid="conversation-message"][data-direction="inbound"]').getByTestId('message-text').filter({ hasText: inboundText }).first().waitFor();
  await view.getByTestId('accept-button').click();
  await expectAttribute(view, 'data-status', 'assigned', 'the conversation to be assigned');
  await page.getByTestId('composer-file-input').setInputFiles({ name: fileName, mimeType: 'application/pdf', buffer: PDF });
  await page.getByTestId('composer-attachment').filter({ hasText: fileName }).waitFor();
  await page.getByTestId('composer-input').fill(text);
  await page.getByTestId('composer-send').click();
  const reply = view.locator('[data-testid="conversation-message"][data-direction="outbound"]').filter({ hasText: text });
  await reply.waitFor();
  await expectAttribute(reply, 'data-status', 'delivered', `the reply "${text}" to be delivered`);
}

async function expectAttribute(locator: Locator, name: string, value: string, what: string): Promise<void> {
  await locator.first().waitFor();
  await waitFor(
    async () => {
      const seen = await locator.first().getAttribute(name);
      if (seen !== value) throw new Error(`${name} is ${JSON.stringify(seen)}`);
      return true;
    },
    { what: `${what} (${name}="${value}")`, timeoutMs: LIVE_MS, intervalMs: 50 },
  );
}

async function expectText(locator: Locator, text: string, what: string): Promise<void> {
  await waitFor(
    async () => {
      const seen = (await locator.first().textContent())?.trim();
      if (seen !== text) throw new Error(`it shows ${JSON.stringify(seen)}`);
      return true;
    },
    { what, timeoutMs: LIVE_MS, intervalMs: 50 },
  );
}

async function expectEnabled(locator: Locator, what: string): Promise<void> {
  await waitFor(() => locator.first().isEnabled(), { what, timeoutMs: LIVE_MS, intervalMs: 50 });
}

function requireBrowser(session: BrowserSession | undefined): { page: Page } {
  if (!session) throw new Error('Chromium did not start (see beforeAll)');
  return { page: session.page };
}

function requireSystem(running: RunningSystem | undefined): RunningSystem {
  if (!running) throw new Error('the system did not start (see beforeAll)');
  return running;
}

function requireTelegram(fake: TelegramFake | undefined): TelegramFake {
  if (!fake) throw new Error('the Telegram fake did not start (see beforeAll)');
  return fake;
}

function requireVk(fake: VkFake | undefined): VkFake {
  if (!fake) throw new Error('the VK fake did not start (see beforeAll)');
  return fake;
}
