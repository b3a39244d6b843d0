export { type AdvisoryLockKey, advisoryKeySql } from './database/advisory-lock';
export {
  type ServiceDataSourceOptions,
  serviceDataSource,
  initialiseServiceDatabase,
  openServiceDatabase,
} from './database/service-data-source';
export { PgListener, type PgListenerOptions } from './database/pg-listener';
export { isUniqueViolation } from './database/postgres-errors';
export { type OutboxTable, outboxTable } from './outbox/outbox-table';
export { type OutboxMessage, type StoredOutboxMessage, toOutboxMessage } from './outbox/outbox-message';
export { outboxMigration, OUTBOX_MIGRATION_TIMESTAMP } from './outbox/outbox.migration';
export { OutboxWriter } from './outbox/outbox-writer';
export { OutboxRelay, type OutboxRelayOptions } from './outbox/outbox-relay';
export { outboxProviders } from './outbox/outbox-providers';
export {
  postgresReadinessCheck,
  natsReadinessCheck,
  registerReadinessChecks,
  type NatsReadinessOptions,
  type MessagingHealthSource,
} from './health/readiness-checks';
export { OutboxServiceLifecycle } from './health/outbox-service-lifecycle';
export { InfraServiceConfig } from './config/infra-service.config';
