/**
 * What VK accepts and what Parley copies (messenger-protocols.md §1; VK's upload limits are documented loosely ⚠,
 * so the inbound cap is configurable with VK_MAX_MEDIA_BYTES).
 */
export const VK_CAPABILITIES = {
  /** `messages.send` `message` (longer texts are refused with 914). */
  maxTextLength: 9000,
  /** Outbound photo upload (photos.getMessagesUploadServer): VK takes up to 50 MB. */
  maxPhotoBytes: 50 * 1024 * 1024,
  /** Outbound document upload (docs.getMessagesUploadServer): VK takes up to 200 MB. */
  maxDocBytes: 200 * 1024 * 1024,
  /** Photo MIME types VK's photo flow accepts; other images go through the document flow. */
  photoMimes: ['image/jpeg', 'image/png', 'image/gif'] as readonly string[],
} as const;
