import type { BackoffPolicy } from './backoff';
import type { MessagingLogger } from './logger';

/** Connection settings (one NATS connection per service process). */
export interface ConnectionOptions {
  /** Service name: the NATS connection name and the queue group of its request handlers. */
  serviceName: string;
  /** NATS server URL(s), e.g. `process.env.NATS_URL`. */
  servers: string | string[];
  /** Pause between reconnect attempts (ms, default 2000, plus jitter). Reconnects never give up. */
  reconnectTimeWaitMs?: number;
  /** Optional credentials. */
  user?: string;
  pass?: string;
  token?: string;
  logger?: MessagingLogger;
}

/** Defaults for every durable consumer; each `@OnEvent` may override them. */
export interface ConsumerDefaults {
  /**
   * Handler attempts per message before dead-lettering (default 40). With the default backoff (1 s doubling to a
   * 60 s cap) that is about 35 minutes of redeliveries: long enough to ride out a restart or failover of Postgres
   * or of a service the handler calls, so that an outage never dead-letters (loses) a message that was already
   * acknowledged upstream. Poison (contract violations, non-retryable errors) is still dead-lettered at once.
   */
  maxAttempts: number;
  /** Un-acked time before the server redelivers (ms, default 30 s); running handlers are kept alive with `working()`. */
  ackWaitMs: number;
  /** Messages handled at once per consumer in this process (default 16). */
  concurrency: number;
  /** Un-acked messages across all replicas of a consumer (default 1000). */
  maxAckPending: number;
  backoff: BackoffPolicy;
}

export interface StreamProvisioningOptions {
  /** Stream replicas (1 on a single server, 3 on the production cluster). */
  replicas?: number;
  /** Max age of PARLEY_INBOUND / PARLEY_EVENTS (ms, default 7 days). */
  maxAgeMs?: number;
  /** Max age of PARLEY_DLQ (ms, default 90 days). */
  deadLetterMaxAgeMs?: number;
  /** JetStream de-duplication window (ms, default and minimum 2 minutes). */
  duplicateWindowMs?: number;
}

export interface MessagingOptions extends ConnectionOptions {
  consumers?: Partial<ConsumerDefaults>;
  /** Create/update the Parley streams at boot (default true); `false` when an operator owns them. */
  provisionStreams?: boolean | StreamProvisioningOptions;
  /** Bound on waiting for in-flight handlers at shutdown (ms, default 10 s). */
  shutdownTimeoutMs?: number;
  /** Default request timeout for `request()` (ms, default 5 s). */
  requestTimeoutMs?: number;
  /** Concurrent request handlers per subscription (default 32). */
  requestConcurrency?: number;
}

export const defaultConsumer: Omit<ConsumerDefaults, 'backoff'> = {
  maxAttempts: 40,
  ackWaitMs: 30_000,
  concurrency: 16,
  maxAckPending: 1_000,
};
