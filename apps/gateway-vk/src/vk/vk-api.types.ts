import type { VkMessage } from './vk-callback.types';

/** Shapes of the VK API answers and inputs VkApiClient uses (API version 5.199). */
export interface VkCommunity {
  id: number;
  name: string;
  screen_name: string;
  photo_200?: string;
}

export interface VkUser {
  id: number;
  first_name: string;
  last_name: string;
  photo_200?: string;
}

export interface VkConversationItem {
  conversation: {
    peer: { id: number; type: string; local_id?: number };
    last_message_id: number;
    in_read: number;
    out_read: number;
    unread_count?: number;
    can_write?: { allowed: boolean; reason?: number };
  };
  last_message?: VkMessage;
}

export interface VkList<T> {
  count: number;
  items: T[];
}

export interface VkSendMessage {
  peerId: number;
  /** From `vkRandomIdFromReplyId`: stable across retries, so VK delivers once. */
  randomId: number;
  text?: string;
  /** `photo-1_2_key`, `doc-1_3`, … (from the upload helpers). */
  attachments?: string[];
  replyTo?: number;
}

export interface VkUploadInput {
  peerId: number;
  bytes: Buffer;
  name: string;
  mime: string;
}
