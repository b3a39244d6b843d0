import 'reflect-metadata';
import { loadConfig, runService } from '@parley/observability';
import { ContactServiceConfig } from './contact-service.config';

type AppModuleFile = typeof import('./app.module.js');

let config: ContactServiceConfig | undefined;

void runService({
  serviceName: 'contact-service',
  config: () => (config = loadConfig(ContactServiceConfig)),
  module: async () => {
    // The build is CommonJS but keeps import() native (ignoreDynamic, for ESM-only packages), and Node then
    // exposes a CommonJS file's exports under `default` only; Jest and tsc see the named export.
    const loaded = (await import('./app.module.js')) as AppModuleFile & { default?: AppModuleFile };
    const { createAppModule } = loaded.default ?? loaded;
    if (!config) throw new Error('config not loaded');
    return createAppModule(config);
  },
});
