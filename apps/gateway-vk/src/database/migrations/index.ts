import { GatewayVkSchemaMigration } from './gateway-vk-schema.migration';
import { VkOntoChannelKitMigration } from './vk-onto-channel-kit.migration';

/** gateway-vk's own history, run before the kit's migrations. */
export const GatewayVkMigrations = [GatewayVkSchemaMigration, VkOntoChannelKitMigration];
