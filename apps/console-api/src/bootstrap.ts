import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { createValidationPipe, loadConfig, runService, type RunningService, type RunServiceOptions } from '@parley/observability';
import { ConsoleApiConfig, SERVICE_NAME } from './console-api.config';
import { CONSOLE_API_STATUS_MAP } from './console-api.errors';
import { consoleStaticMiddleware } from './static/console-static.middleware';

/** Validation pipe, OpenAPI at /api/docs (+ /api/docs-json), the console's static build at `/`. */
export function configureConsoleApi(app: INestApplication, config: ConsoleApiConfig): void {
  app.useGlobalPipes(createValidationPipe());
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Parley console API')
      .setDescription(
        'REST API of the Parley console. Errors are `{ "error": { "code", "message", "details"? } }`. Live events: ' +
          'WebSocket `/api/live?access_token=<token>[&since=<seq>]` (see docs/api/console-api.md).',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  const serveConsole = consoleStaticMiddleware(config.CONSOLE_STATIC_DIR);
  if (serveConsole) app.use(serveConsole);
}

/**
 * Boots console-api (main.ts with a lazy loader so tracing starts first; the integration tests with `AppModule`).
 */
export function startConsoleApi(
  module: RunServiceOptions['module'],
  overrides: Partial<RunServiceOptions> = {},
): Promise<RunningService | undefined> {
  let config: ConsoleApiConfig | undefined;
  return runService({
    serviceName: SERVICE_NAME,
    config: () => (config = loadConfig(ConsoleApiConfig)),
    module,
    httpStatusMap: CONSOLE_API_STATUS_MAP,
    configure: (app) => configureConsoleApi(app, config ?? loadConfig(ConsoleApiConfig)),
    ...overrides,
  });
}
