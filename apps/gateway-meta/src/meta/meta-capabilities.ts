import type { ChannelCapabilities } from '@parley/channel-kit';

const MB = 1024 * 1024;
export const DAY_MS = 24 * 3600_000;
/** Messenger text: up to 2000 characters per message. */
export const FACEBOOK_MAX_TEXT_CHARS = 2000;
/** Instagram text: up to 1000 UTF-8 bytes per message. */
export const INSTAGRAM_MAX_TEXT_BYTES = 1000;

const hosts = ['.fbcdn.net', '.fbsbx.com', '.facebook.com', '.cdninstagram.com', '.instagram.com'];

/** Messenger (messenger-protocols.md §3): 24 h window, HUMAN_AGENT 7 days, 2000 characters, 25 MB files, ~300 sends/s per page. */
export const FACEBOOK_CAPABILITIES: ChannelCapabilities = {
  initiate: false,
  replyWindowMs: DAY_MS,
  humanAgentWindowMs: 7 * DAY_MS,
  maxTextLength: FACEBOOK_MAX_TEXT_CHARS,
  longText: 'split',
  attachmentsIn: { kinds: ['image', 'video', 'audio', 'file'], maxBytes: { default: 25 * MB }, maxPerMessage: 10 },
  /** Each attachment is its own Send API call (uploaded bytes, not a URL). */
  attachmentsOut: { kinds: ['image', 'video', 'audio', 'file'], maxBytes: { default: 25 * MB }, maxPerMessage: 10 },
  senderNameOverride: false,
  receipts: { delivered: true, read: false },
  rateBudgets: { perConnection: { calls: 250, perMs: 1000 } },
  mediaHosts: hosts,
  history: false,
};

/** Instagram (update notes): 1000 bytes of text (the kit counts characters; the adapter splits by bytes), images 8 MB, audio/video 25 MB. */
export const INSTAGRAM_CAPABILITIES: ChannelCapabilities = {
  ...FACEBOOK_CAPABILITIES,
  maxTextLength: INSTAGRAM_MAX_TEXT_BYTES,
  attachmentsOut: { kinds: ['image', 'video', 'audio'], maxBytes: { default: 25 * MB, image: 8 * MB }, maxPerMessage: 10 },
  receipts: { delivered: false, read: true },
  rateBudgets: { perConnection: { calls: 100, perMs: 1000 } },
};
