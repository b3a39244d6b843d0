import type { RateBudget } from '../adapter/channel-capabilities';
import { TokenPacer } from './token-pacer';

/**
 * The capability table's rate budgets kept per connection and per chat (one process: with several replicas each
 * keeps its own count; a budget shared through NATS is future work). A chat slot is taken before the connection's,
 * so a busy chat never holds connection slots while it waits.
 */
export class ConnectionPacer {
  private readonly connections: TokenPacer;
  private readonly chats: TokenPacer | undefined;

  constructor(budgets: { perConnection: RateBudget; perChat?: RateBudget }) {
    this.connections = new TokenPacer(budgets.perConnection.calls, budgets.perConnection.perMs);
    this.chats = budgets.perChat ? new TokenPacer(budgets.perChat.calls, budgets.perChat.perMs) : undefined;
  }

  async acquire(connectionId: string, options: { chat?: string; priority?: number } = {}): Promise<() => void> {
    const priority = options.priority ?? 0;
    const chatRelease = this.chats && options.chat !== undefined ? await this.chats.acquire(`${connectionId}:${options.chat}`, priority) : undefined;
    const release = await this.connections.acquire(connectionId, priority);
    return () => {
      release();
      chatRelease?.();
    };
  }
}
