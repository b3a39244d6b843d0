import type { RateBudget } from '../adapter/channel-capabilities';
import type { SharedRateBudget } from './shared-rate-budget';
import { TokenPacer } from './token-pacer';

/**
 * The capability table's rate budgets per connection and per chat. In the process, a TokenPacer orders calls (a
 * reply before a profile look-up) and holds each slot until a window after its answer; across replicas, the shared
 * budget (Postgres) admits a call only when every replica together stays within it. A chat slot is taken before the
 * connection's, so a busy chat never holds connection slots while it waits.
 */
export class ConnectionPacer {
  private readonly connections: TokenPacer;
  private readonly chats: TokenPacer | undefined;

  constructor(
    private readonly budgets: { perConnection: RateBudget; perChat?: RateBudget },
    private readonly shared?: SharedRateBudget,
  ) {
    this.connections = new TokenPacer(budgets.perConnection.calls, budgets.perConnection.perMs);
    this.chats = budgets.perChat ? new TokenPacer(budgets.perChat.calls, budgets.perChat.perMs) : undefined;
  }

  async acquire(connectionId: string, options: { chat?: string; priority?: number } = {}): Promise<() => void> {
    const priority = options.priority ?? 0;
    const chatKey = options.chat === undefined ? undefined : `${connectionId}:chat:${options.chat}`;
    const chatRelease = this.chats && chatKey !== undefined ? await this.chats.acquire(chatKey, priority) : undefined;
    let release: (() => void) | undefined;
    try {
      release = await this.connections.acquire(connectionId, priority);
      if (this.shared) {
        if (chatKey !== undefined && this.budgets.perChat) await this.shared.take(chatKey, this.budgets.perChat);
        await this.shared.take(connectionId, this.budgets.perConnection);
      }
    } catch (err: unknown) {
      release?.();
      chatRelease?.();
      throw err;
    }
    const held = release;
    return () => {
      held();
      chatRelease?.();
    };
  }
}
