import 'reflect-metadata';
import { loadConfig, runService } from '@parley/observability';
import { OutboundDispatcherConfig, SERVICE_NAME } from './outbound-dispatcher.config';

const config = (): OutboundDispatcherConfig => loadConfig(OutboundDispatcherConfig);

void runService({
  serviceName: SERVICE_NAME,
  config,
  // Loaded after tracing has started, so the app's libraries are instrumented.
  module: async () => (await import('./app.module.js')).createAppModule(config()),
});
