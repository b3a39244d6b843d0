import 'reflect-metadata';
import { loadConfig, runService } from '@parley/observability';
import { ConversationServiceConfig, SERVICE_NAME } from './conversation-service.config';

const config = (): ConversationServiceConfig => loadConfig(ConversationServiceConfig);

void runService({
  serviceName: SERVICE_NAME,
  config,
  // Loaded after tracing has started, so the app's libraries are instrumented.
  module: async () => (await import('./app.module.js')).createAppModule(config()),
});
