import type { AttachmentKind } from '@parley/contracts';

/** A rate budget: at most `calls` calls in any `perMs` window (a call holds its slot until `perMs` after its answer). */
export interface RateBudget {
  calls: number;
  perMs: number;
}

/** What a messenger accepts for one direction of attachments. */
export interface AttachmentLimits {
  /** Attachment kinds the messenger carries in this direction. */
  kinds: readonly AttachmentKind[];
  /** Largest file per kind in bytes (`default` for kinds not listed). */
  maxBytes: Readonly<Partial<Record<AttachmentKind, number>>> & { default: number };
  /** Most attachments in one message (a reply with more is sent as several messages, or refused: see `send`). */
  maxPerMessage: number;
}

/**
 * The capability table of a messenger: what Parley may do through it and within which limits. The kit enforces
 * what it can before calling the adapter (text length, attachment kinds and sizes, rate budgets, media hosts); the
 * conversation service and the console read the rest (initiate, reply window, sender name, receipts).
 */
export interface ChannelCapabilities {
  /** Can an operator write first to a customer who never wrote (or unsubscribed)? VK: yes if allowed; Viber/Meta: no. */
  initiate: boolean;
  /** How long after the customer's last message a standard reply may be sent (ms); null: no window (VK, Telegram). */
  replyWindowMs: number | null;
  /** An extended window for human agents (Meta HUMAN_AGENT: 7 days), when the channel enables it. */
  humanAgentWindowMs?: number;
  /** Longest text of one message, in characters (UTF-16 units; Meta counts bytes for Instagram: see its adapter). */
  maxTextLength: number;
  /** What the kit does with a longer reply: refuse with MESSAGE_TOO_LONG (VK), or let the adapter split it (Telegram). */
  longText: 'refuse' | 'split';
  /** Longest caption sent with an attachment (Telegram 1,024); the adapter sends the text separately when longer. */
  maxCaptionLength?: number;
  attachmentsIn: AttachmentLimits;
  attachmentsOut: AttachmentLimits;
  /** The sender name of a reply can be the operator's (Viber `sender.name`, ≤ 28 characters). */
  senderNameOverride: { maxLength: number } | false;
  /** Which receipts the messenger reports for Parley's replies. */
  receipts: { delivered: boolean; read: boolean };
  /** Budgets the kit's pacer keeps: per connection (one token/bot/page) and per chat. */
  rateBudgets: { perConnection: RateBudget; perChat?: RateBudget };
  /**
   * Hosts inbound media may be fetched from (exact names or `.suffix`), https only. The API base URL's host is
   * added by the kit (so tests and sandboxes pointing the API at a fake work).
   */
  mediaHosts: readonly string[];
  /** The messenger can list messages since a time (VK getHistory): the kit backfills after a Disconnected spell. */
  history: boolean;
}
