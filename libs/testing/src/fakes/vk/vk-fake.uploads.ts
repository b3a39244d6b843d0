import { createHash, randomBytes } from 'node:crypto';
import { VkApiError } from './vk-fake.errors';
import { parseMultipart } from './vk-fake.multipart';
import { checkGroupId, intParam, requiredString, type VkMethodContext, type VkMethodHandler } from './vk-fake.params';
import type { VkFakeStore } from './vk-fake.store';

/*
 * VK's two-step upload flows for messages:
 *   photo: photos.getMessagesUploadServer → POST multipart `photo` to upload_url → {server, photo, hash}
 *          → photos.saveMessagesPhoto(photo, server, hash) → [photo]
 *   doc:   docs.getMessagesUploadServer(type=doc) → POST multipart `file` → {file} → docs.save(file, title) → {type, doc}
 * Upload URLs live on the fake's own server under /upload/…; they need no token, like VK's upload hosts.
 */

const UPLOAD_SERVER_ID = 851_234;

function uploadUrl(ctx: VkMethodContext, kind: 'photo' | 'doc'): string {
  const nonce = randomBytes(6).toString('hex');
  return `${ctx.store.baseUrl}/upload/${kind}/${ctx.community.config.id}/${nonce}`;
}

function getMessagesPhotoUploadServer(ctx: VkMethodContext): unknown {
  checkGroupId(ctx);
  intParam(ctx.params, 'peer_id');
  return { album_id: -3, upload_url: uploadUrl(ctx, 'photo'), user_id: 0, group_id: ctx.community.config.id };
}

function getMessagesDocUploadServer(ctx: VkMethodContext): unknown {
  checkGroupId(ctx);
  const type = ctx.params['type'] ?? 'doc';
  if (!['doc', 'audio_message', 'graffiti'].includes(type)) throw new VkApiError(100, 'type is invalid');
  intParam(ctx.params, 'peer_id');
  return { upload_url: uploadUrl(ctx, 'doc') };
}

function takeUpload(store: VkFakeStore, key: string | undefined, kind: 'photo' | 'doc', groupId: number) {
  const upload = key === undefined ? undefined : store.uploads.get(key);
  if (!upload || upload.kind !== kind || upload.groupId !== groupId) return undefined;
  return upload;
}

function saveMessagesPhoto(ctx: VkMethodContext): unknown {
  const photoParam = requiredString(ctx.params, 'photo');
  const server = intParam(ctx.params, 'server', { required: true });
  const hash = requiredString(ctx.params, 'hash');
  let key: string | undefined;
  try {
    const parsed = JSON.parse(photoParam) as unknown;
    const first: unknown = Array.isArray(parsed) ? parsed[0] : undefined;
    if (typeof first === 'object' && first !== null && typeof (first as Record<string, unknown>)['photo'] === 'string') {
      key = (first as Record<string, string>)['photo'];
    }
  } catch {
    // falls through to "photos_list is invalid"
  }
  const upload = takeUpload(ctx.store, key, 'photo', ctx.community.config.id);
  if (!upload || key === undefined) throw new VkApiError(100, 'photos_list is invalid');
  if (hash !== upload.hash || server !== UPLOAD_SERVER_ID) throw new VkApiError(121);
  ctx.store.uploads.delete(key);
  return [ctx.store.createPhoto(-ctx.community.config.id, upload.bytes, upload.mime)];
}

function docsSave(ctx: VkMethodContext): unknown {
  const file = requiredString(ctx.params, 'file');
  const [key, hash] = file.split('|');
  const upload = takeUpload(ctx.store, key, 'doc', ctx.community.config.id);
  if (!upload || key === undefined) throw new VkApiError(100, 'file is invalid');
  if (hash !== upload.hash) throw new VkApiError(121);
  ctx.store.uploads.delete(key);
  const title = ctx.params['title'] || upload.filename;
  const ext = (upload.filename.includes('.') ? upload.filename.split('.').pop() ?? '' : '').toLowerCase();
  return { type: 'doc', doc: ctx.store.createDoc(-ctx.community.config.id, upload.bytes, title, ext, upload.mime) };
}

export const uploadMethods: Readonly<Record<string, VkMethodHandler>> = {
  'photos.getMessagesUploadServer': getMessagesPhotoUploadServer,
  'photos.saveMessagesPhoto': saveMessagesPhoto,
  'docs.getMessagesUploadServer': getMessagesDocUploadServer,
  'docs.save': docsSave,
};

/** Handles a POST to an upload URL. Answers like VK's upload hosts: HTTP 200 JSON, errors in the body. */
export function handleUpload(store: VkFakeStore, path: string, body: Buffer, contentType: string | undefined): unknown {
  const m = /^\/upload\/(photo|doc)\/(\d+)\/[0-9a-f]+$/.exec(path);
  if (!m) return { error: 'unknown upload url' };
  const kind = m[1] as 'photo' | 'doc';
  const groupId = Number(m[2]);
  const field = kind === 'photo' ? 'photo' : 'file';
  const part = parseMultipart(body, contentType).find((p) => p.name === field && p.data.length > 0);
  const key = randomBytes(12).toString('hex');
  if (!part) {
    return kind === 'photo'
      ? { server: UPLOAD_SERVER_ID, photo: '[]', hash: createHash('md5').update(key).digest('hex') }
      : { error: 'no_file', error_descr: `multipart field "file" is missing` };
  }
  const hash = createHash('md5').update(key).update(part.data).digest('hex');
  store.uploads.set(key, {
    kind,
    groupId,
    bytes: part.data,
    mime: part.contentType ?? 'application/octet-stream',
    filename: part.filename ?? (kind === 'photo' ? 'photo.jpg' : 'file'),
    hash,
  });
  if (kind === 'photo') {
    return { server: UPLOAD_SERVER_ID, photo: JSON.stringify([{ photo: key, sizes: [], kid: hash.slice(0, 8) }]), hash };
  }
  return { file: `${key}|${hash}` };
}
