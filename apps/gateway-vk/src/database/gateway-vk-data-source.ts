import { openServiceDatabase, outboxMigration, outboxTable } from '@parley/service-kit';
import type { DataSource } from 'typeorm';
import { GatewayVkSchemaMigration } from './migrations/gateway-vk-schema.migration';

/** The Postgres schema this service owns; no other service reads or writes it. */
export const GATEWAY_VK_SCHEMA = 'gateway_vk';

/** The ChannelChanged outbox (`gateway_vk.outbox`). */
export const GATEWAY_VK_OUTBOX = outboxTable(GATEWAY_VK_SCHEMA);

/** Connects, creates the schema and runs its migrations under an advisory lock ("gwvk"). */
export function openGatewayVkDatabase(url: string, poolSize = 10): Promise<DataSource> {
  return openServiceDatabase({
    url,
    schema: GATEWAY_VK_SCHEMA,
    migrations: [GatewayVkSchemaMigration, outboxMigration(GATEWAY_VK_SCHEMA)],
    applicationName: 'gateway-vk',
    poolSize,
    migrationLockKey: 0x6777766b,
  });
}
