import { parseMultipart } from '../vk/vk-fake.multipart';
import { GraphApiError } from './meta-fake.errors';
import type { AccountState, MetaFakeStore } from './meta-fake.store';
import type { MetaSentMessage } from './meta-fake.types';

const DAY_MS = 24 * 3600_000;
const FB_MAX_TEXT = 2000;
const IG_MAX_TEXT_BYTES = 1000;
const MB = 1024 * 1024;

/** The fields of a Send API call, from JSON, a form or multipart (`filedata`). */
export interface SendFields {
  recipient?: unknown;
  message?: unknown;
  messaging_type?: unknown;
  tag?: unknown;
  filedata?: { data: Buffer; filename?: string; contentType?: string };
}

export function sendFields(body: Buffer, contentType: string | undefined, query: URLSearchParams): SendFields {
  const ct = contentType ?? '';
  const fields: Record<string, unknown> = Object.fromEntries(query.entries());
  if (ct.startsWith('application/json')) Object.assign(fields, JSON.parse(body.toString('utf8') || '{}') as object);
  else if (ct.startsWith('application/x-www-form-urlencoded')) for (const [k, v] of new URLSearchParams(body.toString('utf8'))) fields[k] = v;
  else if (ct.startsWith('multipart/form-data')) {
    for (const part of parseMultipart(body, ct)) {
      if (part.name === 'filedata') fields['filedata'] = { data: part.data, ...(part.filename ? { filename: part.filename } : {}), ...(part.contentType ? { contentType: part.contentType } : {}) };
      else fields[part.name] = part.data.toString('utf8');
    }
  }
  for (const key of ['recipient', 'message']) {
    const v = fields[key];
    if (typeof v === 'string') {
      try {
        fields[key] = JSON.parse(v) as unknown;
      } catch {
        throw new GraphApiError(100, undefined, `(#100) param ${key} must be a JSON object`);
      }
    }
  }
  return fields as SendFields;
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/**
 * `POST /me/messages`: recipient known to the account, messaging_type and its window (24 h after the customer's
 * last message; MESSAGE_TAG HUMAN_AGENT up to 7 days with the permission), text limits (Messenger 2000
 * characters, Instagram 1000 bytes), attachments by URL (downloaded) or uploaded as `filedata`.
 */
export async function handleSend(store: MetaFakeStore, account: AccountState, fields: SendFields, now: number): Promise<MetaSentMessage> {
  const recipientId = obj(fields.recipient)?.['id'];
  if (typeof recipientId !== 'string') throw new GraphApiError(100, undefined, '(#100) The parameter recipient is required');
  const message = obj(fields.message);
  if (!message) throw new GraphApiError(100, undefined, '(#100) The parameter message is required');
  const messagingType = typeof fields.messaging_type === 'string' ? fields.messaging_type : 'RESPONSE';
  if (!['RESPONSE', 'UPDATE', 'MESSAGE_TAG'].includes(messagingType)) throw new GraphApiError(100, undefined, '(#100) param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG}');
  const tag = typeof fields.tag === 'string' ? fields.tag : undefined;
  if (messagingType === 'MESSAGE_TAG' && tag !== 'HUMAN_AGENT') throw new GraphApiError(100, undefined, '(#100) param tag must be HUMAN_AGENT in this fake');

  const last = account.lastCustomerAt.get(recipientId);
  const user = store.users.get(recipientId);
  if (last === undefined || !user) throw new GraphApiError(100, 2018001);
  if (user.unavailable) throw new GraphApiError(551, 1545041);
  if (messagingType === 'MESSAGE_TAG') {
    if (account.config.humanAgent === false) throw new GraphApiError(200, undefined, undefined, 403);
    if (now - last > 7 * DAY_MS) throw new GraphApiError(10, 2018278);
  } else if (now - last > DAY_MS) {
    throw new GraphApiError(10, 2018278);
  }

  const text = typeof message['text'] === 'string' ? message['text'] : undefined;
  if (text !== undefined) {
    if (account.platform === 'page' && [...text].length > FB_MAX_TEXT) throw new GraphApiError(100, undefined, `(#100) Length of param message[text] must be less than or equal to ${FB_MAX_TEXT}`);
    if (account.platform === 'instagram' && Buffer.byteLength(text) > IG_MAX_TEXT_BYTES) throw new GraphApiError(100, undefined, `(#100) Length of param message[text] must be less than or equal to ${IG_MAX_TEXT_BYTES} bytes`);
  }
  const attachment = obj(message['attachment']);
  if (text === undefined && !attachment) throw new GraphApiError(100, undefined, '(#100) Must send either message or attachment');
  const sent: MetaSentMessage = {
    mid: store.newMid(),
    accountId: account.config.id,
    recipientId,
    messagingType,
    ...(tag === undefined ? {} : { tag }),
    ...(text === undefined ? {} : { text }),
    ...(typeof message['metadata'] === 'string' ? { metadata: message['metadata'] } : {}),
    at: now,
  };
  if (attachment) sent.attachment = await attachmentOf(account, attachment, fields.filedata);
  return sent;
}

async function attachmentOf(account: AccountState, attachment: Record<string, unknown>, filedata: SendFields['filedata']): Promise<NonNullable<MetaSentMessage['attachment']>> {
  const type = attachment['type'];
  if (typeof type !== 'string' || !['image', 'audio', 'video', 'file'].includes(type)) throw new GraphApiError(100, undefined, '(#100) param message[attachment][type] must be one of {image, audio, video, file, template}');
  if (account.platform === 'instagram' && type === 'file') throw new GraphApiError(100, undefined, '(#100) Instagram does not accept file attachments');
  const cap = account.platform === 'instagram' && type === 'image' ? 8 * MB : 25 * MB;
  let bytes: Buffer;
  let mime: string;
  let filename: string | undefined;
  let via: 'url' | 'upload';
  if (filedata) {
    ({ data: bytes, filename } = filedata);
    mime = filedata.contentType ?? 'application/octet-stream';
    via = 'upload';
  } else {
    const url = obj(attachment['payload'])?.['url'];
    if (typeof url !== 'string') throw new GraphApiError(100, undefined, '(#100) param message[attachment][payload][url] is required without filedata');
    const res = await fetch(url).catch(() => undefined);
    if (!res?.ok) throw new GraphApiError(100, 2018047);
    bytes = Buffer.from(await res.arrayBuffer());
    mime = res.headers.get('content-type') ?? 'application/octet-stream';
    via = 'url';
  }
  if (bytes.length === 0) throw new GraphApiError(100, 2018047);
  if (bytes.length > cap) throw new GraphApiError(100, 2018047, `(#100) Attachment size exceeds the allowable limit (${cap} bytes)`);
  return { type, bytes, mime, via, ...(filename === undefined ? {} : { filename }) };
}
