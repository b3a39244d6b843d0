import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** A contact's place in a line through a channel: the key the session rule decides on. */
export interface SessionKey {
  lineId: string;
  channelId: string;
  contactId: string;
}

/** `conversation.sessions`: the latest conversation per (line, channel, contact), written in the append's transaction. */
@Injectable()
export class SessionsRepository {
  /** Serialises everything that decides on one session key until the transaction ends (all replicas). */
  async lock(tx: EntityManager, key: SessionKey): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`session:${key.lineId}:${key.channelId}:${key.contactId}`]);
  }

  async latest(tx: EntityManager, key: SessionKey): Promise<string | null> {
    const rows = (await tx.query(
      'SELECT conversation_id FROM conversation.sessions WHERE line_id = $1 AND channel_id = $2 AND contact_id = $3',
      [key.lineId, key.channelId, key.contactId],
    )) as Array<{ conversation_id: string }>;
    return rows[0]?.conversation_id ?? null;
  }

  async save(tx: EntityManager, key: SessionKey, conversationId: string): Promise<void> {
    await tx.query(
      `INSERT INTO conversation.sessions (line_id, channel_id, contact_id, conversation_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (line_id, channel_id, contact_id) DO UPDATE SET conversation_id = excluded.conversation_id, updated_at = now()`,
      [key.lineId, key.channelId, key.contactId, conversationId],
    );
  }
}
