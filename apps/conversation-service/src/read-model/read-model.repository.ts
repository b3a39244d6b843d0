import { Inject, Injectable } from '@nestjs/common';
import type { AttachmentRef, ConversationStatus, ListConversations, MessageAuthor } from '@parley/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import type { ConversationRecord, MessageRecord } from './conversation-view.reducer';

interface ConversationRow {
  id: string;
  line_id: string;
  channel_id: string;
  channel_type: ConversationRecord['channelType'];
  contact_id: string;
  external_chat_id: string;
  status: ConversationStatus;
  assignee_id: string | null;
  blocked: boolean;
  previous_conversation_id: string | null;
  opened_at: string;
  last_message_at: string;
  last_message_preview: string;
  message_count: number;
  version: number;
  last_activity_at: string;
}

interface MessageRow {
  id: string;
  conversation_id: string;
  stream_position: number;
  direction: MessageRecord['direction'];
  author: MessageAuthor;
  text: string;
  attachments: AttachmentRef[];
  status: MessageRecord['status'];
  failure_code: string | null;
  failure_reason: string | null;
  external_message_id: string | null;
  edited_at: string | null;
  receipt: string | null;
  receipt_at: string | null;
  sent_at: string;
}

const CONVERSATION_COLUMNS = `id uuid, line_id uuid, channel_id uuid, channel_type text, contact_id uuid, external_chat_id text,
  status text, assignee_id uuid, blocked boolean, previous_conversation_id uuid, opened_at text, last_message_at text,
  last_message_preview text, message_count int, version int, last_activity_at text`;
const CONVERSATION_NAMES =
  'id, line_id, channel_id, channel_type, contact_id, external_chat_id, status, assignee_id, blocked, previous_conversation_id, opened_at, last_message_at, last_message_preview, message_count, version, last_activity_at';
const MESSAGE_COLUMNS = `id uuid, conversation_id uuid, stream_position int, direction text, author jsonb, text text,
  attachments jsonb, status text, failure_code text, failure_reason text, external_message_id text, sent_at text, edited_at text, receipt text, receipt_at text`;
const MESSAGE_NAMES =
  'id, conversation_id, stream_position, direction, author, text, attachments, status, failure_code, failure_reason, external_message_id, sent_at, edited_at, receipt, receipt_at';

function toConversationRow(r: ConversationRecord): ConversationRow {
  return {
    id: r.id,
    line_id: r.lineId,
    channel_id: r.channelId,
    channel_type: r.channelType,
    contact_id: r.contactId,
    external_chat_id: r.externalChatId,
    status: r.status,
    assignee_id: r.assigneeId,
    blocked: r.blocked,
    previous_conversation_id: r.previousConversationId,
    opened_at: r.openedAt,
    last_message_at: r.lastMessageAt,
    last_message_preview: r.lastMessagePreview,
    message_count: r.messageCount,
    version: r.version,
    last_activity_at: r.lastActivityAt,
  };
}

function fromConversationRow(r: ConversationRow): ConversationRecord {
  return {
    id: r.id,
    lineId: r.line_id,
    channelId: r.channel_id,
    channelType: r.channel_type,
    contactId: r.contact_id,
    externalChatId: r.external_chat_id,
    status: r.status,
    assigneeId: r.assignee_id,
    blocked: r.blocked,
    previousConversationId: r.previous_conversation_id,
    openedAt: r.opened_at,
    lastMessageAt: r.last_message_at,
    lastMessagePreview: r.last_message_preview,
    messageCount: r.message_count,
    version: r.version,
    lastActivityAt: r.last_activity_at,
  };
}

function toMessageRow(r: MessageRecord): MessageRow {
  return {
    id: r.id,
    conversation_id: r.conversationId,
    stream_position: r.streamPosition,
    direction: r.direction,
    author: r.author,
    text: r.text,
    attachments: r.attachments,
    status: r.status,
    failure_code: r.failureCode ?? null,
    failure_reason: r.failureReason ?? null,
    external_message_id: r.externalMessageId ?? null,
    sent_at: r.sentAt,
    edited_at: r.editedAt ?? null,
    receipt: r.receipt ?? null,
    receipt_at: r.receiptAt ?? null,
  };
}

function fromMessageRow(r: MessageRow): MessageRecord {
  return {
    id: r.id,
    conversationId: r.conversation_id,
    streamPosition: r.stream_position,
    direction: r.direction,
    author: r.author,
    text: r.text,
    attachments: r.attachments,
    status: r.status,
    ...(r.failure_code === null ? {} : { failureCode: r.failure_code }),
    ...(r.failure_reason === null ? {} : { failureReason: r.failure_reason }),
    ...(r.external_message_id === null ? {} : { externalMessageId: r.external_message_id }),
    sentAt: r.sent_at,
    ...(r.edited_at === null ? {} : { editedAt: r.edited_at }),
    ...(r.receipt === null ? {} : { receipt: r.receipt as NonNullable<MessageRecord['receipt']> }),
    ...(r.receipt_at === null ? {} : { receiptAt: r.receipt_at }),
  };
}

/** The `conversations` and `messages` read models: bulk reads and writes for the projection, reads for queries. */
@Injectable()
export class ReadModelRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async conversationsByIds(tx: EntityManager, ids: readonly string[]): Promise<Map<string, ConversationRecord>> {
    if (ids.length === 0) return new Map();
    const rows = (await tx.query(`SELECT ${CONVERSATION_NAMES} FROM conversation.conversations WHERE id = ANY($1::uuid[])`, [
      ids,
    ])) as ConversationRow[];
    return new Map(rows.map((r) => [r.id, fromConversationRow(r)]));
  }

  async messagesByIds(tx: EntityManager, ids: readonly string[]): Promise<Map<string, MessageRecord>> {
    if (ids.length === 0) return new Map();
    const rows = (await tx.query(`SELECT ${MESSAGE_NAMES} FROM conversation.messages WHERE id = ANY($1::uuid[])`, [ids])) as MessageRow[];
    return new Map(rows.map((r) => [r.id, fromMessageRow(r)]));
  }

  async saveConversations(tx: EntityManager, records: readonly ConversationRecord[]): Promise<void> {
    if (records.length === 0) return;
    const updates = CONVERSATION_NAMES.split(', ')
      .filter((c) => c !== 'id')
      .map((c) => `${c} = excluded.${c}`)
      .join(', ');
    await tx.query(
      `INSERT INTO conversation.conversations (${CONVERSATION_NAMES})
       SELECT ${CONVERSATION_NAMES} FROM jsonb_to_recordset($1::jsonb) AS x(${CONVERSATION_COLUMNS})
       ON CONFLICT (id) DO UPDATE SET ${updates}`,
      [JSON.stringify(records.map(toConversationRow))],
    );
  }

  async saveMessages(tx: EntityManager, records: readonly MessageRecord[]): Promise<void> {
    if (records.length === 0) return;
    const updates = MESSAGE_NAMES.split(', ')
      .filter((c) => c !== 'id')
      .map((c) => `${c} = excluded.${c}`)
      .join(', ');
    await tx.query(
      `INSERT INTO conversation.messages (${MESSAGE_NAMES})
       SELECT ${MESSAGE_NAMES} FROM jsonb_to_recordset($1::jsonb) AS x(${MESSAGE_COLUMNS})
       ON CONFLICT (id) DO UPDATE SET ${updates}`,
      [JSON.stringify(records.map(toMessageRow))],
    );
  }

  async reset(tx: EntityManager): Promise<void> {
    await tx.query('TRUNCATE conversation.conversations, conversation.messages');
  }

  async list(filter: ListConversations): Promise<ConversationRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown): void => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.lineIds !== undefined) add('line_id = ANY(?::uuid[])', filter.lineIds);
    if (filter.status !== undefined) add('status = ?', filter.status);
    if (filter.assigneeId !== undefined) add('assignee_id = ?', filter.assigneeId);
    if (filter.contactId !== undefined) add('contact_id = ?', filter.contactId);
    params.push(filter.limit ?? 100);
    const rows = (await this.dataSource.query(
      `SELECT ${CONVERSATION_NAMES} FROM conversation.conversations
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY last_activity_at DESC, id DESC LIMIT $${params.length}`,
      params,
    )) as ConversationRow[];
    return rows.map(fromConversationRow);
  }

  async conversation(id: string): Promise<ConversationRecord | null> {
    const found = await this.conversationsByIds(this.dataSource.manager, [id]);
    return found.get(id) ?? null;
  }

  async messages(conversationId: string): Promise<MessageRecord[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${MESSAGE_NAMES} FROM conversation.messages WHERE conversation_id = $1 ORDER BY stream_position`,
      [conversationId],
    )) as MessageRow[];
    return rows.map(fromMessageRow);
  }

  /** Both tables in a stable order (rebuild checks and diagnostics). */
  async snapshot(): Promise<{ conversations: ConversationRecord[]; messages: MessageRecord[] }> {
    const conversations = (await this.dataSource.query(
      `SELECT ${CONVERSATION_NAMES} FROM conversation.conversations ORDER BY id`,
    )) as ConversationRow[];
    const messages = (await this.dataSource.query(`SELECT ${MESSAGE_NAMES} FROM conversation.messages ORDER BY id`)) as MessageRow[];
    return { conversations: conversations.map(fromConversationRow), messages: messages.map(fromMessageRow) };
  }
}
