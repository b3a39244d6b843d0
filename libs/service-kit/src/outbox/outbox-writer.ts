import type { Envelope, MessageDefinition } from '@parley/contracts';
import type { EntityManager } from 'typeorm';
import { toOutboxMessage, type OutboxMessage } from './outbox-message';
import type { OutboxTable } from './outbox-table';

/**
 * Writes outbox rows inside the caller's transaction (the one of the change they announce), so an event is stored
 * if and only if the change commits. A second write of the same envelope id is ignored: the first is published.
 * Each write also NOTIFYs the table's channel, delivered on commit, to wake relays that LISTEN.
 */
export class OutboxWriter {
  constructor(readonly table: OutboxTable) {}

  async append(manager: EntityManager, messages: readonly OutboxMessage[]): Promise<void> {
    if (messages.length === 0) return;
    for (const m of messages) {
      await manager.query(
        `INSERT INTO ${this.table.qualifiedName} (message_id, subject, payload, headers) VALUES ($1, $2, $3, $4)
         ON CONFLICT (message_id) DO NOTHING`,
        [m.messageId, m.subject, m.payload, JSON.stringify(m.headers)],
      );
    }
    await manager.query('SELECT pg_notify($1, $2)', [this.table.notifyChannel, '']);
  }

  /** Serialises one envelope (`toOutboxMessage`) and appends it. */
  add<TData extends object, TType extends string>(
    manager: EntityManager,
    definition: MessageDefinition<TData, TType>,
    envelope: Envelope<TData, TType>,
  ): Promise<void> {
    return this.append(manager, [toOutboxMessage(definition, envelope)]);
  }
}
