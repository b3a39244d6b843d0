export { GatewayConfig } from './gateway.config';
export type { GatewayDefinition, MigrationClass } from './gateway-definition';
