import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The service's own tables besides the event store:
 * - `lines`: the local copy of routing's lines (session rule, members), fed by `LineChanged`;
 * - `sessions`: the latest conversation of a contact per (line, channel), written in the same transaction as the
 *   append that opened it (the session rule must see it at once, so it is not an eventually consistent projection);
 * - `channel_blocks`: whether a customer (channel, external user id) blocks the channel;
 * - `conversations`, `messages`: the query read models, written only by the projection runner.
 */
export class ConversationReadModels1763900000000 implements MigrationInterface {
  readonly name = 'ConversationReadModels1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE conversation.lines (
      line_id      uuid PRIMARY KEY,
      name         text NOT NULL,
      session_rule jsonb NOT NULL,
      member_ids   uuid[] NOT NULL,
      changed_at   timestamptz NOT NULL
    )`);
    await q.query(`CREATE TABLE conversation.sessions (
      line_id         uuid NOT NULL,
      channel_id      uuid NOT NULL,
      contact_id      uuid NOT NULL,
      conversation_id uuid NOT NULL,
      updated_at      timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (line_id, channel_id, contact_id)
    )`);
    await q.query(`CREATE INDEX sessions_channel_contact_idx ON conversation.sessions (channel_id, contact_id, updated_at DESC)`);
    await q.query(`CREATE TABLE conversation.channel_blocks (
      channel_id       uuid NOT NULL,
      external_user_id text NOT NULL,
      blocked          boolean NOT NULL,
      fact_at          timestamptz NOT NULL,
      PRIMARY KEY (channel_id, external_user_id)
    )`);
    await q.query(`CREATE TABLE conversation.conversations (
      id                       uuid PRIMARY KEY,
      line_id                  uuid NOT NULL,
      channel_id               uuid NOT NULL,
      channel_type             text NOT NULL,
      contact_id               uuid NOT NULL,
      external_chat_id         text NOT NULL,
      status                   text NOT NULL,
      assignee_id              uuid NULL,
      blocked                  boolean NOT NULL,
      previous_conversation_id uuid NULL,
      opened_at                text NOT NULL,
      last_message_at          text NOT NULL,
      last_message_preview     text NOT NULL,
      message_count            int NOT NULL,
      version                  int NOT NULL,
      last_activity_at         text NOT NULL
    )`);
    await q.query(`CREATE INDEX conversations_line_status_idx ON conversation.conversations (line_id, status, last_activity_at DESC)`);
    await q.query(`CREATE INDEX conversations_assignee_idx ON conversation.conversations (assignee_id, last_activity_at DESC)`);
    await q.query(`CREATE INDEX conversations_contact_idx ON conversation.conversations (contact_id, last_activity_at DESC)`);
    await q.query(`CREATE TABLE conversation.messages (
      id                  uuid PRIMARY KEY,
      conversation_id     uuid NOT NULL,
      stream_position     int NOT NULL,
      direction           text NOT NULL,
      author              jsonb NOT NULL,
      text                text NOT NULL,
      attachments         jsonb NOT NULL,
      status              text NOT NULL,
      failure_code        text NULL,
      failure_reason      text NULL,
      external_message_id text NULL,
      sent_at             text NOT NULL
    )`);
    await q.query(`CREATE INDEX messages_conversation_idx ON conversation.messages (conversation_id, stream_position)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['messages', 'conversations', 'channel_blocks', 'sessions', 'lines']) {
      await q.query(`DROP TABLE IF EXISTS conversation.${table}`);
    }
  }
}

/**
 * Viber-style receipts: `messages.receipt` / `receipt_at` (delivered / seen / failed after the messenger accepted a
 * reply), and `reply_external_ids`, which maps the messenger's id of a sent reply (per channel) back to the reply; a
 * row is written right after the ReplyDelivered append (again on a redelivery: the insert is idempotent).
 */
export class ReplyReceipts1765000000000 implements MigrationInterface {
  readonly name = 'ReplyReceipts1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE conversation.messages ADD COLUMN IF NOT EXISTS receipt text NULL`);
    await q.query(`ALTER TABLE conversation.messages ADD COLUMN IF NOT EXISTS receipt_at text NULL`);
    await q.query(`CREATE TABLE IF NOT EXISTS conversation.reply_external_ids (
      channel_id          uuid NOT NULL,
      external_message_id text NOT NULL,
      conversation_id     uuid NOT NULL,
      reply_id            uuid NOT NULL,
      PRIMARY KEY (channel_id, external_message_id)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS conversation.reply_external_ids`);
    await q.query(`ALTER TABLE conversation.messages DROP COLUMN IF EXISTS receipt_at`);
    await q.query(`ALTER TABLE conversation.messages DROP COLUMN IF EXISTS receipt`);
  }
}

/** `messages.edited_at`: when the customer last edited the message (MessageEditRecorded). */
export class MessageEditedAt1764600000000 implements MigrationInterface {
  readonly name = 'MessageEditedAt1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE conversation.messages ADD COLUMN IF NOT EXISTS edited_at text NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE conversation.messages DROP COLUMN IF EXISTS edited_at`);
  }
}
