import { randomUUID } from 'node:crypto';
import { GatewayRequestsByType, ParleyError, CommonErrorCodes, SendErrorCodes, type SendReceipt } from '@parley/contracts';
import type { RequestClient } from '@parley/messaging';
import type { Logger as PinoLogger } from 'pino';
import type { RateLimiter } from '../rate-limit/rate-limiter';
import type { DeliveryOutcomes } from './delivery-outcomes';
import type { ClaimedDelivery, DeliveryRepository } from './delivery.repository';
import type { DispatcherMetrics } from './dispatcher-metrics';
import { decideAfterFailure, type RetryPolicy, type SendFailure } from './retry-policy';

export interface DeliveryWorkerOptions {
  maxInFlight: number;
  sendTimeoutMs: number;
  leaseMs: number;
  pollMs: number;
  retry: RetryPolicy;
}

const CLAIM_BATCH = 64;
/** Wait on a channel throttled without a retry-after. */
const DEFAULT_THROTTLE_PAUSE_MS = 1_000;

/**
 * Sends recorded replies. One scheduling loop claims due conversation heads within each channel's rate budget
 * and starts their sends (up to `maxInFlight`); each send waits for its tokens, calls the gateway, and records
 * the outcome. The loop runs when woken (a reply recorded here or, via NOTIFY, elsewhere; a send finished) and
 * otherwise at the earliest of: a due retry or expired lease, a channel's next token, the safety poll.
 */
export class DeliveryWorker {
  private readonly inFlight = new Set<Promise<void>>();
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private timer: NodeJS.Timeout | undefined;
  private depthTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly outcomes: DeliveryOutcomes,
    private readonly limiter: RateLimiter,
    private readonly requests: RequestClient,
    private readonly metrics: DispatcherMetrics,
    private readonly logger: PinoLogger,
    private readonly options: DeliveryWorkerOptions,
    private readonly onOutcome: () => void,
  ) {}

  start(): void {
    this.stopped = false;
    this.depthTimer = setInterval(() => void this.reportDepth(), 5_000);
    this.depthTimer.unref();
    this.kick();
  }

  /** Stops claiming and waits for the sends in flight to be recorded. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.depthTimer);
    await this.running;
    await Promise.all([...this.inFlight]);
  }

  /** There may be new work: run the scheduling loop (concurrent kicks coalesce into one more pass). */
  kick(): void {
    if (this.stopped) return;
    if (this.running !== undefined) {
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
      let nextMs: number = this.options.pollMs;
      try {
        nextMs = await this.pass();
      } catch (err: unknown) {
        this.logger.warn({ err }, 'delivery scheduling failed; retrying at the next poll');
      }
      if (!this.stopped) this.arm(nextMs);
    } while (this.again && !this.stopped);
  }

  private arm(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.kick(), Math.max(5, Math.ceil(ms)));
    this.timer.unref();
  }

  /** Claims and starts what may go now; returns ms until the loop should look again. */
  private async pass(): Promise<number> {
    for (;;) {
      const free = this.options.maxInFlight - this.inFlight.size;
      if (free <= 0 || this.stopped) return this.options.pollMs; // a finishing send kicks again
      const now = Date.now();
      this.limiter.prune(now);
      const limit = Math.min(free, CLAIM_BATCH);
      const claimed = await this.deliveries.claim({
        limit,
        allowances: this.limiter.allowances(now),
        bursts: this.limiter.burstsByType(),
        claimToken: randomUUID(),
        leaseMs: this.options.leaseMs,
      });
      for (const claim of claimed) this.track(this.deliver(claim));
      if (claimed.length < limit) break;
    }
    const now = Date.now();
    const allowances = this.limiter.allowances(now);
    const exhausted = Object.keys(allowances).filter((id) => allowances[id] === 0);
    const candidates = [this.options.pollMs, await this.deliveries.msUntilNextDue(exhausted), this.limiter.nextRefillInMs(now)];
    return Math.min(...candidates.filter((ms): ms is number => ms !== undefined));
  }

  private track(task: Promise<void>): void {
    this.inFlight.add(task);
    void task.finally(() => {
      this.inFlight.delete(task);
      this.kick();
    });
  }

  private async deliver(claim: ClaimedDelivery): Promise<void> {
    try {
      const waitMs = this.limiter.reserve(
        { channelId: claim.channelId, channelType: claim.channelType, externalChatId: claim.externalChatId, attachmentCount: claim.attachmentCount },
        Date.now(),
      );
      if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
      const receipt = await this.send(claim);
      if (receipt instanceof ParleyError) await this.recordFailure(claim, receipt);
      else await this.recordDelivered(claim, receipt);
    } catch (err: unknown) {
      // Recording failed (database down): the lease runs out and the reply is sent again (idempotent by reply id).
      this.logger.error({ err, replyId: claim.replyId }, 'could not record a send outcome; the reply will be retried after its lease');
    }
  }

  private async send(claim: ClaimedDelivery): Promise<SendReceipt | ParleyError> {
    const definition = GatewayRequestsByType[claim.channelType].send;
    const stop = this.metrics.sendLatency.startTimer({ channel_type: claim.channelType });
    try {
      const receipt = await this.requests.request(definition, claim.payload, { correlationId: claim.correlationId, causationId: claim.causationId }, {
        timeoutMs: this.options.sendTimeoutMs,
      });
      this.metrics.sends.inc({ channel_type: claim.channelType, result: 'ok' });
      return receipt;
    } catch (err: unknown) {
      this.metrics.sends.inc({ channel_type: claim.channelType, result: 'error' });
      if (err instanceof ParleyError) return err;
      return new ParleyError(CommonErrorCodes.INTERNAL, err instanceof Error ? err.message : String(err), { retryable: true, cause: err });
    } finally {
      stop();
    }
  }

  private async recordDelivered(claim: ClaimedDelivery, receipt: SendReceipt): Promise<void> {
    const sentAt = new Date(receipt.sentAt);
    const deliveredAt = Number.isNaN(sentAt.getTime()) ? new Date() : sentAt;
    if (await this.outcomes.delivered(claim, { externalMessageId: receipt.externalMessageId, deliveredAt })) {
      this.metrics.deliveryLatency.observe({ channel_type: claim.channelType }, (Date.now() - claim.recordedAt.getTime()) / 1000);
      this.onOutcome();
    } else {
      this.logger.warn({ replyId: claim.replyId }, 'delivered, but the claim had passed to another replica; its outcome counts');
    }
  }

  private async recordFailure(claim: ClaimedDelivery, error: ParleyError): Promise<void> {
    const failure = toSendFailure(error);
    const now = Date.now();
    if (failure.code === SendErrorCodes.RATE_LIMITED) {
      this.limiter.pauseChannel(claim.channelId, claim.channelType, now + (failure.retryAfterMs ?? DEFAULT_THROTTLE_PAUSE_MS), now);
    }
    const decision = decideAfterFailure({
      policy: this.options.retry,
      failure,
      attempts: claim.attempts,
      recordedAt: claim.recordedAt.getTime(),
      now,
      random: Math.random(),
    });
    const log = { replyId: claim.replyId, conversationId: claim.conversationId, attempts: claim.attempts, code: failure.code };
    if (decision.kind === 'retry') {
      this.metrics.retries.inc({ channel_type: claim.channelType, code: failure.code });
      this.logger.info({ ...log, delayMs: decision.delayMs }, 'send failed; retrying later');
      await this.outcomes.retryLater(claim, { delayMs: decision.delayMs, code: failure.code, reason: failure.message, messengerErrorCode: failure.messengerErrorCode });
      return;
    }
    this.logger.warn({ ...log, finalCode: decision.code, reason: decision.reason }, 'reply failed');
    if (await this.outcomes.failed(claim, { code: decision.code, reason: decision.reason, messengerErrorCode: failure.messengerErrorCode })) {
      this.metrics.failures.inc({ channel_type: claim.channelType, code: decision.code });
      this.onOutcome();
    }
  }

  private async reportDepth(): Promise<void> {
    try {
      const depth = await this.deliveries.depth();
      this.metrics.queueDepth.set({ status: 'pending' }, depth.pending);
      this.metrics.queueDepth.set({ status: 'sending' }, depth.sending);
    } catch (err: unknown) {
      this.logger.debug({ err }, 'queue depth not available');
    }
  }
}

/**
 * The messenger's own code, when the gateway put it in the error's details (`messengerErrorCode`, e.g. VK 901).
 */
export function toSendFailure(error: ParleyError): SendFailure {
  const raw = error.options.details?.['messengerErrorCode'];
  const messengerErrorCode = typeof raw === 'string' || typeof raw === 'number' ? String(raw) : undefined;
  return {
    code: error.code,
    message: error.message,
    retryable: error.retryable,
    ...(error.options.retryAfterMs === undefined ? {} : { retryAfterMs: error.options.retryAfterMs }),
    ...(messengerErrorCode === undefined ? {} : { messengerErrorCode }),
  };
}
