import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type ConsumerConfig,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { Streams } from '@parley/contracts';
import type { MessagingLogger } from './logger';
import type { StreamProvisioningOptions } from './messaging-options';

const STREAM_NOT_FOUND = 10059;
const CONSUMER_NOT_FOUND = 10014;
const STREAM_NAME_IN_USE = 10058;
const CONSUMER_NAME_IN_USE = 10013;
const CONSUMER_ALREADY_EXISTS = 10105;

const DAY_MS = 24 * 60 * 60 * 1000;
const MIN_DUPLICATE_WINDOW_MS = 2 * 60 * 1000;

function apiCode(err: unknown): number | undefined {
  return err instanceof JetStreamApiError ? err.code : undefined;
}

/** NATS subject matching with `*` (one token) and `>` (the rest). */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length) return false;
    if (p[i] !== '*' && p[i] !== s[i]) return false;
  }
  return p.length === s.length;
}

/** The Parley stream that captures `subject`, if any. */
export function streamForSubject(subject: string): string | undefined {
  for (const stream of Object.values(Streams)) {
    if (stream.subjects.some((pattern) => subjectMatches(pattern, subject))) return stream.name;
  }
  return undefined;
}

/** The stream configurations Parley runs with. */
export function parleyStreamConfigs(options: StreamProvisioningOptions = {}): StreamConfig[] {
  const duplicateWindow = nanos(Math.max(MIN_DUPLICATE_WINDOW_MS, options.duplicateWindowMs ?? MIN_DUPLICATE_WINDOW_MS));
  const base = {
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    num_replicas: options.replicas ?? 1,
    duplicate_window: duplicateWindow,
  };
  const maxAge = nanos(options.maxAgeMs ?? 7 * DAY_MS);
  return [
    { ...base, name: Streams.INBOUND.name, subjects: [...Streams.INBOUND.subjects], max_age: maxAge },
    { ...base, name: Streams.EVENTS.name, subjects: [...Streams.EVENTS.subjects], max_age: maxAge },
    {
      ...base,
      name: Streams.DLQ.name,
      subjects: [...Streams.DLQ.subjects],
      max_age: nanos(options.deadLetterMaxAgeMs ?? 90 * DAY_MS),
    },
  ] as StreamConfig[];
}

/**
 * Creates each stream or brings an existing one in line (subjects, limits, replicas). Safe at every boot and when
 * several replicas boot at once; immutable settings (storage) are left as they are and reported.
 */
export async function provisionStreams(
  jsm: JetStreamManager,
  logger: MessagingLogger,
  options: StreamProvisioningOptions = {},
): Promise<void> {
  for (const config of parleyStreamConfigs(options)) await ensureStream(jsm, config, logger);
}

export async function ensureStream(jsm: JetStreamManager, config: StreamConfig, logger: MessagingLogger): Promise<void> {
  const existing = await streamInfo(jsm, config.name);
  if (!existing) {
    try {
      await jsm.streams.add(config);
      logger.info('stream created', { stream: config.name });
      return;
    } catch (err) {
      if (apiCode(err) !== STREAM_NAME_IN_USE) throw err;
    }
  }
  const current = existing ?? (await jsm.streams.info(config.name)).config;
  if (current.storage !== config.storage) {
    logger.warn('stream storage differs and cannot be changed in place', {
      stream: config.name,
      current: current.storage,
      wanted: config.storage,
    });
  }
  const subjects = [...new Set([...current.subjects, ...config.subjects])];
  const changed =
    subjects.length !== current.subjects.length ||
    current.max_age !== config.max_age ||
    current.duplicate_window !== config.duplicate_window ||
    current.num_replicas !== config.num_replicas;
  if (!changed) return;
  await jsm.streams.update(config.name, {
    ...current,
    subjects,
    max_age: config.max_age,
    duplicate_window: config.duplicate_window,
    num_replicas: config.num_replicas,
  });
  logger.info('stream updated', { stream: config.name });
}

async function streamInfo(jsm: JetStreamManager, name: string): Promise<StreamConfig | undefined> {
  try {
    return (await jsm.streams.info(name)).config;
  } catch (err) {
    if (apiCode(err) === STREAM_NOT_FOUND) return undefined;
    throw err;
  }
}

/** A durable pull consumer as Parley runs it. */
export interface DurableConsumerSpec {
  stream: string;
  durable: string;
  /** One filter subject (nats-server 2.9 has no multi-filter consumers). */
  filterSubject: string;
  /** Server-side `max_deliver` (the settlement adds reserve deliveries for dead-lettering, see ADR 0004). */
  maxDeliver: number;
  ackWaitMs: number;
  maxAckPending: number;
  description?: string;
}

export function durableConsumerConfig(spec: DurableConsumerSpec): Partial<ConsumerConfig> {
  return {
    durable_name: spec.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: spec.filterSubject,
    max_deliver: spec.maxDeliver,
    ack_wait: nanos(spec.ackWaitMs),
    max_ack_pending: spec.maxAckPending,
    ...(spec.description === undefined ? {} : { description: spec.description }),
  };
}

/** Creates the durable consumer or updates its mutable settings; idempotent and safe under concurrent boots. */
export async function ensureDurableConsumer(
  jsm: JetStreamManager,
  spec: DurableConsumerSpec,
  logger: MessagingLogger,
): Promise<void> {
  const wanted = durableConsumerConfig(spec);
  let current: ConsumerConfig | undefined;
  try {
    current = (await jsm.consumers.info(spec.stream, spec.durable)).config;
  } catch (err) {
    if (apiCode(err) !== CONSUMER_NOT_FOUND) throw err;
  }
  if (!current) {
    try {
      await jsm.consumers.add(spec.stream, wanted);
      logger.info('consumer created', { stream: spec.stream, durable: spec.durable, filter: spec.filterSubject });
      return;
    } catch (err) {
      const code = apiCode(err);
      if (code !== CONSUMER_NAME_IN_USE && code !== CONSUMER_ALREADY_EXISTS) throw err;
      current = (await jsm.consumers.info(spec.stream, spec.durable)).config;
    }
  }
  if (current.filter_subject !== spec.filterSubject && !(current.filter_subjects ?? []).includes(spec.filterSubject)) {
    // Changing what a durable reads is a new durable, not an update (and 2.9 cannot do it).
    throw new Error(
      `consumer ${spec.stream}/${spec.durable} filters ${current.filter_subject ?? current.filter_subjects?.join(',')}, ` +
        `not ${spec.filterSubject}: use a new durable name`,
    );
  }
  const changed =
    current.max_deliver !== wanted.max_deliver ||
    current.ack_wait !== wanted.ack_wait ||
    current.max_ack_pending !== wanted.max_ack_pending;
  if (!changed) return;
  await jsm.consumers.update(spec.stream, spec.durable, {
    max_deliver: wanted.max_deliver,
    ack_wait: wanted.ack_wait,
    max_ack_pending: wanted.max_ack_pending,
  });
  logger.info('consumer updated', { stream: spec.stream, durable: spec.durable });
}
