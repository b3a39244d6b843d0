import type { Provider } from '@nestjs/common';
import { JetStreamPublisher } from '@parley/messaging';
import { PARLEY_LOGGER, type PinoLogger } from '@parley/observability';
import { DataSource } from 'typeorm';
import { OutboxRelay, type OutboxRelayOptions } from './outbox-relay';
import { OutboxWriter } from './outbox-writer';

/** Nest providers of a service's `OutboxWriter` and `OutboxRelay` (needs `DataSource`, `JetStreamPublisher`, `PARLEY_LOGGER`). */
export function outboxProviders(options: OutboxRelayOptions): Provider[] {
  return [
    { provide: OutboxWriter, useValue: new OutboxWriter(options.table) },
    {
      provide: OutboxRelay,
      inject: [DataSource, JetStreamPublisher, PARLEY_LOGGER],
      useFactory: (dataSource: DataSource, publisher: JetStreamPublisher, logger: PinoLogger) =>
        new OutboxRelay(dataSource, publisher, logger.child({ component: 'outbox-relay' }), options),
    },
  ];
}
