/*
 * The console-api wire shapes (docs/api/console-api.md). Kept here, not imported from @parley/contracts: the
 * console is a browser bundle and must not pull class-validator decorators into it.
 */

export type Role = 'admin' | 'supervisor' | 'operator';

export interface Operator {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export interface LoginResponse {
  accessToken: string;
  operator: Operator;
}

export type SessionRuleMode = 'reopen' | 'new';

export interface SessionRule {
  mode: SessionRuleMode;
  reopenWithinHours?: number;
}

export interface Line {
  id: string;
  name: string;
  sessionRule: SessionRule;
  memberIds: string[];
}

export type ChannelStatus = 'active' | 'disconnected';
export type ChannelHealth = 'healthy' | 'degraded' | 'deactivated';

export interface Channel {
  id: string;
  type: string;
  lineId: string;
  name: string;
  status: ChannelStatus;
  /** Absent: healthy. */
  health?: ChannelHealth;
  healthReason?: string;
  externalId: string;
  /** A link customers open to start a chat (Viber deep link), for the company's site. */
  customerLink?: string;
  webhookUrl: string;
  createdAt: string;
}

/** One settings field of a channel type (`GET /api/channel-types`, from ChannelTypeCatalog in libs/contracts). */
export interface ChannelSettingField {
  key: string;
  kind: 'text' | 'secret' | 'boolean' | 'list';
  required: boolean;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  numeric?: boolean;
  slug?: string;
}

export interface ChannelTypeInfo {
  type: string;
  settings: ChannelSettingField[];
}

export type ConversationStatus = 'queued' | 'assigned' | 'closed';

export interface ContactSummary {
  id: string;
  displayName: string;
  avatarUrl?: string;
}

export interface Conversation {
  id: string;
  lineId: string;
  channelId: string;
  channelType: string;
  contactId: string;
  status: ConversationStatus;
  assigneeId: string | null;
  blocked: boolean;
  previousConversationId: string | null;
  openedAt: string;
  lastMessageAt: string;
  lastMessagePreview: string;
  messageCount: number;
  version: number;
  contact?: ContactSummary;
}

export type AttachmentKind = 'image' | 'file' | 'audio' | 'video' | 'sticker';

export interface Attachment {
  id: string;
  name: string;
  mime: string;
  size: number;
  sha256: string;
  kind: AttachmentKind;
}

export type AuthorKind = 'contact' | 'operator' | 'messenger' | 'system';

export interface MessageAuthor {
  kind: AuthorKind;
  id?: string;
}

export type MessageStatus = 'received' | 'pending' | 'delivered' | 'failed' | 'sent';

export interface Message {
  id: string;
  conversationId: string;
  direction: 'inbound' | 'outbound';
  author: MessageAuthor;
  text: string;
  attachments: Attachment[];
  status: MessageStatus;
  failureCode?: string;
  failureReason?: string;
  externalMessageId?: string;
  /** The messenger's report after accepting a reply (Viber): delivered to the device, seen, or failed. */
  receipt?: 'delivered' | 'seen' | 'failed';
  receiptAt?: string;
  sentAt: string;
  /** Set when the customer edited the message (the text is the edited one). */
  editedAt?: string;
}

export interface ContactIdentity {
  channelId: string;
  channelType: string;
  externalUserId: string;
}

export interface ContactDetails {
  id: string;
  displayName: string;
  avatarUrl?: string;
  identities: ContactIdentity[];
  conversations: Conversation[];
}

export interface ReplyRequest {
  id: string;
  text?: string;
  attachmentIds?: string[];
}

export interface ApiErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}
