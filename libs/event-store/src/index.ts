export * from './event-store.types';
export { PostgresEventStore, type AppendOptions, type ReadStreamOptions, type ReadAllOptions } from './event-store';
export {
  ConcurrencyConflictError,
  IdempotencyConflictError,
  InvalidAppendError,
  EventStoreErrorCodes,
} from './append/event-store.errors';
export { eventStoreMigrations } from './schema/event-store.migrations';
export { runEventStoreMigrations } from './schema/run-event-store-migrations';
export { assertSchemaName, notifyChannel, eventStoreTables, type EventStoreTables } from './schema/schema-name';
export { handleWithRetry, type StreamFold, type HandleOptions, type HandleResult, type Decide } from './command/command-handler';
export { CheckpointStore } from './processing/checkpoint-store';
export type { ProcessorOptions } from './processing/leader-loop';
export type { Projection } from './projection/projection';
export { ProjectionRunner, rebuildProjection, type ProjectionRunnerOptions } from './projection/projection-runner';
export type { EventPublisher, SubjectFor } from './relay/event-publisher';
export { toEnvelope, envelopeHeaders } from './relay/envelope.mapper';
export { JetStreamEventPublisher, type JetStreamEventPublisherOptions } from './relay/jetstream-event-publisher';
export { EventRelay, type EventRelayOptions } from './relay/event-relay';
export { silentLogger, type EventStoreLogger } from './logger';
