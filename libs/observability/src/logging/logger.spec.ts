import { context, trace } from '@opentelemetry/api';
import { Writable } from 'node:stream';
import { createLogger, withLogContext, type Logger } from './logger';
import { PinoNestLogger } from './nest-logger.adapter';
import { startTracing } from '../tracing/tracing';

function capture(): { stream: Writable; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('createLogger', () => {
  it('writes JSON with service, string level, ISO time and message', () => {
    const out = capture();
    const logger = createLogger({ service: 'gateway-vk', level: 'debug', destination: out.stream });
    logger.debug({ n: 1 }, 'hello');
    const [line] = out.lines();
    expect(line).toMatchObject({ service: 'gateway-vk', level: 'debug', msg: 'hello', n: 1 });
    expect(new Date(String(line?.['time'])).toISOString()).toBe(line?.['time']);
  });

  it('respects the level', () => {
    const out = capture();
    const logger = createLogger({ service: 's', level: 'warn', destination: out.stream });
    logger.info('dropped');
    logger.warn('kept');
    expect(out.lines().map((l) => l['msg'])).toEqual(['kept']);
  });

  it('never writes messenger tokens or app secrets, wherever they are', () => {
    const out = capture();
    const logger = createLogger({ service: 'gateway-telegram', destination: out.stream });
    const child = withLogContext(logger, { correlationId: 'c-1', connection: { botToken: '123456789:AAEsecretsecretsecretsecret' } });
    child.info({ payload: { update: { message: { text: 'hi' } } }, webhook: { secret_token: 'tg-secret' } }, 'update');
    child.error(
      Object.assign(new Error('send failed for https://api.telegram.org/bot123456789:AAEsecretsecretsecretsecret/sendMessage'), {
        response: { config: { headers: { authorization: 'Bearer abc' } } },
      }),
    );
    child.warn('retrying with access_token=vk1.a.leak');
    const text = JSON.stringify(out.lines());
    expect(text).not.toMatch(/AAEsecret|tg-secret|Bearer abc|vk1\.a\.leak/);
    expect(out.lines()[0]).toMatchObject({ correlationId: 'c-1', connection: { botToken: '[REDACTED]' }, msg: 'update' });
    expect(out.lines()[1]).toMatchObject({ level: 'error', err: { type: 'Error' } });
  });

  it('adds the active span ids, unless the child carries an explicit traceId', async () => {
    const tracing = startTracing({ serviceName: 's', env: {} });
    try {
      const out = capture();
      const logger = createLogger({ service: 's', destination: out.stream });
      const spanContext = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };
      context.with(trace.setSpanContext(context.active(), spanContext), () => {
        logger.info('in span');
        withLogContext(logger, { traceId: 'explicit' }).info('explicit');
      });
      logger.info('outside');
      const [inSpan, explicit, outside] = out.lines();
      expect(inSpan).toMatchObject({ traceId: spanContext.traceId, spanId: spanContext.spanId });
      expect(explicit?.['traceId']).toBe('explicit');
      expect(explicit?.['spanId']).toBeUndefined();
      expect(outside?.['traceId']).toBeUndefined();
    } finally {
      await tracing.shutdown();
    }
  });

  it('satisfies the minimal Logger interface', () => {
    const logger: Logger = createLogger({ service: 's', level: 'silent' });
    logger.info('msg');
    logger.warn({ a: 1 }, 'msg');
    logger.error(new Error('x'));
  });
});

describe('PinoNestLogger', () => {
  it("maps Nest's (message, context) and (message, stack, context) calls", () => {
    const out = capture();
    const nest = new PinoNestLogger(createLogger({ service: 's', level: 'trace', destination: out.stream }));
    nest.log('Mapped {/health/live, GET} route', 'RouterExplorer');
    nest.error('boom', 'Error: boom\n    at x (file.ts:1:1)', 'ExceptionsHandler');
    nest.verbose({ detail: 1 }, 'Ctx');
    expect(out.lines()).toEqual([
      expect.objectContaining({ level: 'info', context: 'RouterExplorer', msg: 'Mapped {/health/live, GET} route' }),
      expect.objectContaining({ level: 'error', context: 'ExceptionsHandler', msg: 'boom', err: { stack: expect.stringContaining('at x') } }),
      expect.objectContaining({ level: 'trace', context: 'Ctx', detail: 1 }),
    ]);
  });
});
