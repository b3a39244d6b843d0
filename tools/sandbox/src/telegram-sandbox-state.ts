import { randomBytes, randomInt } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from './atomic-write';
import { crc32, deflateSync } from 'node:zlib';
import type { TelegramFake, TgFakeCustomerConfig, TgFileKind, TgMessage } from '@parley/testing';

/** The demo bot the Telegram sandbox plays: its token is what the console's "Connect Telegram bot" form asks for. */
export interface SandboxBot {
  token: string;
  username: string;
  firstName: string;
}

export type SandboxTgCustomer = Omit<TgFakeCustomerConfig, 'photo'> & { phone: string };

/** What `.parley/sandbox-telegram.json` holds: the same bot (token), customers, chats, webhook and files again. */
export interface TelegramSandboxSnapshot {
  version: 1;
  bot: SandboxBot;
  customers: SandboxTgCustomer[];
  webhook?: { url: string; secretToken?: string; maxConnections: number };
  allowedUpdates?: string[];
  nextUpdateId: number;
  nextFileNumber: number;
  chats: Array<{ customerId: number; nextMessageId: number; started: boolean; blocked: boolean; messages: TgMessage[] }>;
  /** Files of the bot, newest kept under a size cap (older messages then show a missing file). */
  files: Array<{ fileId: string; uniqueId: string; kind: TgFileKind; path: string; mime: string; fileName?: string; base64: string }>;
}

const MAX_PERSISTED_FILE_BYTES = 20 * 1024 * 1024;

export function newBot(): SandboxBot {
  return { token: `${randomInt(6_000_000_000, 7_000_000_000)}:AA${randomBytes(25).toString('base64url').slice(0, 33)}`, username: 'parley_demo_bot', firstName: 'Parley demo shop' };
}

export const DEMO_TG_CUSTOMERS: SandboxTgCustomer[] = [
  { id: 500_000_001, firstName: 'Ann', lastName: 'Smith', username: 'ann_smith', phone: '+447700900001' },
  { id: 500_000_002, firstName: 'Oleg', lastName: 'Ivanov', phone: '+79990000002' },
];

/** A solid-colour 96×96 PNG per customer: a profile photo for getUserProfilePhotos. */
export function avatarPng(seed: number): Buffer {
  const size = 96;
  const [r, g, b] = [60 + (seed * 53) % 160, 80 + (seed * 97) % 150, 100 + (seed * 31) % 140];
  const row = Buffer.alloc(1 + size * 3);
  for (let x = 0; x < size; x++) row.set([r, g, b], 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: size }, () => row));
  const chunk = (type: string, data: Buffer): Buffer => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'ascii');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

export async function loadTelegramSnapshot(file: string): Promise<TelegramSandboxSnapshot | undefined> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const parsed = JSON.parse(raw) as TelegramSandboxSnapshot;
  if (parsed.version !== 1) throw new Error(`${file}: unknown Telegram sandbox state version ${String(parsed.version)}`);
  return parsed;
}

export function saveTelegramSnapshot(file: string, snapshot: TelegramSandboxSnapshot): Promise<void> {
  return writeFileAtomic(file, JSON.stringify(snapshot));
}

export function takeTelegramSnapshot(fake: TelegramFake, bot: SandboxBot, customers: SandboxTgCustomer[]): TelegramSandboxSnapshot {
  const state = fake.store.bot(bot.token);
  const files: TelegramSandboxSnapshot['files'] = [];
  let total = 0;
  for (const f of [...fake.store.files.values()].reverse()) {
    if (f.token !== bot.token || f.kind === 'profile_photo') continue;
    total += f.bytes.length;
    if (total > MAX_PERSISTED_FILE_BYTES) break;
    files.push({
      fileId: f.fileId,
      uniqueId: f.uniqueId,
      kind: f.kind,
      path: f.path,
      mime: f.mime,
      base64: f.bytes.toString('base64'),
      ...(f.fileName === undefined ? {} : { fileName: f.fileName }),
    });
  }
  return {
    version: 1,
    bot,
    customers,
    ...(state.webhook ? { webhook: { ...state.webhook } } : {}),
    ...(state.allowedUpdates ? { allowedUpdates: state.allowedUpdates } : {}),
    nextUpdateId: state.nextUpdateId,
    nextFileNumber: fake.store.nextFileNumber,
    chats: [...state.chats.values()].map((c) => ({ customerId: c.customerId, nextMessageId: c.nextMessageId, started: c.started, blocked: c.blocked, messages: c.messages })),
    files: files.reverse(),
  };
}

/** Gives a freshly started fake the saved bot, customers, chats, webhook and files (pending updates are not kept). */
export function restoreTelegramSnapshot(fake: TelegramFake, snapshot: TelegramSandboxSnapshot): void {
  fake.addBot(snapshot.bot);
  for (const c of snapshot.customers) fake.addCustomer({ ...c, photo: avatarPng(c.id) });
  const state = fake.store.bot(snapshot.bot.token);
  if (snapshot.webhook) state.webhook = { ...snapshot.webhook };
  if (snapshot.allowedUpdates) state.allowedUpdates = snapshot.allowedUpdates;
  state.nextUpdateId = snapshot.nextUpdateId;
  fake.store.nextFileNumber = snapshot.nextFileNumber;
  for (const c of snapshot.chats) state.chats.set(c.customerId, { ...c });
  for (const f of snapshot.files) {
    const stored = {
      fileId: f.fileId,
      uniqueId: f.uniqueId,
      token: snapshot.bot.token,
      kind: f.kind,
      path: f.path,
      mime: f.mime,
      bytes: Buffer.from(f.base64, 'base64'),
      ...(f.fileName === undefined ? {} : { fileName: f.fileName }),
    };
    fake.store.files.set(f.fileId, stored);
    fake.store.filesByPath.set(`${snapshot.bot.token}/${f.path}`, stored);
  }
  // Photo sizes: the ladder of each photo, from the messages that carry it.
  for (const chat of snapshot.chats) {
    for (const m of chat.messages) {
      for (const size of m.photo ?? []) {
        const file = fake.store.files.get(size.file_id);
        if (file) file.photo = m.photo;
      }
    }
  }
}
