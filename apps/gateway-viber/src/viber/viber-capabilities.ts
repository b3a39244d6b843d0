import type { ChannelCapabilities } from '@parley/channel-kit';

const MB = 1024 * 1024;

/** send_message `picture`: Viber takes .jpeg/.png/.gif; other images go as `file`. */
export const VIBER_PICTURE_MIMES: readonly string[] = ['image/jpeg', 'image/png', 'image/gif'];
/** `video`: .mp4 up to 26 MB; other videos go as `file`. */
export const VIBER_VIDEO_MIMES: readonly string[] = ['video/mp4'];
export const VIBER_MAX_VIDEO_BYTES = 26 * MB;
export const VIBER_MAX_FILE_BYTES = 50 * MB;
/** Picture caption (`text` of a picture message) ⚠ Viber documents 768 characters; longer text goes as its own message. */
export const VIBER_MAX_CAPTION = 768;
export const VIBER_MAX_SENDER_NAME = 28;

/** What Viber allows (messenger-protocols.md §2). */
export const VIBER_CAPABILITIES: ChannelCapabilities = {
  // Bots answer subscribers; writing first to someone who never wrote (or unsubscribed) is refused (status 6).
  initiate: false,
  // Sessions last 24 h commercially, but replies after that are still delivered (billed as bot-initiated).
  replyWindowMs: null,
  maxTextLength: 7000,
  longText: 'refuse',
  maxCaptionLength: VIBER_MAX_CAPTION,
  attachmentsIn: { kinds: ['image', 'video', 'file', 'sticker'], maxBytes: { default: 50 * MB }, maxPerMessage: 1 },
  /** One media per send_message: a reply with several attachments is several messages. */
  attachmentsOut: { kinds: ['image', 'video', 'file'], maxBytes: { video: VIBER_MAX_VIDEO_BYTES, default: VIBER_MAX_FILE_BYTES }, maxPerMessage: 10 },
  senderNameOverride: { maxLength: VIBER_MAX_SENDER_NAME },
  receipts: { delivered: true, read: true },
  // ⚠ Viber documents no per-bot rate; 100 unanswered messages per user per hour answer status 12 (retried).
  rateBudgets: { perConnection: { calls: 20, perMs: 1000 } },
  /** Media and avatars: dl-media.viber.com, media-direct.cdn.viber.com, … */
  mediaHosts: ['.viber.com'],
  history: false,
};
