import { eventStoreMigrations } from '@parley/event-store';
import { openServiceDatabase } from '@parley/service-kit';
import type { DataSource } from 'typeorm';
import { SCHEMA } from '../conversation-service.config';
import { ConversationReadModels1763900000000, MessageEditedAt1764600000000, ReplyReceipts1765000000000 } from './read-model.migrations';

/**
 * Connects to Postgres and brings the `conversation` schema up to date: event store tables, then the service's own
 * tables, under the `conversation:migrations` advisory lock. Migrations are recorded in `conversation.migrations`.
 */
export function createDataSource(url: string): Promise<DataSource> {
  return openServiceDatabase({
    url,
    schema: SCHEMA,
    migrations: [...eventStoreMigrations(SCHEMA), ConversationReadModels1763900000000, MessageEditedAt1764600000000, ReplyReceipts1765000000000],
    applicationName: 'conversation-service',
    poolSize: 20,
    migrationLockKey: `${SCHEMA}:migrations`,
  });
}
