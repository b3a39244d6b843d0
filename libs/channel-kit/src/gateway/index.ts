export { GatewayConfig } from './gateway.config';
export type { GatewayDefinition, MigrationClass } from './gateway-definition';
export { GatewayContext } from './gateway-context';
export { createGatewayModule, configureGatewayApp } from './gateway.module';
export { runGateway, type RunGatewayOptions } from './run-gateway';
export { openGatewayDatabase } from './gateway-database';
