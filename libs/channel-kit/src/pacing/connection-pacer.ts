import { ParleyError, SendErrorCodes } from '@parley/contracts';
import type { RateBudget } from '../adapter/channel-capabilities';
import type { SharedRateBudget } from './shared-rate-budget';
import { PacerWaitTimeout, TokenPacer } from './token-pacer';

export interface ConnectionPacerOptions {
  /** A call that cannot get its slots within this many ms is refused (`budgetBusy`); default: no bound. */
  maxWaitMs?: number;
  /** Every slot counts as taken during the first window after start (see TokenPacer). */
  coldStart?: boolean;
  now?: () => number;
}

/**
 * The retryable refusal of a call that got no slot within its wait: RATE_LIMITED (our own throttling, so the
 * dispatcher pauses the channel a moment and the channel's health is not counted down).
 */
export function budgetBusy(err: PacerWaitTimeout, what: string): ParleyError {
  return new ParleyError(SendErrorCodes.RATE_LIMITED, `${what}: the request budget is busy, try again`, {
    retryable: true,
    retryAfterMs: 1_000,
    details: { waitedMs: err.waitedMs },
  });
}

/**
 * The capability table's rate budgets per connection and per chat. In the process, a TokenPacer orders calls (a
 * reply before a profile look-up) and holds each slot until a window after its answer; across replicas, the shared
 * budget (Postgres) admits a call only when every replica together stays within it. A chat slot is taken before the
 * connection's, so a busy chat never holds connection slots while it waits. With `maxWaitMs`, a call that could not
 * get every slot in time is refused (retryable RATE_LIMITED) and holds none: its caller has given up and retries.
 */
export class ConnectionPacer {
  private readonly connections: TokenPacer;
  private readonly chats: TokenPacer | undefined;

  private readonly maxWaitMs: number | undefined;
  private readonly now: () => number;

  constructor(
    private readonly budgets: { perConnection: RateBudget; perChat?: RateBudget },
    private readonly shared?: SharedRateBudget,
    options: ConnectionPacerOptions = {},
  ) {
    this.maxWaitMs = options.maxWaitMs;
    this.now = options.now ?? Date.now;
    const pacerOptions = { coldStart: options.coldStart ?? false, now: this.now };
    this.connections = new TokenPacer(budgets.perConnection.calls, budgets.perConnection.perMs, pacerOptions);
    this.chats = budgets.perChat ? new TokenPacer(budgets.perChat.calls, budgets.perChat.perMs, pacerOptions) : undefined;
  }

  /** Resolves with the release of the call's slots; rejects with a retryable RATE_LIMITED after `maxWaitMs`. */
  async acquire(connectionId: string, options: { chat?: string; priority?: number } = {}): Promise<() => void> {
    const priority = options.priority ?? 0;
    const deadline = this.maxWaitMs === undefined ? undefined : this.now() + this.maxWaitMs;
    const left = (): number | undefined => (deadline === undefined ? undefined : Math.max(0, deadline - this.now()));
    const chatKey = options.chat === undefined ? undefined : `${connectionId}:chat:${options.chat}`;
    let chatRelease: ((used?: boolean) => void) | undefined;
    let release: ((used?: boolean) => void) | undefined;
    try {
      if (this.chats && chatKey !== undefined) chatRelease = await this.chats.acquire(chatKey, priority, left());
      release = await this.connections.acquire(connectionId, priority, left());
      if (this.shared) {
        if (chatKey !== undefined && this.budgets.perChat) await this.shared.take(chatKey, this.budgets.perChat, deadline);
        await this.shared.take(connectionId, this.budgets.perConnection, deadline);
      }
    } catch (err: unknown) {
      // The call is not made: its in-process slots are free again at once (a shared slot already taken stays spent).
      release?.(false);
      chatRelease?.(false);
      throw err instanceof PacerWaitTimeout ? budgetBusy(err, `channel ${connectionId}`) : err;
    }
    const held = release;
    return () => {
      held();
      chatRelease?.();
    };
  }
}
