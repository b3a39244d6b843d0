import { TINY_PNG } from '../vk/vk-fake.store';
import { imageSize } from './telegram-fake.send-methods';
import type { TgBotState, TgChatState, TgFakeStore, TgStoredFile } from './telegram-fake.store';
import type { TgChatMemberUpdated, TgCustomerContent, TgMessage } from './telegram-fake.types';

type MessageFields = Omit<TgMessage, 'message_id' | 'date' | 'from' | 'chat'>;

function described(file: TgStoredFile): { file_id: string; file_unique_id: string; file_size: number } {
  return { file_id: file.fileId, file_unique_id: file.uniqueId, file_size: file.bytes.length };
}

function withCaption(content: { caption?: string }): { caption?: string } {
  return content.caption === undefined || content.caption === '' ? {} : { caption: content.caption };
}

/**
 * Turns what a test lets a customer send into the Message fields Telegram delivers: media become files of the bot
 * (file_id, getFile, download), photos a ladder of sizes (largest last), each kind under its own field.
 */
export function customerMessageFields(store: TgFakeStore, bot: TgBotState, content: TgCustomerContent): MessageFields {
  const token = bot.token;
  if ('text' in content) return { text: content.text };
  if ('photo' in content) {
    const { bytes, mime = 'image/jpeg' } = content.photo;
    const natural = imageSize(bytes);
    const width = content.photo.width ?? natural.width;
    const height = content.photo.height ?? natural.height;
    return { photo: store.createPhoto(token, bytes, mime, width, height), ...withCaption(content) };
  }
  if ('document' in content) {
    const { bytes, fileName, mime = 'application/octet-stream' } = content.document;
    const file = store.createFile(token, 'document', bytes, mime, fileName);
    return { document: { ...described(file), file_name: fileName, mime_type: mime }, ...withCaption(content) };
  }
  if ('voice' in content) {
    const { bytes, duration = 3, mime = 'audio/ogg' } = content.voice;
    const file = store.createFile(token, 'voice', bytes, mime);
    return { voice: { ...described(file), duration, mime_type: mime }, ...withCaption(content) };
  }
  if ('audio' in content) {
    const { bytes, fileName, duration = 180, performer, title, mime = 'audio/mpeg' } = content.audio;
    const file = store.createFile(token, 'audio', bytes, mime, fileName);
    return {
      audio: {
        ...described(file),
        duration,
        mime_type: mime,
        ...(fileName === undefined ? {} : { file_name: fileName }),
        ...(performer === undefined ? {} : { performer }),
        ...(title === undefined ? {} : { title }),
      },
      ...withCaption(content),
    };
  }
  if ('video' in content) {
    const { bytes, fileName, width = 1280, height = 720, duration = 10, mime = 'video/mp4' } = content.video;
    const file = store.createFile(token, 'video', bytes, mime, fileName);
    return {
      video: { ...described(file), width, height, duration, mime_type: mime, ...(fileName === undefined ? {} : { file_name: fileName }) },
      ...withCaption(content),
    };
  }
  if ('sticker' in content) {
    const { bytes = TINY_PNG, emoji, width = 512, height = 512 } = content.sticker;
    const file = store.createFile(token, 'sticker', bytes, 'image/webp');
    return {
      sticker: { ...described(file), type: 'regular', width, height, is_animated: false, is_video: false, ...(emoji === undefined ? {} : { emoji }) },
    };
  }
  if ('location' in content) return { location: { latitude: content.location.latitude, longitude: content.location.longitude } };
  const { phoneNumber, firstName, lastName, userId } = content.contact;
  return {
    contact: {
      phone_number: phoneNumber,
      first_name: firstName,
      ...(lastName === undefined ? {} : { last_name: lastName }),
      ...(userId === undefined ? {} : { user_id: userId }),
    },
  };
}

/** The `my_chat_member` change of a private chat when the customer blocks (kicked) or unblocks (member) the bot. */
export function chatMemberChange(store: TgFakeStore, bot: TgBotState, customerId: number, blocked: boolean): TgChatMemberUpdated {
  const botUser = store.botUser(bot);
  return {
    chat: store.chatOf(customerId),
    from: store.userOf(customerId),
    date: Math.floor(Date.now() / 1000),
    old_chat_member: blocked ? { user: botUser, status: 'member' } : { user: botUser, status: 'kicked', until_date: 0 },
    new_chat_member: blocked ? { user: botUser, status: 'kicked', until_date: 0 } : { user: botUser, status: 'member' },
  };
}

/** Replaces a customer's message in the chat by its edited version (with `edit_date`) and returns it. */
export function editCustomerMessage(chat: TgChatState, input: { customerId: number; messageId: number; text?: string; caption?: string }): TgMessage {
  const index = chat.messages.findIndex((m) => m.message_id === input.messageId && !m.from.is_bot);
  const original = chat.messages[index];
  if (!original) throw new Error(`Telegram fake: customer ${input.customerId} has no message ${input.messageId} in this chat`);
  if (input.text !== undefined && original.text === undefined) throw new Error('Telegram fake: only a text message gets a new text (media get a caption)');
  const edited: TgMessage = {
    ...original,
    edit_date: Math.max(Math.floor(Date.now() / 1000), original.date + 1),
    ...(input.text === undefined ? {} : { text: input.text }),
    ...(input.caption === undefined ? {} : { caption: input.caption }),
  };
  chat.messages[index] = edited;
  return edited;
}
