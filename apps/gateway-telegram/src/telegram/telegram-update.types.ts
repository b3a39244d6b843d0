/*
 * The Bot API objects gateway-telegram reads (core.telegram.org/bots/api, messenger-protocols.md §4), with the real
 * field names, and the check an incoming Update passes before it is normalised. Only what Parley uses is modelled;
 * unknown fields are ignored, fields Parley reads are checked.
 */

export interface TgUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
}

export interface TgChat {
  id: number;
  type: 'private' | 'group' | 'supergroup' | 'channel';
  first_name?: string;
  last_name?: string;
  username?: string;
}

export interface TgFile {
  file_id: string;
  file_unique_id: string;
  file_size?: number;
  file_path?: string;
}

export interface TgPhotoSize extends TgFile {
  width: number;
  height: number;
}

export interface TgDocument extends TgFile {
  file_name?: string;
  mime_type?: string;
}

export interface TgSticker extends TgFile {
  is_animated?: boolean;
  is_video?: boolean;
  emoji?: string;
}

export interface TgMessage {
  message_id: number;
  date: number;
  edit_date?: number;
  from?: TgUser;
  chat: TgChat;
  text?: string;
  caption?: string;
  photo?: TgPhotoSize[];
  document?: TgDocument;
  voice?: TgDocument;
  audio?: TgDocument & { title?: string; performer?: string };
  video?: TgDocument;
  sticker?: TgSticker;
  location?: { latitude: number; longitude: number };
  contact?: { phone_number: string; first_name: string; last_name?: string; user_id?: number };
}

export interface TgChatMemberUpdated {
  chat: TgChat;
  from: TgUser;
  date: number;
  old_chat_member: { status: string; user: TgUser };
  new_chat_member: { status: string; user: TgUser };
}

export interface TgUpdate {
  update_id: number;
  message?: TgMessage;
  edited_message?: TgMessage;
  my_chat_member?: TgChatMemberUpdated;
}

/** The update types Parley handles: what setWebhook asks for (`allowed_updates`), and the metric labels. */
export const HANDLED_TG_UPDATE_TYPES = ['message', 'edited_message', 'my_chat_member'] as const;

export class TgUpdateValidationError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path} ${problem}`);
    this.name = 'TgUpdateValidationError';
  }
}

type Obj = Record<string, unknown>;

function object(value: unknown, path: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TgUpdateValidationError(path, 'must be an object');
  return value as Obj;
}

function integer(o: Obj, key: string, path: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new TgUpdateValidationError(`${path}.${key}`, 'must be an integer');
  return v;
}

function optionalString(o: Obj, key: string, path: string): void {
  if (o[key] !== undefined && typeof o[key] !== 'string') throw new TgUpdateValidationError(`${path}.${key}`, 'must be a string');
}

function file(value: unknown, path: string): void {
  const f = object(value, path);
  if (typeof f['file_id'] !== 'string' || f['file_id'] === '') throw new TgUpdateValidationError(`${path}.file_id`, 'must be a non-empty string');
  if (f['file_size'] !== undefined) integer(f, 'file_size', path);
  optionalString(f, 'file_name', path);
  optionalString(f, 'mime_type', path);
}

function user(value: unknown, path: string): void {
  const u = object(value, path);
  integer(u, 'id', path);
  optionalString(u, 'first_name', path);
  optionalString(u, 'last_name', path);
  optionalString(u, 'username', path);
}

function chat(value: unknown, path: string): void {
  const c = object(value, path);
  integer(c, 'id', path);
  if (typeof c['type'] !== 'string') throw new TgUpdateValidationError(`${path}.type`, 'must be a string');
}

function message(value: unknown, path: string): void {
  const m = object(value, path);
  integer(m, 'message_id', path);
  integer(m, 'date', path);
  if (m['edit_date'] !== undefined) integer(m, 'edit_date', path);
  chat(m['chat'], `${path}.chat`);
  if (m['from'] !== undefined) user(m['from'], `${path}.from`);
  optionalString(m, 'text', path);
  optionalString(m, 'caption', path);
  if (m['photo'] !== undefined) {
    if (!Array.isArray(m['photo']) || m['photo'].length === 0) throw new TgUpdateValidationError(`${path}.photo`, 'must be a non-empty array');
    m['photo'].forEach((size, i) => {
      file(size, `${path}.photo[${i}]`);
      integer(size as Obj, 'width', `${path}.photo[${i}]`);
      integer(size as Obj, 'height', `${path}.photo[${i}]`);
    });
  }
  for (const key of ['document', 'voice', 'audio', 'video', 'sticker']) if (m[key] !== undefined) file(m[key], `${path}.${key}`);
  if (m['location'] !== undefined) {
    const l = object(m['location'], `${path}.location`);
    if (typeof l['latitude'] !== 'number' || typeof l['longitude'] !== 'number') throw new TgUpdateValidationError(`${path}.location`, 'needs latitude and longitude');
  }
  if (m['contact'] !== undefined) {
    const c = object(m['contact'], `${path}.contact`);
    if (typeof c['phone_number'] !== 'string' || typeof c['first_name'] !== 'string') throw new TgUpdateValidationError(`${path}.contact`, 'needs phone_number and first_name');
  }
}

function chatMember(value: unknown, path: string): void {
  const u = object(value, path);
  chat(u['chat'], `${path}.chat`);
  user(u['from'], `${path}.from`);
  integer(u, 'date', path);
  for (const key of ['old_chat_member', 'new_chat_member']) {
    const member = object(u[key], `${path}.${key}`);
    if (typeof member['status'] !== 'string') throw new TgUpdateValidationError(`${path}.${key}.status`, 'must be a string');
  }
}

/** Checks the fields Parley reads; throws TgUpdateValidationError naming the first bad one. */
export function parseTgUpdate(value: unknown): TgUpdate {
  const u = object(value, 'update');
  integer(u, 'update_id', 'update');
  if (u['message'] !== undefined) message(u['message'], 'update.message');
  if (u['edited_message'] !== undefined) message(u['edited_message'], 'update.edited_message');
  if (u['my_chat_member'] !== undefined) chatMember(u['my_chat_member'], 'update.my_chat_member');
  return u as unknown as TgUpdate;
}

/** The update's type (its one optional field), for metrics; `other` for types Parley does not handle. */
export function tgUpdateType(update: TgUpdate): (typeof HANDLED_TG_UPDATE_TYPES)[number] | 'other' {
  for (const type of HANDLED_TG_UPDATE_TYPES) if (update[type] !== undefined) return type;
  return 'other';
}
