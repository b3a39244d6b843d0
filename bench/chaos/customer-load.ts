import type { VkFake } from '@parley/testing';
import type { Markers } from './markers';

/** VK user ids of the chaos customers start here (customer k is FIRST_USER_ID + k). */
export const FIRST_USER_ID = 700_000_000;

export interface SentMessage {
  index: number;
  marker: string;
  userId: number;
  /** When the message was written (ms since the load started). */
  writtenAtMs: number;
  /** When the webhook was acknowledged (`ok`), ms since the load started; undefined while not (yet). */
  acknowledgedAtMs?: number;
  /** Deliveries of the webhook (first + retries) so far. */
  attempts: number;
  /** The harness itself failed to hand the message to the fake (not Parley's doing). */
  error?: string;
}

/**
 * Customers writing to the community, open loop: message n is written at `n / rate` seconds whatever happened to
 * the earlier ones (VK does not wait for Parley). Message n comes from customer `n mod customers`. Each write
 * returns once the fake's callback sender has had its webhook acknowledged (it retries until then).
 */
export class CustomerLoad {
  readonly sent: SentMessage[] = [];
  private readonly pending = new Set<Promise<void>>();
  private startedAt = 0;
  private finished: Promise<void> | undefined;

  constructor(
    private readonly vk: VkFake,
    private readonly groupId: number,
    private readonly markers: Markers,
    private readonly options: { messages: number; rate: number; customers: number },
  ) {}

  /** Starts writing; resolves when the last message was written (not acknowledged). */
  start(): Promise<void> {
    this.startedAt = Date.now();
    this.finished = new Promise<void>((resolve) => {
      const tick = (): void => {
        const due = Math.min(this.options.messages, Math.floor(((Date.now() - this.startedAt) / 1000) * this.options.rate) + 1);
        while (this.sent.length < due) this.write(this.sent.length);
        if (this.sent.length >= this.options.messages) resolve();
        else setTimeout(tick, 5);
      };
      tick();
    });
    return this.finished;
  }

  /** Webhooks still being delivered (not acknowledged yet). */
  get unacknowledged(): number {
    return this.pending.size;
  }

  get acknowledged(): number {
    return this.sent.filter((m) => m.acknowledgedAtMs !== undefined).length;
  }

  /** ms since the load started. */
  elapsedMs(): number {
    return Date.now() - this.startedAt;
  }

  private write(index: number): void {
    const customer = index % this.options.customers;
    const message: SentMessage = {
      index,
      marker: this.markers.inbound(index),
      userId: FIRST_USER_ID + customer,
      writtenAtMs: this.elapsedMs(),
      attempts: 0,
    };
    this.sent.push(message);
    const text = `${message.marker} hello from customer ${customer}, message ${Math.floor(index / this.options.customers) + 1}`;
    const promise = this.vk.writeAsCustomer({ groupId: this.groupId, userId: message.userId, text }).then(
      ({ delivery }) => {
        message.attempts = delivery?.attempts.length ?? 0;
        if (delivery?.delivered) message.acknowledgedAtMs = this.elapsedMs();
      },
      (err: unknown) => {
        message.error = err instanceof Error ? err.message : String(err);
      },
    );
    this.pending.add(promise);
    promise.finally(() => this.pending.delete(promise));
  }
}
