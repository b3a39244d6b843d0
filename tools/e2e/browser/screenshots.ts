import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';

/**
 * Numbered full-page screenshots of one test, `test-output/screenshots/<prefix>-NN-<step>.png` (test-output/ is
 * gitignored). The numbering keeps the files in the order the steps ran.
 */
export class ScreenshotRecorder {
  private count = 0;
  readonly saved: string[] = [];

  constructor(
    private readonly dir: string,
    private readonly prefix: string,
  ) {}

  async take(page: Page, step: string): Promise<string> {
    this.count += 1;
    await mkdir(this.dir, { recursive: true });
    const file = path.join(this.dir, `${this.prefix}-${String(this.count).padStart(2, '0')}-${step}.png`);
    await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
    this.saved.push(file);
    return file;
  }
}
