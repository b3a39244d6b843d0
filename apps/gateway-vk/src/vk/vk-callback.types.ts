/*
 * VK Callback API (v5.199) bodies and their validation. Hand-written checks rather than class-validator: the
 * bodies are deeply optional, VK adds fields freely, and what matters is a precise error naming the bad field.
 * Unknown fields are kept (VK adds them without a version change); unknown event types pass the envelope check
 * only, and the normalizer ignores them.
 */

export interface VkPhotoSize {
  type: string;
  url: string;
  width: number;
  height: number;
}

export interface VkPhotoAttachment {
  type: 'photo';
  photo: { id: number; owner_id: number; access_key?: string; sizes: VkPhotoSize[] };
}

export interface VkDocAttachment {
  type: 'doc';
  doc: { id: number; owner_id: number; title: string; size: number; ext: string; url: string; type?: number };
}

export interface VkAudioMessageAttachment {
  type: 'audio_message';
  audio_message: { id: number; owner_id: number; duration?: number; link_ogg?: string; link_mp3?: string };
}

export interface VkStickerAttachment {
  type: 'sticker';
  sticker: { sticker_id: number; images?: VkPhotoSize[] };
}

/** Any other attachment (video, link, wall, …): kept as it came, not downloaded. */
export interface VkOtherAttachment {
  type: string;
  [key: string]: unknown;
}

export type VkAttachment = VkPhotoAttachment | VkDocAttachment | VkAudioMessageAttachment | VkStickerAttachment | VkOtherAttachment;

/** A message object (`messages_message`). */
export interface VkMessage {
  id: number;
  date: number;
  peer_id: number;
  from_id: number;
  text: string;
  out: number;
  conversation_message_id: number;
  version?: number;
  random_id?: number;
  attachments: VkAttachment[];
  admin_author_id?: number;
  [key: string]: unknown;
}

interface VkEnvelope<TType extends string, TObject> {
  type: TType;
  event_id: string;
  v: string;
  group_id: number;
  secret?: string;
  object: TObject;
}

export interface VkConfirmationCallback {
  type: 'confirmation';
  group_id: number;
  secret?: string;
}
export type VkMessageNewCallback = VkEnvelope<'message_new', { message: VkMessage; client_info?: Record<string, unknown> }>;
export type VkMessageReplyCallback = VkEnvelope<'message_reply', VkMessage>;
export type VkMessageDenyCallback = VkEnvelope<'message_deny', { user_id: number }>;
export type VkMessageAllowCallback = VkEnvelope<'message_allow', { user_id: number; key?: string }>;
/** Any event type Parley does not handle (message_edit, message_typing_state, wall_post_new, …). */
export type VkOtherCallback = VkEnvelope<string, unknown> & { type: string };

export type VkCallback =
  | VkConfirmationCallback
  | VkMessageNewCallback
  | VkMessageReplyCallback
  | VkMessageDenyCallback
  | VkMessageAllowCallback
  | VkOtherCallback;

export const HANDLED_VK_EVENT_TYPES = ['confirmation', 'message_new', 'message_reply', 'message_deny', 'message_allow'] as const;

/** A callback body that is not what VK sends: answer 400, store nothing, log the path and problem. */
export class VkCallbackValidationError extends Error {
  readonly code = 'VK_CALLBACK_INVALID';
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`invalid VK callback: ${path} ${problem}`);
    this.name = 'VkCallbackValidationError';
  }
}

type Json = Record<string, unknown>;

function fail(path: string, problem: string): never {
  throw new VkCallbackValidationError(path, problem);
}

function obj(value: unknown, path: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'must be an object');
  return value as Json;
}

function int(o: Json, key: string, path: string, options: { positive?: boolean; optional?: boolean } = {}): void {
  const v = o[key];
  if (v === undefined && options.optional) return;
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) fail(`${path}.${key}`, 'must be an integer');
  if (options.positive && v <= 0) fail(`${path}.${key}`, 'must be positive');
}

function str(o: Json, key: string, path: string, options: { nonEmpty?: boolean; optional?: boolean } = {}): void {
  const v = o[key];
  if (v === undefined && options.optional) return;
  if (typeof v !== 'string') fail(`${path}.${key}`, 'must be a string');
  if (options.nonEmpty && v.length === 0) fail(`${path}.${key}`, 'must not be empty');
}

function validatePhotoSizes(value: unknown, path: string): void {
  if (!Array.isArray(value)) fail(path, 'must be an array');
  value.forEach((s, i) => {
    const size = obj(s, `${path}.${i}`);
    str(size, 'url', `${path}.${i}`, { nonEmpty: true });
    int(size, 'width', `${path}.${i}`);
    int(size, 'height', `${path}.${i}`);
  });
}

function validateAttachment(value: unknown, path: string): void {
  const a = obj(value, path);
  str(a, 'type', path, { nonEmpty: true });
  if (a['type'] === 'photo') {
    const photo = obj(a['photo'], `${path}.photo`);
    int(photo, 'id', `${path}.photo`);
    int(photo, 'owner_id', `${path}.photo`);
    validatePhotoSizes(photo['sizes'], `${path}.photo.sizes`);
  } else if (a['type'] === 'doc') {
    const doc = obj(a['doc'], `${path}.doc`);
    int(doc, 'id', `${path}.doc`);
    int(doc, 'owner_id', `${path}.doc`);
    str(doc, 'title', `${path}.doc`);
    int(doc, 'size', `${path}.doc`);
    str(doc, 'ext', `${path}.doc`);
    str(doc, 'url', `${path}.doc`, { nonEmpty: true });
  }
}

/** Checks the message fields VK's schema marks required, and the attachments Parley reads. */
export function validateVkMessage(value: unknown, path: string): VkMessage {
  const m = obj(value, path);
  for (const key of ['id', 'date', 'peer_id', 'from_id', 'out', 'conversation_message_id']) int(m, key, path);
  int(m, 'random_id', path, { optional: true });
  str(m, 'text', path);
  if (m['attachments'] === undefined) m['attachments'] = [];
  if (!Array.isArray(m['attachments'])) fail(`${path}.attachments`, 'must be an array');
  (m['attachments'] as unknown[]).forEach((a, i) => validateAttachment(a, `${path}.attachments.${i}`));
  return m as VkMessage;
}

/**
 * Validates a Callback API body and returns it typed. `confirmation` needs only `type` and `group_id`; every
 * other event needs `type`, `event_id`, `v`, `group_id` and `object` (VK's schema), and the events Parley
 * handles get their object checked too. Throws `VkCallbackValidationError` naming the offending field.
 */
export function parseVkCallback(body: unknown): VkCallback {
  const root = obj(body, 'body');
  str(root, 'type', 'body', { nonEmpty: true });
  int(root, 'group_id', 'body', { positive: true });
  str(root, 'secret', 'body', { optional: true });
  const type = root['type'] as string;
  if (type === 'confirmation') return root as unknown as VkConfirmationCallback;
  str(root, 'event_id', 'body', { nonEmpty: true });
  str(root, 'v', 'body', { nonEmpty: true });
  if (!('object' in root)) fail('body.object', 'is required');
  switch (type) {
    case 'message_new': {
      const object = obj(root['object'], 'body.object');
      validateVkMessage(object['message'], 'body.object.message');
      break;
    }
    case 'message_reply':
      validateVkMessage(root['object'], 'body.object');
      break;
    case 'message_deny':
    case 'message_allow':
      int(obj(root['object'], 'body.object'), 'user_id', 'body.object', { positive: true });
      break;
    default:
      break;
  }
  return root as unknown as VkCallback;
}
