/*
 * Viber callbacks (messenger-protocols.md §2), checked field by field: the body is untrusted until its signature
 * matched, and even then only the fields Parley reads are relied on. `message_token` is a decimal string
 * (parsed bigint-safe by viber-json.ts).
 */

export const VIBER_EVENT_TYPES = ['webhook', 'message', 'subscribed', 'unsubscribed', 'conversation_started', 'delivered', 'seen', 'failed'] as const;
export type ViberEventType = (typeof VIBER_EVENT_TYPES)[number];

export const VIBER_MESSAGE_TYPES = ['text', 'picture', 'video', 'file', 'sticker', 'contact', 'url', 'location', 'rich_media'] as const;
export type ViberMessageType = (typeof VIBER_MESSAGE_TYPES)[number];

export interface ViberUserInfo {
  id: string;
  name?: string;
  avatar?: string;
  country?: string;
  language?: string;
}

export interface ViberMessage {
  type: ViberMessageType;
  text?: string;
  media?: string;
  file_name?: string;
  size?: number;
  sticker_id?: number;
  contact?: { name?: string; phone_number?: string };
  location?: { lat: number; lon: number; address?: string };
}

interface Base {
  timestamp: number;
  message_token: string;
}

export type ViberCallback =
  | (Base & { event: 'webhook' })
  | (Base & { event: 'message'; sender: ViberUserInfo; message: ViberMessage })
  | (Base & { event: 'subscribed'; user: ViberUserInfo })
  | (Base & { event: 'unsubscribed'; user_id: string })
  | (Base & { event: 'conversation_started'; user: ViberUserInfo; context?: string })
  | (Base & { event: 'delivered' | 'seen'; user_id: string })
  | (Base & { event: 'failed'; user_id: string; desc?: string });

export class ViberCallbackError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path} ${problem}`);
  }
}

type Json = Record<string, unknown>;

function obj(v: unknown, path: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ViberCallbackError(path, 'must be an object');
  return v as Json;
}

function text(o: Json, key: string, path: string, required: boolean): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) {
    if (required) throw new ViberCallbackError(`${path}.${key}`, 'is required');
    return undefined;
  }
  if (typeof v !== 'string') throw new ViberCallbackError(`${path}.${key}`, 'must be a string');
  return v;
}

function num(o: Json, key: string, path: string): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ViberCallbackError(`${path}.${key}`, 'must be a number');
  return v;
}

function user(v: unknown, path: string): ViberUserInfo {
  const o = obj(v, path);
  const id = text(o, 'id', path, true) as string;
  const out: ViberUserInfo = { id };
  for (const key of ['name', 'avatar', 'country', 'language'] as const) {
    const value = text(o, key, path, false);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function token(o: Json): string {
  const v = o['message_token'];
  if (typeof v === 'string' && /^-?\d{1,20}$/.test(v)) return v.replace(/^-/, '');
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(Math.abs(v));
  throw new ViberCallbackError('message_token', 'must be an integer');
}

function message(v: unknown): ViberMessage {
  const o = obj(v, 'message');
  const type = text(o, 'type', 'message', true) as string;
  if (!(VIBER_MESSAGE_TYPES as readonly string[]).includes(type)) throw new ViberCallbackError('message.type', 'is not a Viber message type');
  const out: ViberMessage = { type: type as ViberMessageType };
  for (const key of ['text', 'media', 'file_name'] as const) {
    const value = text(o, key, 'message', false);
    if (value !== undefined) out[key] = value;
  }
  const size = num(o, 'size', 'message');
  if (size !== undefined) out.size = size;
  const sticker = num(o, 'sticker_id', 'message');
  if (sticker !== undefined) out.sticker_id = sticker;
  if (o['contact'] !== undefined) {
    const c = obj(o['contact'], 'message.contact');
    const name = text(c, 'name', 'message.contact', false);
    const phone = text(c, 'phone_number', 'message.contact', false);
    out.contact = { ...(name === undefined ? {} : { name }), ...(phone === undefined ? {} : { phone_number: phone }) };
  }
  if (o['location'] !== undefined) {
    const l = obj(o['location'], 'message.location');
    const lat = num(l, 'lat', 'message.location');
    const lon = num(l, 'lon', 'message.location');
    if (lat === undefined || lon === undefined) throw new ViberCallbackError('message.location', 'needs lat and lon');
    const address = text(l, 'address', 'message.location', false);
    out.location = { lat, lon, ...(address === undefined ? {} : { address }) };
  }
  return out;
}

/** Checks a parsed callback (see viber-json.ts) and returns it typed; throws ViberCallbackError naming the field. */
export function parseViberCallback(value: unknown): ViberCallback {
  const o = obj(value, 'body');
  const event = text(o, 'event', 'body', true) as string;
  if (!(VIBER_EVENT_TYPES as readonly string[]).includes(event)) throw new ViberCallbackError('event', 'is not a Viber event');
  const timestamp = num(o, 'timestamp', 'body');
  if (timestamp === undefined) throw new ViberCallbackError('timestamp', 'is required');
  const base = { timestamp, message_token: token(o) };
  switch (event as ViberEventType) {
    case 'webhook':
      return { ...base, event: 'webhook' };
    case 'message':
      return { ...base, event: 'message', sender: user(o['sender'], 'sender'), message: message(o['message']) };
    case 'subscribed':
      return { ...base, event: 'subscribed', user: user(o['user'], 'user') };
    case 'conversation_started': {
      const context = text(o, 'context', 'body', false);
      return { ...base, event: 'conversation_started', user: user(o['user'], 'user'), ...(context === undefined ? {} : { context }) };
    }
    case 'unsubscribed':
      return { ...base, event: 'unsubscribed', user_id: text(o, 'user_id', 'body', true) as string };
    case 'delivered':
    case 'seen':
      return { ...base, event: event as 'delivered' | 'seen', user_id: text(o, 'user_id', 'body', true) as string };
    case 'failed': {
      const desc = text(o, 'desc', 'body', false);
      return { ...base, event: 'failed', user_id: text(o, 'user_id', 'body', true) as string, ...(desc === undefined ? {} : { desc }) };
    }
  }
}
