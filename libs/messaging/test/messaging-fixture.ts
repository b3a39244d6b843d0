import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { deadLetterSubject, Headers, Streams } from '@parley/contracts';
import { startTestNats, waitFor, type NatsServer } from '@parley/testing';
import {
  JetStreamPublisher,
  MessagingConnection,
  MessagingHost,
  provisionStreams,
  type MessagingLogger,
  type MessagingOptions,
} from '../src';

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields?: Record<string, unknown>;
}

/** A logger that remembers what it was told (tests assert on it instead of printing). */
export function recordingLogger(): MessagingLogger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at = (level: LogEntry['level']) => (message: string, fields?: Record<string, unknown>) => {
    entries.push({ level, message, ...(fields ? { fields } : {}) });
  };
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export interface Fixture {
  server: NatsServer;
  connection: MessagingConnection;
  publisher: JetStreamPublisher;
  host: MessagingHost;
  jsm: JetStreamManager;
  logger: ReturnType<typeof recordingLogger>;
  close(): Promise<void>;
}

export async function startFixture(serviceName: string, options: Partial<MessagingOptions> = {}): Promise<Fixture> {
  const server = await startTestNats();
  const logger = recordingLogger();
  const opts: MessagingOptions = { serviceName, servers: server.url, logger, reconnectTimeWaitMs: 250, ...options };
  const connection = await MessagingConnection.connect(opts);
  const jsm = await jetstreamManager(connection.nc);
  await provisionStreams(jsm, logger);
  const publisher = new JetStreamPublisher(connection);
  const host = new MessagingHost(connection, publisher, opts);
  return {
    server,
    connection,
    publisher,
    host,
    jsm,
    logger,
    async close() {
      await host.stop();
      await connection.drain();
      await server.stop();
    },
  };
}

/** The last dead letter of a durable, once it is there. */
export async function waitForDeadLetter(jsm: JetStreamManager, durable: string) {
  return waitFor(
    async () => {
      try {
        return await jsm.streams.getMessage(Streams.DLQ.name, { last_by_subj: deadLetterSubject(durable) });
      } catch {
        return undefined;
      }
    },
    { what: `a dead letter from ${durable}` },
  );
}

/** Waits until the durable has nothing pending or un-acked. */
export async function waitForSettled(jsm: JetStreamManager, stream: string, durable: string): Promise<void> {
  await waitFor(
    async () => {
      const info = await jsm.consumers.info(stream, durable);
      return info.num_pending === 0 && info.num_ack_pending === 0;
    },
    { what: `${durable} settled` },
  );
}

export { Headers };
