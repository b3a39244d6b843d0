import type { DataSource } from 'typeorm';
import { errorContext, silentLogger, type EventStoreLogger } from '../logger';
import { notifyChannel } from '../schema/schema-name';
import { LeaderSession, clientConfigFrom } from './leader-session';
import { WakeSignal } from './wake-signal';

/** Tuning shared by projection runners and the relay. */
export interface ProcessorOptions {
  /** Events per batch (default 1000). */
  batchSize?: number;
  /** Poll when no notification arrives (default 1000 ms). */
  pollIntervalMs?: number;
  /** Re-poll delay while committed events wait behind an in-flight transaction (default 20 ms). */
  horizonRetryMs?: number;
  /** How often a standby instance tries to become the active one (default 500 ms). */
  lockRetryMs?: number;
  /** Pause after a failed batch (default 500 ms). */
  errorBackoffMs?: number;
  logger?: EventStoreLogger;
}

export interface StepOutcome {
  processed: number;
  behindHorizon: boolean;
  /** The checkpoint moved under us (another instance); re-read immediately. */
  conflict?: boolean;
}

/**
 * The loop around a checkpointed processor: become the active instance (advisory lock), run steps back to back
 * while there is work, then sleep until a NOTIFY, the horizon re-poll or the poll interval.
 */
export class LeaderLoop {
  private readonly signal = new WakeSignal();
  private readonly session: LeaderSession;
  private readonly logger: EventStoreLogger;
  private running: Promise<void> | undefined;
  private stopping = false;
  private leader = false;

  constructor(
    dataSource: DataSource,
    schema: string,
    private readonly lockName: string,
    private readonly options: ProcessorOptions,
    private readonly step: () => Promise<StepOutcome>,
    private readonly onLeadership: (leader: boolean) => void = () => undefined,
  ) {
    this.logger = options.logger ?? silentLogger;
    this.session = new LeaderSession(clientConfigFrom(dataSource), `${schema}:${lockName}`, notifyChannel(schema), () =>
      this.signal.wake(),
    );
  }

  get isLeader(): boolean {
    return this.leader && this.session.open;
  }

  get batchSize(): number {
    return this.options.batchSize ?? 1000;
  }

  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.run();
  }

  /** Wakes the loop now (after a rebuild, or when the caller knows there is work). */
  wake(): void {
    this.signal.wake();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.signal.wake();
    await this.running;
    this.running = undefined;
    await this.session.close();
    this.setLeader(false);
  }

  private setLeader(leader: boolean): void {
    if (this.leader === leader) return;
    this.leader = leader;
    this.logger.info(leader ? 'became the active instance' : 'is no longer the active instance', { processor: this.lockName });
    this.onLeadership(leader);
  }

  private async run(): Promise<void> {
    const pollIntervalMs = this.options.pollIntervalMs ?? 1000;
    const horizonRetryMs = this.options.horizonRetryMs ?? 20;
    const lockRetryMs = this.options.lockRetryMs ?? 500;
    const errorBackoffMs = this.options.errorBackoffMs ?? 500;
    while (!this.stopping) {
      try {
        if (!this.session.open) {
          this.setLeader(false);
          await this.session.close();
          await this.session.connect();
        }
        if (!this.leader) {
          if (!(await this.session.tryLock())) {
            await this.signal.sleep(lockRetryMs);
            continue;
          }
          this.setLeader(true);
        }
        const outcome = await this.step();
        if (outcome.conflict || outcome.processed >= this.batchSize) continue;
        await this.signal.sleep(outcome.behindHorizon ? horizonRetryMs : pollIntervalMs);
      } catch (err) {
        if (this.stopping) break;
        this.logger.error('batch failed', { processor: this.lockName, ...errorContext(err) });
        await this.signal.sleep(errorBackoffMs);
      }
    }
  }
}
