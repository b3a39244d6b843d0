import { TgApiError, TgErrors } from './telegram-fake.errors';
import { MAX_DOWNLOAD_BYTES, type TgMethodContext, type TgMethodHandler } from './telegram-fake.methods';
import { boolParam, chatIdParam, intParam, jsonParam, stringParam } from './telegram-fake.params';
import type { TgChatState } from './telegram-fake.store';
import type { TgMessage, TgSentFile } from './telegram-fake.types';

const MAX_TEXT = 4096;
const MAX_CAPTION = 1024;
const MAX_PHOTO_UPLOAD = 10 * 1024 * 1024;
const MAX_DOCUMENT_UPLOAD = 50 * 1024 * 1024;
const MAX_PHOTO_BY_URL = 5 * 1024 * 1024;

/** The chat a send goes to, after the limits: unknown → 400, never started or blocked → 403. */
function targetChat(ctx: TgMethodContext): TgChatState {
  const chatId = chatIdParam(ctx.req.params);
  const chat = ctx.bot.chats.get(chatId);
  if (!ctx.store.customers.has(chatId)) throw new TgApiError(400, TgErrors.chatNotFound);
  ctx.limit(chatId);
  if (!chat?.started) throw new TgApiError(403, TgErrors.cantInitiate);
  if (chat.blocked) throw new TgApiError(403, TgErrors.blocked);
  return chat;
}

/** `reply_parameters` (Bot API 7.0+) or the older `reply_to_message_id` + `allow_sending_without_reply`. */
function replyTo(ctx: TgMethodContext, chat: TgChatState): { reply_to_message?: TgMessage } {
  const parameters = jsonParam(ctx.req.params, 'reply_parameters');
  let messageId: number | undefined;
  let allowWithout = boolParam(ctx.req.params, 'allow_sending_without_reply');
  if (typeof parameters === 'object' && parameters !== null) {
    const p = parameters as Record<string, unknown>;
    messageId = intParam(p, 'message_id');
    allowWithout = boolParam(p, 'allow_sending_without_reply');
  } else {
    messageId = intParam(ctx.req.params, 'reply_to_message_id');
  }
  if (messageId === undefined) return {};
  const original = chat.messages.find((m) => m.message_id === messageId);
  if (original) return { reply_to_message: original };
  if (allowWithout) return {};
  throw new TgApiError(400, TgErrors.replyNotFound);
}

function caption(ctx: TgMethodContext): { caption?: string } {
  const value = stringParam(ctx.req.params, 'caption');
  if (value === undefined || value === '') return {};
  if (value.length > MAX_CAPTION) throw new TgApiError(400, TgErrors.captionTooLong);
  return { caption: value };
}

function sendMessage(ctx: TgMethodContext): unknown {
  const text = stringParam(ctx.req.params, 'text');
  if (text === undefined || text.trim() === '') throw new TgApiError(400, TgErrors.textEmpty);
  // Telegram counts UTF-16 code units after entity parsing; the fake does not parse entities.
  if (text.length > MAX_TEXT) throw new TgApiError(400, TgErrors.textTooLong);
  const chat = targetChat(ctx);
  const message = ctx.store.addMessage(ctx.bot, chat, true, { ...replyTo(ctx, chat), text });
  ctx.botSent({ method: 'sendMessage', message, text });
  return message;
}

interface IncomingFile {
  bytes: Buffer;
  mime: string;
  fileName?: string;
  /** Set when the request named a file the bot already has. */
  existingId?: string;
}

/** The `photo` / `document` field: a multipart upload, a file_id of this bot, or an http(s) URL to download. */
async function incomingFile(ctx: TgMethodContext, field: 'photo' | 'document', uploadLimit: number): Promise<IncomingFile> {
  const upload = ctx.req.files[field];
  if (upload) {
    if (upload.bytes.length > uploadLimit) throw new TgApiError(413, TgErrors.entityTooLarge);
    return { bytes: upload.bytes, mime: upload.mime ?? 'application/octet-stream', ...(upload.fileName ? { fileName: upload.fileName } : {}) };
  }
  const ref = stringParam(ctx.req.params, field);
  if (ref === undefined || ref === '') throw new TgApiError(400, field === 'photo' ? TgErrors.noPhoto : TgErrors.noDocument);
  if (/^https?:\/\//i.test(ref)) return download(ref, field === 'photo' ? MAX_PHOTO_BY_URL : MAX_DOWNLOAD_BYTES);
  const known = ctx.store.files.get(ref);
  if (!known || known.token !== ctx.bot.token) throw new TgApiError(400, TgErrors.wrongFile);
  const isPhoto = known.kind === 'photo' || known.kind === 'profile_photo';
  if (isPhoto !== (field === 'photo')) throw new TgApiError(400, TgErrors.fileTypeMismatch);
  return { bytes: known.bytes, mime: known.mime, existingId: known.fileId, ...(known.fileName ? { fileName: known.fileName } : {}) };
}

async function download(url: string, limit: number): Promise<IncomingFile> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  } catch {
    throw TgApiError.badRequest('failed to get HTTP URL content');
  }
  if (!res.ok) throw TgApiError.badRequest('failed to get HTTP URL content');
  const bytes = Buffer.from(await res.arrayBuffer());
  if (bytes.length > limit) throw TgApiError.badRequest('failed to get HTTP URL content');
  const name = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '') || undefined;
  return { bytes, mime: (res.headers.get('content-type') ?? 'application/octet-stream').split(';')[0]?.trim() ?? 'application/octet-stream', ...(name ? { fileName: name } : {}) };
}

async function sendPhoto(ctx: TgMethodContext): Promise<unknown> {
  const extra = caption(ctx);
  const incoming = await incomingFile(ctx, 'photo', MAX_PHOTO_UPLOAD);
  const chat = targetChat(ctx);
  const reply = replyTo(ctx, chat);
  const reused = incoming.existingId ? ctx.store.files.get(incoming.existingId)?.photo : undefined;
  const { width, height } = imageSize(incoming.bytes);
  const photo = reused ?? ctx.store.createPhoto(ctx.bot.token, incoming.bytes, incoming.mime, width, height);
  const message = ctx.store.addMessage(ctx.bot, chat, true, { ...reply, photo, ...extra });
  const largest = photo.at(-1) as (typeof photo)[number];
  const file: TgSentFile = { kind: 'photo', bytes: incoming.bytes, mime: incoming.mime, fileId: largest.file_id, ...(incoming.fileName ? { fileName: incoming.fileName } : {}) };
  ctx.botSent({ method: 'sendPhoto', message, ...extra, file });
  return message;
}

async function sendDocument(ctx: TgMethodContext): Promise<unknown> {
  const extra = caption(ctx);
  const incoming = await incomingFile(ctx, 'document', MAX_DOCUMENT_UPLOAD);
  const chat = targetChat(ctx);
  const reply = replyTo(ctx, chat);
  const stored = incoming.existingId
    ? ctx.store.files.get(incoming.existingId)
    : ctx.store.createFile(ctx.bot.token, 'document', incoming.bytes, incoming.mime, incoming.fileName ?? 'file');
  if (!stored) throw new TgApiError(400, TgErrors.wrongFile);
  const document = {
    file_id: stored.fileId,
    file_unique_id: stored.uniqueId,
    ...(stored.fileName ? { file_name: stored.fileName } : {}),
    mime_type: stored.mime,
    file_size: stored.bytes.length,
  };
  const message = ctx.store.addMessage(ctx.bot, chat, true, { ...reply, document, ...extra });
  const file: TgSentFile = { kind: 'document', bytes: stored.bytes, mime: stored.mime, fileId: stored.fileId, ...(stored.fileName ? { fileName: stored.fileName } : {}) };
  ctx.botSent({ method: 'sendDocument', message, ...extra, file });
  return message;
}

/** Width and height from a PNG or JPEG header; 800×600 when the bytes are neither. */
export function imageSize(bytes: Buffer): { width: number; height: number } {
  if (bytes.length >= 24 && bytes.readUInt32BE(0) === 0x89504e47) return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  if (bytes.length > 4 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    let i = 2;
    while (i + 9 < bytes.length && bytes[i] === 0xff) {
      const marker = bytes[i + 1] ?? 0;
      const length = bytes.readUInt16BE(i + 2);
      if (marker >= 0xc0 && marker <= 0xc3) return { width: bytes.readUInt16BE(i + 7), height: bytes.readUInt16BE(i + 5) };
      i += 2 + length;
    }
  }
  return { width: 800, height: 600 };
}

export const tgSendMethods: Readonly<Record<string, TgMethodHandler>> = {
  sendmessage: sendMessage,
  sendphoto: sendPhoto,
  senddocument: sendDocument,
};
