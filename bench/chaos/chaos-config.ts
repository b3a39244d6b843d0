import type { SystemProcessName } from '@parley/tools';
import { envNumber } from '../lib/bench-system';

/** What the chaos run disrupts: one service (SIGKILL + restart), or a restart of nats-server or Postgres. */
export type DisruptionTarget = Exclude<SystemProcessName, 'sandbox'> | 'nats' | 'postgres';

export const ALL_TARGETS: readonly DisruptionTarget[] = [
  'gateway-vk',
  'conversation-service',
  'nats',
  'outbound-dispatcher',
  'console-api',
  'postgres',
  'contact-service',
  'routing-service',
];

export interface ChaosConfig {
  /** Customer messages sent in all (CHAOS_MESSAGES). */
  messages: number;
  /** Messages per second, open loop (CHAOS_RATE). */
  rate: number;
  /** Distinct VK customers the messages are spread over, round robin (CHAOS_CUSTOMERS). */
  customers: number;
  /** Requests the operator bot has in flight at most (CHAOS_BOT_CONCURRENCY). */
  botConcurrency: number;
  /** Pause between two deliveries of one unacknowledged webhook, like VK's retry (CHAOS_CALLBACK_RETRY_MS). */
  callbackRetryMs: number;
  /** How long after the last message the system may take to settle (CHAOS_SETTLE_TIMEOUT_S). */
  settleTimeoutS: number;
  /** The disruptions, in order, spread evenly over the load (CHAOS_DISRUPTIONS; `none` for a calm run). */
  disruptions: DisruptionTarget[];
  /**
   * Acknowledged webhooks sent again (same event_id) once the system has settled, minutes after the first
   * delivery and past JetStream's 2-minute de-duplication window (CHAOS_REPLAY; 0 = none).
   */
  replay: number;
  /** VK's 20 req/s per token answered with error 6 when exceeded, as VK does (CHAOS_VK_ENFORCE_RATE_LIMIT=1); default: only counted. */
  enforceRateLimit: boolean;
  /** How long nats-server and Postgres stay down when restarted, in seconds (CHAOS_INFRA_DOWN_S; 0 = restart at once). */
  infraDownS: number;
  /** Keep the temp state dir and the system log (CHAOS_KEEP_STATE=1; always kept when the run fails). */
  keepState: boolean;
}

/** A count that may be 0. */
function envCount(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number ≥ 0, got "${raw}"`);
  return value;
}

function disruptionsFromEnv(): DisruptionTarget[] {
  const raw = process.env['CHAOS_DISRUPTIONS'];
  if (raw === undefined || raw.trim() === '') return [...ALL_TARGETS];
  if (raw.trim() === 'none') return [];
  return raw.split(',').map((item) => {
    const name = item.trim();
    const target = ALL_TARGETS.find((t) => t === name);
    if (!target) throw new Error(`CHAOS_DISRUPTIONS: unknown target "${name}" (known: ${ALL_TARGETS.join(', ')}, or none)`);
    return target;
  });
}

export function chaosConfigFromEnv(): ChaosConfig {
  const messages = Math.floor(envNumber('CHAOS_MESSAGES', 10_000));
  return {
    messages,
    rate: envNumber('CHAOS_RATE', 100),
    customers: Math.min(messages, Math.floor(envNumber('CHAOS_CUSTOMERS', 2_000))),
    botConcurrency: Math.floor(envNumber('CHAOS_BOT_CONCURRENCY', 8)),
    callbackRetryMs: envNumber('CHAOS_CALLBACK_RETRY_MS', 1_000),
    settleTimeoutS: envNumber('CHAOS_SETTLE_TIMEOUT_S', 600),
    disruptions: disruptionsFromEnv(),
    replay: Math.floor(envCount('CHAOS_REPLAY', 1_000)),
    infraDownS: envCount('CHAOS_INFRA_DOWN_S', 0),
    enforceRateLimit: process.env['CHAOS_VK_ENFORCE_RATE_LIMIT'] === '1',
    keepState: process.env['CHAOS_KEEP_STATE'] === '1',
  };
}
