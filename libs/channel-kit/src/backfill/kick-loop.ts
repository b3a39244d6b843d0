/**
 * Runs `work` now and on every `kick()`, one pass at a time: a kick during a pass runs one more pass after it. A
 * poll kicks as a safety net (work that survived a crash, or was armed by another replica).
 */
export class KickLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;

  constructor(private readonly work: (isStopped: () => boolean) => Promise<void>) {}

  start(pollMs: number): void {
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), pollMs);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = undefined;
    });
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      await this.work(() => this.stopped);
    } while (this.again && !this.stopped);
  }
}
