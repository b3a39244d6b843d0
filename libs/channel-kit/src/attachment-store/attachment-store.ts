import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { NatsConnection } from '@nats-io/nats-core';
import { Objm, StorageType, type ObjectInfo, type ObjectStore } from '@nats-io/obj';
import { ParleyError, type AttachmentKind, type AttachmentRef } from '@parley/contracts';
import { attachmentKindOf, normaliseMime } from './attachment-kind';

/** The JetStream Object Store bucket that holds every attachment (architecture: "Attachments"). */
export const ATTACHMENT_BUCKET = 'parley-attachments';

export interface AttachmentStoreOptions {
  /** Bucket name (default `parley-attachments`). */
  bucket?: string;
  /** Stream replicas of the bucket (1 on a single server, 3 on the production cluster). */
  replicas?: number;
}

export interface PutAttachment {
  /** Original file name. */
  name: string;
  /** MIME type as given by the uploader or messenger; normalised to `type/subtype`. */
  mime?: string;
  /** Overrides the kind derived from the MIME type (e.g. `sticker`). */
  kind?: AttachmentKind;
  /** The bytes: a buffer, a Node stream or a web stream. Streams are not buffered in memory. */
  data: Uint8Array | Readable | WebReadableStream<Uint8Array>;
}

export interface StoredAttachment {
  ref: AttachmentRef;
  /** The bytes; consume or destroy it. The store checks the digest while it streams (a corrupt object errors). */
  stream: Readable;
}

/** Object metadata keys (the object's own name is the attachment id). */
const META_NAME = 'parley-name';
const META_MIME = 'parley-mime';
const META_KIND = 'parley-kind';

const ID_PATTERN = /^[A-Za-z0-9-]{1,64}$/;

/**
 * Put/get of attachments in the JetStream Object Store. Every object is named by a new UUID (the attachment id);
 * its original name, MIME type and kind are object metadata; size and SHA-256 come from the object store's own
 * bookkeeping (it hashes every chunk), so the bytes are streamed through once and never held in memory.
 */
export class AttachmentStore {
  private constructor(private readonly store: ObjectStore) {}

  /** Opens the bucket, creating it when it does not exist (idempotent, safe on concurrent boots). */
  static async open(nc: NatsConnection, options: AttachmentStoreOptions = {}): Promise<AttachmentStore> {
    const objm = new Objm(nc);
    const store = await objm.create(options.bucket ?? ATTACHMENT_BUCKET, {
      storage: StorageType.File,
      replicas: options.replicas ?? 1,
      description: 'Parley attachments (messages carry references)',
    });
    return new AttachmentStore(store);
  }

  async put(input: PutAttachment): Promise<AttachmentRef> {
    const id = randomUUID();
    const mime = normaliseMime(input.mime);
    const name = cleanName(input.name);
    const kind = input.kind ?? attachmentKindOf(mime);
    const info = await this.store.put(
      { name: id, description: name, metadata: { [META_NAME]: name, [META_MIME]: mime, [META_KIND]: kind } },
      toWebStream(input.data),
    );
    return toRef(info);
  }

  /** The reference of a stored attachment, or undefined when there is none with that id. */
  async info(id: string): Promise<AttachmentRef | undefined> {
    if (!ID_PATTERN.test(id)) return undefined;
    const info = await this.store.info(id);
    return info === null || info.deleted ? undefined : toRef(info);
  }

  /** References of several attachments; NOT_FOUND naming the first unknown id. */
  async refs(ids: readonly string[]): Promise<AttachmentRef[]> {
    return Promise.all(
      ids.map(async (id) => {
        const ref = await this.info(id);
        if (!ref) throw new ParleyError('NOT_FOUND', `attachment ${id} not found`, { details: { attachmentId: id } });
        return ref;
      }),
    );
  }

  /** The attachment and its bytes, or undefined when there is none with that id. */
  async get(id: string): Promise<StoredAttachment | undefined> {
    if (!ID_PATTERN.test(id)) return undefined;
    const result = await this.store.get(id);
    if (result === null || result.info.deleted) return undefined;
    const stream = Readable.fromWeb(result.data as unknown as WebReadableStream<Uint8Array>);
    void result.error.then((err) => {
      if (err) stream.destroy(err);
    });
    return { ref: toRef(result.info), stream };
  }

  async delete(id: string): Promise<void> {
    if (!ID_PATTERN.test(id)) return;
    await this.store.delete(id).catch((err: unknown) => {
      if (!(err instanceof Error && /not found/i.test(err.message))) throw err;
    });
  }
}

function toWebStream(data: PutAttachment['data']): ReadableStream<Uint8Array> {
  if (data instanceof Uint8Array) {
    return new ReadableStream<Uint8Array>({
      start(controller) {
        if (data.byteLength > 0) controller.enqueue(data);
        controller.close();
      },
    });
  }
  const web = data instanceof Readable ? (Readable.toWeb(data) as WebReadableStream<Uint8Array>) : data;
  return web as unknown as ReadableStream<Uint8Array>;
}

/** File names travel in headers and JSON: strip paths and control characters, bound the length. */
function cleanName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 255);
  return clean === '' ? 'file' : clean;
}

/** `SHA-256=<base64url>` (the object store's digest) as lowercase hex. */
function digestHex(digest: string): string {
  const prefix = 'SHA-256=';
  if (!digest.startsWith(prefix)) throw new Error(`unexpected object digest ${digest}`);
  return Buffer.from(digest.slice(prefix.length), 'base64url').toString('hex');
}

function toRef(info: ObjectInfo): AttachmentRef {
  const meta = info.metadata ?? {};
  const mime = normaliseMime(meta[META_MIME]);
  const kindMeta = meta[META_KIND];
  const kind: AttachmentKind = isKind(kindMeta) ? kindMeta : attachmentKindOf(mime);
  return { id: info.name, name: meta[META_NAME] ?? info.description ?? info.name, mime, size: info.size, sha256: digestHex(info.digest), kind };
}

function isKind(value: string | undefined): value is AttachmentKind {
  return value === 'image' || value === 'file' || value === 'audio' || value === 'video' || value === 'sticker';
}
