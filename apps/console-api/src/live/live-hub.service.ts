import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { actsOnAllLines } from '@parley/contracts';
import { PARLEY_LOGGER } from '@parley/observability';
import type { Logger as PinoLogger } from 'pino';
import type { Operator } from '../operators/operator.model';
import { toFrame, type FeedRow, type LiveFrame } from './feed.model';
import { FeedRepository } from './feed.repository';

const PAGE = 500;

/** One operator's socket as the hub sees it. */
export interface LiveClient {
  readonly operator: Operator;
  /** Sends a frame; false when the socket is gone or too slow (the hub drops it). */
  send(frame: LiveFrame): boolean;
}

class Subscription {
  /** Highest seq examined for this client (sent or not visible to it). */
  cursor = 0;
  /** The operator as last loaded: a role change applies to the next row offered. */
  operator: Operator;
  constructor(readonly client: LiveClient) {
    this.operator = client.operator;
  }
}

/** Supervisors and admins see every line's events; operators those of the lines they belong to. */
export function visibleTo(operator: Operator, row: FeedRow, members: Map<string, Set<string>>): boolean {
  if (actsOnAllLines(operator.role)) return true;
  return row.lineIds.some((lineId) => members.get(lineId)?.has(operator.id) === true);
}

/**
 * Pushes console.feed rows to sockets in seq order. One pump reads new rows (woken in-process by the feed writer,
 * and by Postgres NOTIFY when another replica wrote them) and offers them to live subscriptions. A client
 * resuming with `since` is replayed from the table and joins the live set only once its cursor has reached the
 * pump's head, in the same tick — so no row is skipped or sent twice across the switch.
 */
@Injectable()
export class LiveHub implements OnApplicationBootstrap {
  private head = 0;
  private readonly live = new Set<Subscription>();
  /** Every attached client, replaying or live. */
  private readonly attached = new Set<Subscription>();
  private pumping = false;
  private again = false;

  constructor(
    @Inject(FeedRepository) private readonly feed: FeedRepository,
    @Inject(PARLEY_LOGGER) private readonly logger: PinoLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.head = await this.feed.lastSeq();
  }

  get connections(): number {
    return this.live.size;
  }

  /** The operator's account changed (e.g. their role): what their sockets may see follows from the next row on. */
  operatorChanged(operator: Operator): void {
    for (const sub of this.attached) if (sub.operator.id === operator.id) sub.operator = operator;
  }

  /** Ids of the operators with an attached socket. */
  connectedOperatorIds(): string[] {
    return [...new Set([...this.attached].map((sub) => sub.operator.id))];
  }

  /** New rows may be there. */
  wake(): void {
    if (this.pumping) {
      this.again = true;
      return;
    }
    void this.pump();
  }

  /** Starts pushing to `client`: rows after `since` first (if given), then live ones. Returns a detach function. */
  async attach(client: LiveClient, since?: number): Promise<() => void> {
    const sub = new Subscription(client);
    let detached = false;
    const detach = (): void => {
      detached = true;
      this.live.delete(sub);
      this.attached.delete(sub);
    };
    this.attached.add(sub);
    if (since === undefined) {
      sub.cursor = this.head;
      this.live.add(sub);
      return detach;
    }
    try {
      await this.replay(sub, since, () => detached);
    } catch (err: unknown) {
      detach();
      throw err;
    }
    return detach;
  }

  /** Sends the rows after `since`, then joins the live set (unless the client went away meanwhile). */
  private async replay(sub: Subscription, since: number, detached: () => boolean): Promise<void> {
    sub.cursor = Math.max(0, Math.min(since, await this.feed.lastSeq()));
    for (;;) {
      const rows = await this.feed.after(sub.cursor, PAGE);
      if (detached()) return;
      if (!this.offer(sub, rows, await this.feed.membersOf(linesOf(rows)))) return;
      // Same tick as the check: the pump cannot run between them.
      if (rows.length < PAGE && sub.cursor >= this.head) {
        this.live.add(sub);
        return;
      }
    }
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      do {
        this.again = false;
        for (;;) {
          const rows = await this.feed.after(this.head, PAGE);
          if (rows.length === 0) break;
          const members = await this.feed.membersOf(linesOf(rows));
          for (const sub of this.live) {
            if (this.offer(sub, rows, members)) continue;
            this.live.delete(sub);
            this.attached.delete(sub);
          }
          this.head = rows[rows.length - 1]?.seq ?? this.head;
          if (rows.length < PAGE) break;
        }
      } while (this.again);
    } catch (err: unknown) {
      this.logger.error({ err }, 'live feed pump failed; next event retries');
    } finally {
      this.pumping = false;
    }
  }

  /** Offers rows in order; false when the client is gone. */
  private offer(sub: Subscription, rows: readonly FeedRow[], members: Map<string, Set<string>>): boolean {
    for (const row of rows) {
      if (row.seq <= sub.cursor) continue;
      sub.cursor = row.seq;
      if (visibleTo(sub.operator, row, members) && !sub.client.send(toFrame(row))) return false;
    }
    return true;
  }
}

function linesOf(rows: readonly FeedRow[]): string[] {
  return [...new Set(rows.flatMap((r) => r.lineIds))];
}
