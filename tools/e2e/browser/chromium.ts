import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`); no browser is downloaded: the machine has no internet. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Flags for a machine without network: without the background-networking ones Chromium keeps opening connections
 * that are refused (updates, sync, field trials) and logs errors about them.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions of the page (a console bug, not a test failure by itself). */
  pageErrors: string[];
  /** `console.error` lines, failed requests and HTTP answers >= 400, for the test's diagnostics. */
  consoleErrors: string[];
  close(): Promise<void>;
}

export interface LaunchOptions {
  viewport?: { width: number; height: number };
  /** Default timeout of every page action and locator wait, in ms. */
  actionTimeoutMs?: number;
}

/** Starts Debian's Chromium headless with a new empty profile (removed on close) and opens one page. */
export async function launchChromium(options: LaunchOptions = {}): Promise<BrowserSession> {
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'parley-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_ARGS],
      viewport: options.viewport ?? { width: 1280, height: 800 },
      locale: 'en-US',
      timezoneId: 'UTC',
    });
  } catch (err) {
    await rm(userDataDir, { recursive: true, force: true });
    throw err;
  }
  context.setDefaultTimeout(options.actionTimeoutMs ?? 10_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.stack ?? err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(`console.error: ${msg.text()}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) consoleErrors.push(`HTTP ${res.status()}: ${res.request().method()} ${withoutToken(res.url())}`);
  });
  page.on('requestfailed', (req) => consoleErrors.push(`request failed: ${req.method()} ${withoutToken(req.url())} (${req.failure()?.errorText ?? '?'})`));
  return {
    context,
    page,
    pageErrors,
    consoleErrors,
    async close() {
      try {
        await context.close();
      } finally {
        await rm(userDataDir, { recursive: true, force: true });
      }
    },
  };
}

/** URLs of the console may carry `access_token=`; keep it out of logs. */
function withoutToken(url: string): string {
  return url.replace(/access_token=[^&]+/, 'access_token=…');
}
