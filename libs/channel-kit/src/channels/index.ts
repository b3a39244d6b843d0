export { channelKitMigrations, channelKitTablesSql, CHANNEL_KIT_MIGRATION_TIMESTAMP } from './channel-kit.migration';
export { credentialBinding } from './channel-credentials';
