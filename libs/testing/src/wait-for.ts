export interface WaitForOptions {
  /** What is awaited, for the error message when the deadline passes. */
  what: string;
  /** Deadline in milliseconds (default 10 s). */
  timeoutMs?: number;
  /** Pause between two probes in milliseconds (default 20 ms). */
  intervalMs?: number;
}

export class WaitTimeoutError extends Error {
  constructor(what: string, timeoutMs: number, lastError?: unknown) {
    const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
    super(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    this.name = 'WaitTimeoutError';
  }
}

/**
 * Polls `probe` until it returns something other than `undefined`/`false`/`null`, and returns that value.
 * This is the only way tests wait: for a condition with a deadline, never for a fixed time.
 * A probe that throws is retried until the deadline; the last error is reported.
 */
export async function waitFor<T>(
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  options: WaitForOptions,
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 20;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) throw new WaitTimeoutError(options.what, timeoutMs, lastError);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
