import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { jetstream } from '@nats-io/jetstream';
import { findEventDefinition } from '@parley/contracts';
import { EventRelay, JetStreamEventPublisher, PostgresEventStore, type StoredEvent } from '@parley/event-store';
import { MessagingConnection } from '@parley/messaging';
import { PARLEY_LOGGER, type PinoLogger } from '@parley/observability';
import { eventStoreLogger } from '../database/event-store-logger';

/** The subject of a stored event: its contract's subject (an unknown event stops the relay loudly, never skipped). */
export function subjectOf(event: StoredEvent): string {
  const definition = findEventDefinition(event.type, event.schemaVersion);
  if (!definition) throw new Error(`no contract for stored event ${event.type}.v${event.schemaVersion} (${event.eventId})`);
  return definition.subject;
}

/** Publishes every appended conversation event to PARLEY_EVENTS, in commit order, at least once, de-duplicated by id. */
@Injectable()
export class EventRelayService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly relay: EventRelay;

  constructor(
    @Inject(PostgresEventStore) store: PostgresEventStore,
    @Inject(MessagingConnection) connection: MessagingConnection,
    @Inject(PARLEY_LOGGER) logger: PinoLogger,
  ) {
    this.relay = new EventRelay(store, {
      publisher: new JetStreamEventPublisher(jetstream(connection.nc)),
      subjectFor: subjectOf,
      logger: eventStoreLogger(logger.child({ component: 'relay' })),
    });
  }

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.relay.stop();
  }

  get isActive(): boolean {
    return this.relay.isActive;
  }
}
