import { attachmentKindOf, inboundEvent, normaliseMime, type InboundItem, type MediaToFetch } from '@parley/channel-kit';
import { MessageEditedV1 } from '@parley/contracts';
import type { TgMessage, TgPhotoSize, TgUpdate } from './telegram-update.types';

/*
 * A verified Telegram Update as Parley inbound items. Pure: no I/O. Media are listed by `file_id` (the kit
 * resolves them with getFile: Telegram's download URLs hold the bot token and are never built here or logged).
 *
 *   message (private chat, from a person) → MessageReceived   `telegram:<bot>:msg:<chat>:<message_id>`
 *   edited_message                        → MessageEdited     `telegram:<bot>:edit:<chat>:<message_id>:<edit_date>`
 *   my_chat_member kicked / member        → CustomerBlocked / CustomerUnblocked  `telegram:<bot>:member:<chat>:<date>:<status>`
 *   anything else (groups, channels, bots, other update types) → nothing (answered, so Telegram does not retry)
 * Every item is also known as `telegram:<bot>:update:<update_id>`, so a redelivered update is dropped at once.
 */

export interface TgChannelContext {
  channelId: string;
  lineId: string;
  /** The bot's id (the channel's externalId): dedupe keys are per bot. */
  botId: string;
}

export function tgMessageDedupeKey(botId: string, chatId: number, messageId: number): string {
  return `telegram:${botId}:msg:${chatId}:${messageId}`;
}

export function tgUpdateDedupeKey(botId: string, updateId: number): string {
  return `telegram:${botId}:update:${updateId}`;
}

const iso = (unixSeconds: number): string => new Date(unixSeconds * 1000).toISOString();

/** The largest size of a photo (last by convention; by area to be safe). */
export function largestPhoto(sizes: readonly TgPhotoSize[]): TgPhotoSize | undefined {
  return sizes.reduce<TgPhotoSize | undefined>((best, s) => (!best || s.width * s.height >= best.width * best.height ? s : best), undefined);
}

function fileOf(
  source: string,
  file: { file_id: string; file_size?: number; mime_type?: string; file_name?: string },
  fallback: { name: string; mime: string; kind?: MediaToFetch['kind'] },
): MediaToFetch {
  const mime = file.mime_type ? normaliseMime(file.mime_type) : fallback.mime;
  return {
    fileId: file.file_id,
    name: file.file_name?.trim() || fallback.name,
    mime,
    kind: fallback.kind ?? attachmentKindOf(mime),
    ...(file.file_size === undefined ? {} : { size: file.file_size }),
    source,
  };
}

/** The files of a message to copy into the attachment store (at most one kind per Telegram message). */
export function tgMediaOf(message: TgMessage): MediaToFetch[] {
  const id = message.message_id;
  const src = (kind: string): string => `${kind}:${message.chat.id}:${id}`;
  const out: MediaToFetch[] = [];
  const photo = message.photo && largestPhoto(message.photo);
  if (photo) out.push(fileOf(src('photo'), photo, { name: `photo-${id}.jpg`, mime: 'image/jpeg', kind: 'image' }));
  if (message.document) out.push(fileOf(src('document'), message.document, { name: `document-${id}`, mime: 'application/octet-stream' }));
  if (message.voice) out.push(fileOf(src('voice'), message.voice, { name: `voice-${id}.ogg`, mime: 'audio/ogg', kind: 'audio' }));
  if (message.audio) out.push(fileOf(src('audio'), message.audio, { name: `audio-${id}.mp3`, mime: 'audio/mpeg', kind: 'audio' }));
  if (message.video) out.push(fileOf(src('video'), message.video, { name: `video-${id}.mp4`, mime: 'video/mp4', kind: 'video' }));
  if (message.sticker) {
    const s = message.sticker;
    const [ext, mime] = s.is_video ? ['webm', 'video/webm'] : s.is_animated ? ['tgs', 'application/x-tgsticker'] : ['webp', 'image/webp'];
    out.push(fileOf(src('sticker'), { file_id: s.file_id, ...(s.file_size === undefined ? {} : { file_size: s.file_size }) }, { name: `sticker-${id}.${ext}`, mime, kind: 'sticker' }));
  }
  return out;
}

/** The message's text as the operator reads it: text or caption, and locations/contacts spelled out. */
export function tgTextOf(message: TgMessage): string {
  const parts: string[] = [];
  const text = message.text ?? message.caption;
  if (text) parts.push(text);
  if (message.location) {
    const { latitude, longitude } = message.location;
    parts.push(`📍 ${latitude}, ${longitude} https://www.openstreetmap.org/?mlat=${latitude}&mlon=${longitude}`);
  }
  if (message.contact) {
    const c = message.contact;
    parts.push(`👤 ${[c.first_name, c.last_name].filter(Boolean).join(' ')} ${c.phone_number}`.trim());
  }
  if (!text && message.sticker?.emoji) parts.push(message.sticker.emoji);
  return parts.join('\n');
}

/** A private chat with a person: the only chats Parley answers (groups and channels are not customers). */
function fromCustomer(message: TgMessage): message is TgMessage & { from: NonNullable<TgMessage['from']> } {
  return message.chat.type === 'private' && message.from !== undefined && !message.from.is_bot;
}

function base(ctx: TgChannelContext, chatId: number, userId: number, dedupeKey: string, sentAt: string) {
  return {
    channelId: ctx.channelId,
    channelType: 'telegram' as const,
    lineId: ctx.lineId,
    dedupeKey,
    externalChatId: String(chatId),
    externalUserId: String(userId),
    sentAt,
  };
}

/** Normalises a validated Update whose secret token was checked. */
export function normalizeTgUpdate(update: TgUpdate, ctx: TgChannelContext): InboundItem[] {
  const alsoKnownAs = [tgUpdateDedupeKey(ctx.botId, update.update_id)];
  if (update.message) {
    const m = update.message;
    if (!fromCustomer(m)) return [];
    const fact = {
      ...base(ctx, m.chat.id, m.from.id, tgMessageDedupeKey(ctx.botId, m.chat.id, m.message_id), iso(m.date)),
      externalMessageId: String(m.message_id),
      text: tgTextOf(m),
      source: 'webhook' as const,
    };
    return [{ kind: 'message-received', fact, media: tgMediaOf(m), alsoKnownAs }];
  }
  if (update.edited_message) {
    const m = update.edited_message;
    if (!fromCustomer(m)) return [];
    const editedAt = iso(m.edit_date ?? m.date);
    const key = `telegram:${ctx.botId}:edit:${m.chat.id}:${m.message_id}:${m.edit_date ?? m.date}`;
    const fact = { ...base(ctx, m.chat.id, m.from.id, key, editedAt), externalMessageId: String(m.message_id), text: tgTextOf(m), editedAt };
    return [inboundEvent(MessageEditedV1, fact, { alsoKnownAs })];
  }
  if (update.my_chat_member) {
    const u = update.my_chat_member;
    const status = u.new_chat_member.status;
    if (u.chat.type !== 'private' || (status !== 'kicked' && status !== 'member')) return [];
    const key = `telegram:${ctx.botId}:member:${u.chat.id}:${u.date}:${status}`;
    const fact = base(ctx, u.chat.id, u.from.id, key, iso(u.date));
    return [{ kind: status === 'kicked' ? 'customer-blocked' : 'customer-unblocked', fact, alsoKnownAs }];
  }
  return [];
}
