import type { ChannelCapabilities } from '@parley/channel-kit';

const MB = 1024 * 1024;

/** Outbound photo upload (photos.getMessagesUploadServer): VK takes up to 50 MB; other images go as documents. */
export const VK_MAX_PHOTO_BYTES = 50 * MB;
/** Photo MIME types VK's photo flow accepts; other images go through the document flow. */
export const VK_PHOTO_MIMES: readonly string[] = ['image/jpeg', 'image/png', 'image/gif'];

/**
 * What VK allows (messenger-protocols.md §1; VK's upload limits are documented loosely ⚠, so the inbound cap is
 * configurable with VK_MAX_MEDIA_BYTES).
 */
export const VK_CAPABILITIES: ChannelCapabilities = {
  // A community may write to a user who allowed its messages; Parley does not offer it yet.
  initiate: false,
  replyWindowMs: null,
  /** `messages.send` `message` (longer texts are refused with 914). */
  maxTextLength: 9000,
  longText: 'refuse',
  attachmentsIn: { kinds: ['image', 'file', 'audio', 'sticker'], maxBytes: { default: 200 * MB }, maxPerMessage: 10 },
  /** Documents (docs.getMessagesUploadServer) up to 200 MB; photos are checked against VK_MAX_PHOTO_BYTES by the adapter. */
  attachmentsOut: { kinds: ['image', 'file', 'audio', 'video', 'sticker'], maxBytes: { default: 200 * MB }, maxPerMessage: 10 },
  senderNameOverride: false,
  receipts: { delivered: false, read: false },
  /** A community token: 20 API calls per second, all methods together (VkApiClient paces every call). */
  rateBudgets: { perConnection: { calls: 20, perMs: 1000 } },
  mediaHosts: ['.userapi.com', '.vk.com', '.vk.ru', '.vk.me', '.vkuser.net', '.vk-cdn.net', '.mycdn.me', '.vkuseraudio.net', '.vkuservideo.net'],
  history: true,
};
