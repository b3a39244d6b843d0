// The relay as its own process, so a test can SIGKILL it mid-batch. Env: PG_URL, NATS_URL, SCHEMA and, to make
// it freeze inside a batch, HANG_AFTER (publishes handed to JetStream before every further publish hangs).
import { connect } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import type { Envelope } from '@parley/contracts';
import { EventRelay, JetStreamEventPublisher, PostgresEventStore, type EventPublisher, type StoredEvent } from '../src';
import { testDataSource } from './event-store-fixture';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

export function subjectFor(event: StoredEvent): string {
  const name = event.type.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
  return `parley.conversation.${name}.v${event.schemaVersion}`;
}

async function main(): Promise<void> {
  const hangAfter = process.env['HANG_AFTER'] ? Number(process.env['HANG_AFTER']) : Infinity;
  const nc = await connect({ servers: required('NATS_URL') });
  const dataSource = testDataSource(required('PG_URL'), 4);
  await dataSource.initialize();
  const jetStreamPublisher = new JetStreamEventPublisher(jetstream(nc));
  let handed = 0;
  const publisher: EventPublisher = {
    publish(subject: string, envelope: Envelope, headers: Readonly<Record<string, string>>): Promise<void> {
      if (handed >= hangAfter) return new Promise<void>(() => undefined);
      handed++;
      if (handed === hangAfter) process.stdout.write(`hanging after ${handed}\n`);
      return jetStreamPublisher.publish(subject, envelope, headers);
    },
  };
  const relay = new EventRelay(new PostgresEventStore(dataSource, required('SCHEMA')), {
    publisher,
    subjectFor,
    batchSize: Number(process.env['BATCH_SIZE'] ?? 200),
    pollIntervalMs: 200,
    logger: {
      info: (message, context) => process.stdout.write(`${message} ${JSON.stringify(context ?? {})}\n`),
      warn: (message, context) => process.stderr.write(`${message} ${JSON.stringify(context ?? {})}\n`),
      error: (message, context) => process.stderr.write(`${message} ${JSON.stringify(context ?? {})}\n`),
    },
  });
  relay.start();
  process.once('SIGTERM', () => {
    void relay
      .stop()
      .then(() => dataSource.destroy())
      .then(() => nc.close())
      .then(() => process.exit(0));
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`relay process failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
