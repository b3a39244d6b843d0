import { context, propagation, trace } from '@opentelemetry/api';
import { transformFile, type Options } from '@swc/core';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@parley/testing';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { startTracing } from './tracing';

/** The workspace's SWC settings, so the child runs the code as the build emits it. */
const { swcOptions } = createRequire(__filename)('../../../../tools/swc-options.cjs') as {
  swcOptions: (o: { rewritePaths: boolean }) => Options;
};

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('startTracing', () => {
  it('without an OTLP endpoint: no spans, but traceparent is extracted and passed on', async () => {
    const tracing = startTracing({ serviceName: 'demo', env: {} });
    try {
      expect(tracing.exporting).toBe(false);
      const incoming = propagation.extract(context.active(), { traceparent: TRACEPARENT });
      const outgoing: Record<string, string> = {};
      context.with(incoming, () => {
        const span = trace.getTracer('t').startSpan('handle');
        expect(span.isRecording()).toBe(false);
        context.with(trace.setSpan(context.active(), span), () => propagation.inject(context.active(), outgoing));
        span.end();
      });
      expect(outgoing['traceparent']).toBe(TRACEPARENT);
    } finally {
      await tracing.shutdown();
    }
  });

  // The OTLP exporter loads `http` with a dynamic `import()`, which Jest's VM refuses without
  // --experimental-vm-modules; so this runs `startTracing` (compiled by SWC, as in the build) in a plain Node child.
  it('with an OTLP endpoint: exports spans over OTLP/HTTP to /v1/traces, flushed on shutdown', async () => {
    const received: Array<{ url: string | undefined; body: Buffer }> = [];
    let onRequest: () => void = () => undefined;
    const gotRequest = new Promise<void>((resolve) => (onRequest = resolve));
    const collector: Server = createServer((request: IncomingMessage, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        received.push({ url: request.url, body: Buffer.concat(chunks) });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        onRequest();
      });
    });
    const port = await freePort();
    await new Promise<void>((resolve) => collector.listen(port, '127.0.0.1', resolve));
    const dir = await mkdtemp(join(tmpdir(), 'parley-tracing-'));
    try {
      const { code } = await transformFile(join(__dirname, 'tracing.ts'), { ...swcOptions({ rewritePaths: false }), swcrc: false });
      await writeFile(join(dir, 'tracing.js'), code);
      const script = `
        const { trace, context, propagation } = require('@opentelemetry/api');
        const { startTracing } = require(${JSON.stringify(join(dir, 'tracing.js'))});
        const tracing = startTracing({ serviceName: 'demo-exporting', env: { OTEL_EXPORTER_OTLP_ENDPOINT: process.argv[1] } });
        const span = trace.getTracer('t').startSpan('work');
        const carrier = {};
        context.with(trace.setSpan(context.active(), span), () => propagation.inject(context.active(), carrier));
        span.end();
        process.stdout.write(JSON.stringify({ exporting: tracing.exporting, recording: span.isRecording(), carrier, traceId: span.spanContext().traceId }));
        tracing.shutdown().then(() => process.exit(0), () => process.exit(2));
      `;
      const child = await run(process.execPath, ['-e', script, `http://127.0.0.1:${port}`], {
        NODE_PATH: join(__dirname, '../../../../node_modules'),
        OTEL_EXPORTER_OTLP_ENDPOINT: '',
      });
      expect(child.code).toBe(0);
      const out = JSON.parse(child.stdout) as { exporting: boolean; carrier: Record<string, string>; traceId: string };
      expect(out.exporting).toBe(true);
      expect(out.carrier['traceparent']).toMatch(new RegExp(`^00-${out.traceId}-[0-9a-f]{16}-01$`));
      await gotRequest;
      expect(received[0]?.url).toBe('/v1/traces');
      expect(received[0]?.body.toString('latin1')).toContain('demo-exporting');
    } finally {
      await rm(dir, { recursive: true, force: true });
      await new Promise<void>((resolve) => collector.close(() => resolve()));
    }
  });
});

function run(command: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { env: { ...process.env, ...env }, timeout: 30_000 }, (error, stdout, stderr) => {
      if (error !== null && typeof error.code !== 'number') reject(error);
      else resolve({ code: child.exitCode, stdout, stderr });
    });
  });
}
