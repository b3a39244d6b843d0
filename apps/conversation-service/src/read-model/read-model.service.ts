import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { PostgresEventStore, ProjectionRunner, type LogPosition } from '@parley/event-store';
import { PARLEY_LOGGER, type PinoLogger } from '@parley/observability';
import { eventStoreLogger } from '../database/event-store-logger';
import { ConversationsProjection } from './conversations.projection';
import { ReadModelRepository } from './read-model.repository';

/** Runs the read-model projection (one active instance across replicas) and rebuilds it on demand. */
@Injectable()
export class ReadModelService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly runner: ProjectionRunner;

  constructor(
    @Inject(PostgresEventStore) store: PostgresEventStore,
    @Inject(ReadModelRepository) repository: ReadModelRepository,
    @Inject(PARLEY_LOGGER) logger: PinoLogger,
  ) {
    this.runner = new ProjectionRunner(store, new ConversationsProjection(repository), {
      logger: eventStoreLogger(logger.child({ component: 'projection' })),
    });
  }

  onApplicationBootstrap(): void {
    this.runner.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.runner.stop();
  }

  get isActive(): boolean {
    return this.runner.isActive;
  }

  /** Drops the read model and replays the whole log into it (the active instance does the replay). */
  rebuild(): Promise<void> {
    return this.runner.rebuild();
  }

  position(): Promise<LogPosition | null> {
    return this.runner.position();
  }
}
