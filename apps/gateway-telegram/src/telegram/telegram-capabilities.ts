import type { ChannelCapabilities } from '@parley/channel-kit';

const MB = 1024 * 1024;

/** sendMessage `text`: 1–4,096 characters (UTF-16 units); longer replies are split (telegram-text.ts). */
export const TG_MAX_TEXT = 4096;
/** sendPhoto / sendDocument `caption`. */
export const TG_MAX_CAPTION = 1024;
/** sendPhoto by upload takes up to 10 MB, and these formats; other images go as documents. */
export const TG_MAX_PHOTO_BYTES = 10 * MB;
export const TG_PHOTO_MIMES: readonly string[] = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'];
/** The update types setWebhook asks for. */
export const TG_ALLOWED_UPDATES = ['message', 'edited_message', 'my_chat_member'] as const;

/** What the Bot API allows (messenger-protocols.md §4, core.telegram.org/bots/api, bots/faq). */
export const TELEGRAM_CAPABILITIES: ChannelCapabilities = {
  // A bot cannot write to a user who never started it (403 "bot can't initiate conversation").
  initiate: false,
  replyWindowMs: null,
  maxTextLength: TG_MAX_TEXT,
  longText: 'split',
  maxCaptionLength: TG_MAX_CAPTION,
  /** getFile downloads up to 20 MB. */
  attachmentsIn: { kinds: ['image', 'file', 'audio', 'video', 'sticker'], maxBytes: { default: 20 * MB }, maxPerMessage: 1 },
  /** sendDocument uploads up to 50 MB (photos over 10 MB go as documents); one message per attachment. */
  attachmentsOut: { kinds: ['image', 'file', 'audio', 'video', 'sticker'], maxBytes: { default: 50 * MB }, maxPerMessage: 10 },
  senderNameOverride: false,
  receipts: { delivered: false, read: false },
  /** ~30 messages/s per bot, ~1 message/s per chat (bots/faq); every send call of a reply takes a slot of both. */
  rateBudgets: { perConnection: { calls: 30, perMs: 1000 }, perChat: { calls: 1, perMs: 1000 } },
  mediaHosts: ['api.telegram.org'],
  // The Bot API has no message history: a Disconnected bot's updates wait at Telegram (up to 24 h) instead.
  history: false,
};
