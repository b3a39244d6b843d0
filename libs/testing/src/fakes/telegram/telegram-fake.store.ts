import { createHash, randomBytes } from 'node:crypto';
import { TINY_PNG } from '../vk/vk-fake.store';
import type {
  TgChat,
  TgFakeBotConfig,
  TgFakeCustomerConfig,
  TgMessage,
  TgPhotoSize,
  TgUpdate,
  TgUpdateRecord,
  TgUser,
} from './telegram-fake.types';

/** A bot's registered webhook (setWebhook). */
export interface TgWebhook {
  url: string;
  secretToken?: string;
  maxConnections: number;
}

/** One private chat between a bot and a customer. Message ids are shared by both directions, as in Telegram. */
export interface TgChatState {
  customerId: number;
  nextMessageId: number;
  messages: TgMessage[];
  /** The customer wrote to the bot at least once (the bot may answer). */
  started: boolean;
  blocked: boolean;
}

export interface TgBotState {
  id: number;
  token: string;
  username: string;
  firstName: string;
  revoked: boolean;
  webhook?: TgWebhook;
  /** allowed_updates of the last setWebhook/getUpdates that gave it; undefined or [] = every default type. */
  allowedUpdates?: string[];
  lastError?: { date: number; message: string };
  nextUpdateId: number;
  chats: Map<number, TgChatState>;
  /** Every update made for the bot, oldest first. */
  updates: TgUpdateRecord[];
  /** Updates not yet delivered (webhook) or confirmed (getUpdates offset), oldest first. */
  pending: TgUpdateRecord[];
  outage?: 'hold' | 'drop';
}

export type TgFileKind = 'photo' | 'document' | 'voice' | 'audio' | 'video' | 'sticker' | 'profile_photo';

export interface TgStoredFile {
  fileId: string;
  uniqueId: string;
  token: string;
  kind: TgFileKind;
  /** `file_path` for getFile and `/file/bot<token>/<file_path>`. */
  path: string;
  bytes: Buffer;
  mime: string;
  fileName?: string;
  /** For photo sizes: every file_id of the same photo, smallest first (sending one re-sends the photo). */
  photo?: TgPhotoSize[];
}

/** Telegram's photo sizes (longest side); the last size is the photo itself. */
const PHOTO_LADDER = [90, 320, 800, 1280];

const FILE_DIRS: Record<TgFileKind, string> = {
  photo: 'photos',
  document: 'documents',
  voice: 'voice',
  audio: 'music',
  video: 'videos',
  sticker: 'stickers',
  profile_photo: 'profile_photos',
};

/** The fake's whole state. Pure bookkeeping: no HTTP here. */
export class TgFakeStore {
  readonly bots = new Map<string, TgBotState>();
  readonly customers = new Map<number, TgFakeCustomerConfig & { languageCode: string }>();
  readonly files = new Map<string, TgStoredFile>();
  /** `${token}/${file_path}` → file. */
  readonly filesByPath = new Map<string, TgStoredFile>();
  /** `${token}:${userId}` → the profile photo's sizes as that bot sees them. */
  readonly profilePhotos = new Map<string, TgPhotoSize[]>();
  nextFileNumber = 1;

  addBot(config: TgFakeBotConfig): TgBotState {
    const m = /^(\d+):[A-Za-z0-9_-]+$/.exec(config.token);
    if (!m) throw new Error(`Telegram fake: a bot token looks like 123456:ABC-def (got ${config.token})`);
    const existing = this.bots.get(config.token);
    const bot: TgBotState = existing ?? {
      id: Number(m[1]),
      token: config.token,
      username: config.username,
      firstName: config.firstName ?? config.username,
      revoked: false,
      nextUpdateId: 100_000_000 + Math.floor(Math.random() * 800_000_000),
      chats: new Map(),
      updates: [],
      pending: [],
    };
    bot.username = config.username;
    bot.firstName = config.firstName ?? bot.firstName;
    this.bots.set(config.token, bot);
    return bot;
  }

  /** A bot by token or username. */
  bot(ref: string): TgBotState {
    const bot = this.bots.get(ref) ?? [...this.bots.values()].find((b) => b.username === ref.replace(/^@/, ''));
    if (!bot) throw new Error(`Telegram fake: unknown bot ${ref} (call addBot first)`);
    return bot;
  }

  addCustomer(config: TgFakeCustomerConfig): void {
    this.customers.set(config.id, { languageCode: 'en', ...config });
    for (const key of [...this.profilePhotos.keys()]) if (key.endsWith(`:${config.id}`)) this.profilePhotos.delete(key);
  }

  customer(id: number): TgFakeCustomerConfig & { languageCode: string } {
    const c = this.customers.get(id);
    if (!c) throw new Error(`Telegram fake: unknown customer ${id} (call addCustomer first)`);
    return c;
  }

  chat(bot: TgBotState, customerId: number): TgChatState {
    let chat = bot.chats.get(customerId);
    if (!chat) {
      chat = { customerId, nextMessageId: 1, messages: [], started: false, blocked: false };
      bot.chats.set(customerId, chat);
    }
    return chat;
  }

  userOf(customerId: number): TgUser {
    const c = this.customer(customerId);
    return {
      id: c.id,
      is_bot: false,
      first_name: c.firstName,
      ...(c.lastName === undefined ? {} : { last_name: c.lastName }),
      ...(c.username === undefined ? {} : { username: c.username }),
      language_code: c.languageCode,
    };
  }

  botUser(bot: TgBotState): TgUser {
    return { id: bot.id, is_bot: true, first_name: bot.firstName, username: bot.username };
  }

  chatOf(customerId: number): TgChat {
    const c = this.customer(customerId);
    return {
      id: c.id,
      type: 'private',
      first_name: c.firstName,
      ...(c.lastName === undefined ? {} : { last_name: c.lastName }),
      ...(c.username === undefined ? {} : { username: c.username }),
    };
  }

  /** Appends a message to a chat with the next message_id. */
  addMessage(bot: TgBotState, chat: TgChatState, fromBot: boolean, fields: Omit<TgMessage, 'message_id' | 'date' | 'from' | 'chat'>, date?: number): TgMessage {
    const message: TgMessage = {
      message_id: chat.nextMessageId++,
      from: fromBot ? this.botUser(bot) : this.userOf(chat.customerId),
      chat: this.chatOf(chat.customerId),
      date: date ?? Math.floor(Date.now() / 1000),
      ...fields,
    };
    chat.messages.push(message);
    return message;
  }

  /** Makes an update with the bot's next update_id (strictly increasing). */
  newUpdate(bot: TgBotState, type: TgUpdateRecord['type'], payload: TgUpdate[keyof Omit<TgUpdate, 'update_id'>]): TgUpdateRecord {
    const update = { update_id: bot.nextUpdateId++, [type]: payload } as TgUpdate;
    const record: TgUpdateRecord = { token: bot.token, update, type, status: 'queued', attempts: [] };
    bot.updates.push(record);
    return record;
  }

  createFile(token: string, kind: TgFileKind, bytes: Buffer, mime: string, fileName?: string): TgStoredFile {
    const n = this.nextFileNumber++;
    const ext = extensionOf(fileName, mime, kind);
    const bot = this.bots.get(token);
    const file: TgStoredFile = {
      // Opaque, bot-specific (as in Telegram: another bot cannot use it), unique per file.
      fileId: `${kindPrefix(kind)}${Buffer.from(`${bot?.id ?? 0}:${n}`).toString('base64url')}${randomBytes(24).toString('base64url')}`,
      uniqueId: createHash('sha256').update(`${n}`).update(bytes).digest('base64url').slice(0, 16),
      token,
      kind,
      path: `${FILE_DIRS[kind]}/file_${n}${ext ? `.${ext}` : ''}`,
      bytes,
      mime,
      ...(fileName === undefined ? {} : { fileName }),
    };
    this.files.set(file.fileId, file);
    this.filesByPath.set(`${token}/${file.path}`, file);
    return file;
  }

  /**
   * Stores a photo as Telegram does: a ladder of sizes, smallest first. The last (largest) serves the photo's own
   * bytes; the smaller ones are thumbnails with other bytes, so a client that takes the wrong size notices.
   */
  createPhoto(token: string, bytes: Buffer, mime: string, width: number, height: number, kind: TgFileKind = 'photo'): TgPhotoSize[] {
    const longest = Math.max(width, height);
    const steps = PHOTO_LADDER.filter((max) => max < longest);
    const sizes: TgPhotoSize[] = [];
    for (const max of [...steps, longest]) {
      const scale = Math.min(1, max / longest);
      const own = max === longest;
      const data = own ? bytes : thumbnail(max);
      const file = this.createFile(token, kind, data, own ? mime : 'image/png');
      sizes.push({ file_id: file.fileId, file_unique_id: file.uniqueId, width: Math.round(width * scale), height: Math.round(height * scale), file_size: data.length });
    }
    for (const size of sizes) {
      const file = this.files.get(size.file_id);
      if (file) file.photo = sizes;
    }
    return sizes;
  }

  /** The customer's profile photo as `bot` sees it (created on first use), or undefined without one. */
  profilePhoto(bot: TgBotState, customerId: number): TgPhotoSize[] | undefined {
    const c = this.customer(customerId);
    if (!c.photo) return undefined;
    const key = `${bot.token}:${customerId}`;
    let sizes = this.profilePhotos.get(key);
    if (!sizes) {
      const png = c.photo.length > 8 && c.photo.readUInt32BE(0) === 0x89504e47;
      sizes = this.createPhoto(bot.token, c.photo, png ? 'image/png' : 'image/jpeg', 640, 640, 'profile_photo');
      this.profilePhotos.set(key, sizes);
    }
    return sizes;
  }
}

/** A distinct small PNG per thumbnail size (TINY_PNG with a trailing marker chunk of bytes). */
function thumbnail(size: number): Buffer {
  return Buffer.concat([TINY_PNG, Buffer.from(`thumb-${size}`)]);
}

function kindPrefix(kind: TgFileKind): string {
  return { photo: 'AgAC', document: 'BQAC', voice: 'AwAC', audio: 'CQAC', video: 'BAAC', sticker: 'CAAC', profile_photo: 'AgAD' }[kind];
}

function extensionOf(fileName: string | undefined, mime: string, kind: TgFileKind): string {
  const fromName = fileName && fileName.includes('.') ? fileName.split('.').pop() : undefined;
  if (fromName) return fromName.toLowerCase();
  const byMime: Record<string, string> = {
    'image/jpeg': 'jpg',
    'image/png': 'png',
    'image/webp': 'webp',
    'audio/ogg': 'oga',
    'audio/mpeg': 'mp3',
    'video/mp4': 'mp4',
    'application/pdf': 'pdf',
  };
  return byMime[mime] ?? (kind === 'photo' || kind === 'profile_photo' ? 'jpg' : '');
}
