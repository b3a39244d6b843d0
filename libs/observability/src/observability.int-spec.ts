import { Body, Controller, Get, Inject, Injectable, Module, Post, type OnModuleInit } from '@nestjs/common';
import { ParleyError } from '@parley/contracts';
import { freePort } from '@parley/testing';
import { IsString } from 'class-validator';
import { Writable } from 'node:stream';
import {
  createLogger,
  createValidationPipe,
  HealthRegistry,
  PARLEY_LOGGER,
  runService,
  ServiceMetrics,
  type PinoLogger,
  type ProcessHooks,
  type RunningService,
} from './index';

class EchoDto {
  @IsString()
  text!: string;
}

@Injectable()
class Dependencies implements OnModuleInit {
  broken = false;
  constructor(private readonly health: HealthRegistry) {}

  onModuleInit(): void {
    this.health.register({ name: 'postgres', check: async () => undefined });
    this.health.register({
      name: 'nats',
      check: async () => {
        if (this.broken) throw new Error('not connected to nats://user:hunter2@localhost:4222');
      },
    });
  }
}

@Controller('demo')
class DemoController {
  private readonly calls;
  constructor(
    metrics: ServiceMetrics,
    @Inject(PARLEY_LOGGER) private readonly logger: PinoLogger,
  ) {
    this.calls = metrics.counter({ name: 'demo_calls_total', help: 'Demo calls', labelNames: ['outcome'] });
  }

  @Get('missing')
  missing(): never {
    this.calls.inc({ outcome: 'not_found' });
    throw new ParleyError('NOT_FOUND', 'conversation c-1 not found', { details: { id: 'c-1' } });
  }

  @Get('crash')
  crash(): never {
    throw new Error('connection string postgres://x:secret@db leaked?');
  }

  @Post('echo')
  echo(@Body() body: EchoDto): EchoDto {
    this.logger.info({ body }, 'echo');
    return body;
  }
}

@Module({ providers: [Dependencies], controllers: [DemoController] })
class DemoModule {}

function fakeProcess(): ProcessHooks & { exited: Promise<number>; emit(signal: 'SIGTERM' | 'SIGINT'): void } {
  const listeners = new Map<string, () => void>();
  let resolveExit: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => (resolveExit = resolve));
  return {
    exited,
    exit: (code) => resolveExit(code),
    on: (signal, listener) => listeners.set(signal, listener),
    off: (signal) => listeners.delete(signal),
    emit: (signal) => listeners.get(signal)?.(),
  };
}

function captureLogs(): { logger: PinoLogger; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger({ service: 'demo', level: 'debug', destination: stream }), text: () => chunks.join('') };
}

describe('runService (real HTTP)', () => {
  let service: RunningService;
  let proc: ReturnType<typeof fakeProcess>;
  let logs: ReturnType<typeof captureLogs>;

  beforeAll(async () => {
    proc = fakeProcess();
    logs = captureLogs();
    const port = await freePort();
    const started = await runService({
      serviceName: 'demo',
      module: async () => DemoModule,
      config: { PORT: port, HOST: '127.0.0.1', SHUTDOWN_TIMEOUT_MS: 5_000 },
      configure: (app) => {
        app.useGlobalPipes(createValidationPipe());
      },
      logger: logs.logger,
      process: proc,
      env: {},
    });
    if (started === undefined) throw new Error(`service did not start:\n${logs.text()}`);
    service = started;
  });

  afterAll(async () => {
    await service?.close();
  });

  it('answers /health/live', async () => {
    const response = await fetch(`${service.url}/health/live`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok' });
  });

  it('answers /health/ready with 200 while every check passes and 503 naming the failing ones', async () => {
    const ok = await fetch(`${service.url}/health/ready`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ status: 'ok', failing: [] });

    service.app.get(Dependencies).broken = true;
    try {
      const failing = await fetch(`${service.url}/health/ready`);
      expect(failing.status).toBe(503);
      const body = (await failing.json()) as { status: string; failing: string[]; checks: Array<{ name: string; error?: string }> };
      expect(body.status).toBe('unavailable');
      expect(body.failing).toEqual(['nats']);
      expect(JSON.stringify(body)).not.toContain('hunter2');
    } finally {
      service.app.get(Dependencies).broken = false;
    }
  });

  it('serves Prometheus metrics: process defaults and parley_ metrics, labelled with the service', async () => {
    await fetch(`${service.url}/demo/missing`);
    const response = await fetch(`${service.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toMatch(/^process_resident_memory_bytes\{service="demo"\} \d+/m);
    expect(text).toMatch(/^parley_demo_calls_total\{outcome="not_found",service="demo"\} [1-9]/m);
  });

  it('maps a ParleyError to its HTTP status and error body', async () => {
    const response = await fetch(`${service.url}/demo/missing`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: { code: 'NOT_FOUND', message: 'conversation c-1 not found', details: { id: 'c-1' } },
    });
  });

  it('answers 500 without internals for an unknown error, and logs it', async () => {
    const response = await fetch(`${service.url}/demo/crash`);
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error: { code: 'INTERNAL', message: 'Internal server error' } });
    expect(logs.text()).toContain('"msg":"request failed"');
    expect(logs.text()).not.toContain('x:secret@db');
  });

  it('answers 400 VALIDATION_FAILED with the fields for an invalid body', async () => {
    const response = await fetch(`${service.url}/demo/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 42, extra: true }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; details: { fields: Array<{ field: string }> } } };
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.details.fields.map((f) => f.field).sort()).toEqual(['extra', 'text']);
  });

  it("routes Nest's own logs through pino", () => {
    expect(logs.text()).toMatch(/"context":"RouterExplorer"/);
    expect(logs.text()).toContain('"service":"demo"');
  });
});

describe('runService lifecycle', () => {
  it('closes cleanly on SIGTERM: readiness fails, the port is released, exit code 0', async () => {
    const proc = fakeProcess();
    const port = await freePort();
    const service = await runService({
      serviceName: 'demo',
      module: DemoModule,
      config: { PORT: port, HOST: '127.0.0.1' },
      logger: createLogger({ service: 'demo', level: 'silent' }),
      process: proc,
      env: {},
    });
    if (service === undefined) throw new Error('service did not start');
    expect((await fetch(`${service.url}/health/live`)).status).toBe(200);

    proc.emit('SIGTERM');
    expect(await proc.exited).toBe(0);
    await expect(fetch(`${service.url}/health/live`)).rejects.toThrow();
  });

  it('logs a boot failure and exits 1', async () => {
    const proc = fakeProcess();
    const logs = captureLogs();
    const result = await runService({
      serviceName: 'demo',
      module: DemoModule,
      config: () => {
        throw new ParleyError('CONFIG_INVALID', 'Invalid configuration (DemoConfig): DATABASE_URL is missing');
      },
      logger: logs.logger,
      process: proc,
      env: {},
    });
    expect(result).toBeUndefined();
    expect(await proc.exited).toBe(1);
    expect(logs.text()).toContain('demo failed to start');
    expect(logs.text()).toContain('DATABASE_URL is missing');
  });

  it('exits 1 when the port is taken', async () => {
    const first = fakeProcess();
    const port = await freePort();
    const service = await runService({
      serviceName: 'demo',
      module: DemoModule,
      config: { PORT: port, HOST: '127.0.0.1' },
      logger: createLogger({ service: 'demo', level: 'silent' }),
      process: first,
      env: {},
    });
    try {
      const second = fakeProcess();
      const logs = captureLogs();
      await runService({
        serviceName: 'demo',
        module: DemoModule,
        config: { PORT: port, HOST: '127.0.0.1' },
        logger: logs.logger,
        process: second,
        env: {},
      });
      expect(await second.exited).toBe(1);
      expect(logs.text()).toContain('EADDRINUSE');
    } finally {
      await service?.close();
    }
  });
});
