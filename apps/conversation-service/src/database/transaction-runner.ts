import { Inject, Injectable } from '@nestjs/common';
import { ConcurrencyConflictError } from '@parley/event-store';
import { DataSource, type EntityManager } from 'typeorm';

const MAX_ATTEMPTS = 8;

/**
 * Runs work in one Postgres transaction and re-runs it in a fresh one when an append inside met a concurrency
 * conflict (another writer on the stream, or an older transaction id: see the event store's append function).
 */
@Injectable()
export class TransactionRunner {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async run<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dataSource.transaction((tx) => work(tx));
      } catch (err) {
        if (!(err instanceof ConcurrencyConflictError) || attempt >= MAX_ATTEMPTS) throw err;
        const delay = 10 * 2 ** (attempt - 1);
        await new Promise((resolve) => setTimeout(resolve, delay / 2 + Math.random() * delay));
      }
    }
  }
}
