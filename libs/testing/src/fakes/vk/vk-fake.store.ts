import { randomBytes } from 'node:crypto';
import type {
  VkAttachment,
  VkCustomerAttachmentInput,
  VkDoc,
  VkFakeCommunityConfig,
  VkFakeUserConfig,
  VkMessage,
  VkPhoto,
} from './vk-fake.types';

/** A 1×1 PNG: default bytes of photos and avatars when the test gives none. */
export const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

export interface CommunityState {
  config: VkFakeCommunityConfig;
  /** Next community-inbox message id (VK numbers a community's messages itself). */
  nextMessageId: number;
  /** Last conversation_message_id per peer. */
  cmidByPeer: Map<number, number>;
  /** Every message of the community's inbox, in creation order. */
  messages: VkMessage[];
  /** random_id → message id, over the whole history (messages.send idempotency). */
  randomIds: Map<string, number>;
  /** Users who forbade messages (message_deny). */
  denied: Set<number>;
  /** Users who wrote to the community or allowed messages: the community may answer them. */
  reachable: Set<number>;
}

export interface UserState {
  id: number;
  firstName: string;
  lastName: string;
  avatar: Buffer;
}

export interface PendingUpload {
  kind: 'photo' | 'doc';
  groupId: number;
  bytes: Buffer;
  mime: string;
  filename: string;
  hash: string;
}

export interface StoredMedia {
  bytes: Buffer;
  mime: string;
}

/** The fake's whole state. Pure bookkeeping: no HTTP here. */
export class VkFakeStore {
  readonly communities = new Map<number, CommunityState>();
  readonly tokens = new Map<string, number>();
  readonly users = new Map<number, UserState>();
  /** URL path (`/media/…`) → bytes. */
  readonly media = new Map<string, StoredMedia>();
  /** `${owner_id}_${id}` → saved photo / doc (what `attachment=` may reference). */
  readonly photos = new Map<string, VkPhoto>();
  readonly docs = new Map<string, VkDoc>();
  /** Files uploaded to an upload URL and not yet saved, by the opaque key the upload answered. */
  readonly uploads = new Map<string, PendingUpload>();
  private nextPhotoId = 457_239_017;
  private nextDocId = 600_000_001;
  private version = 1_000;

  constructor(readonly baseUrl: string) {}

  addCommunity(config: VkFakeCommunityConfig): CommunityState {
    if (this.tokens.has(config.token) && this.tokens.get(config.token) !== config.id) {
      throw new Error(`token already belongs to community ${this.tokens.get(config.token)}`);
    }
    const existing = this.communities.get(config.id);
    const state: CommunityState = existing
      ? { ...existing, config: { ...existing.config, ...config } }
      : {
          config: { echoReplies: true, ...config },
          nextMessageId: 1,
          cmidByPeer: new Map(),
          messages: [],
          randomIds: new Map(),
          denied: new Set(),
          reachable: new Set(),
        };
    this.communities.set(config.id, state);
    this.tokens.set(config.token, config.id);
    this.media.set(`/media/group/${config.id}.png`, { bytes: TINY_PNG, mime: 'image/png' });
    return state;
  }

  community(groupId: number): CommunityState {
    const c = this.communities.get(groupId);
    if (!c) throw new Error(`VK fake: unknown community ${groupId} (call addCommunity first)`);
    return c;
  }

  addUser(config: VkFakeUserConfig): UserState {
    const user: UserState = {
      id: config.id,
      firstName: config.firstName ?? `User`,
      lastName: config.lastName ?? `${config.id}`,
      avatar: config.avatar ?? TINY_PNG,
    };
    this.users.set(user.id, user);
    this.media.set(this.avatarPath(user.id), { bytes: user.avatar, mime: 'image/png' });
    return user;
  }

  user(userId: number): UserState {
    return this.users.get(userId) ?? this.addUser({ id: userId });
  }

  avatarPath(userId: number): string {
    return `/media/avatar/${userId}.png`;
  }

  avatarUrl(userId: number): string {
    return this.baseUrl + this.avatarPath(userId);
  }

  /** Appends a message to a community's inbox with the next ids. */
  addMessage(
    community: CommunityState,
    fields: { peerId: number; fromId: number; out: 0 | 1; text: string; date?: number; randomId?: number; attachments?: VkAttachment[]; adminAuthorId?: number },
  ): VkMessage {
    const cmid = (community.cmidByPeer.get(fields.peerId) ?? 0) + 1;
    community.cmidByPeer.set(fields.peerId, cmid);
    const message: VkMessage = {
      id: community.nextMessageId++,
      date: fields.date ?? Math.floor(Date.now() / 1000),
      peer_id: fields.peerId,
      from_id: fields.fromId,
      text: fields.text,
      out: fields.out,
      conversation_message_id: cmid,
      version: ++this.version,
      random_id: fields.randomId ?? 0,
      attachments: fields.attachments ?? [],
      fwd_messages: [],
      important: false,
      is_hidden: false,
      ...(fields.adminAuthorId === undefined ? {} : { admin_author_id: fields.adminAuthorId }),
    };
    community.messages.push(message);
    return message;
  }

  /** Stores a photo with VK's size ladder; every size serves the given bytes. */
  createPhoto(ownerId: number, bytes: Buffer, mime: string, width = 1280, height = 960): VkPhoto {
    const id = this.nextPhotoId++;
    const accessKey = randomBytes(9).toString('hex');
    const path = `/media/photo/${ownerId}_${id}`;
    const ladder: [string, number][] = [['s', 75], ['m', 130], ['x', 604], ['y', 807], ['z', 1080], ['w', 2560]];
    const sizes = ladder
      .filter(([type, max]) => type === 's' || max <= Math.max(width, height))
      .map(([type, max]) => {
        const scale = Math.min(1, max / Math.max(width, height));
        return { type, url: `${this.baseUrl}${path}/${type}.jpg`, width: Math.round(width * scale), height: Math.round(height * scale) };
      });
    for (const size of sizes) this.media.set(`${path}/${size.type}.jpg`, { bytes, mime });
    const photo: VkPhoto = { id, owner_id: ownerId, album_id: -3, date: Math.floor(Date.now() / 1000), access_key: accessKey, sizes, text: '' };
    this.photos.set(`${ownerId}_${id}`, photo);
    return photo;
  }

  createDoc(ownerId: number, bytes: Buffer, title: string, ext: string, mime: string): VkDoc {
    const id = this.nextDocId++;
    const path = `/media/doc/${ownerId}_${id}`;
    this.media.set(path, { bytes, mime });
    const imageExts = ['jpg', 'jpeg', 'png', 'bmp'];
    const doc: VkDoc = {
      id,
      owner_id: ownerId,
      title,
      size: bytes.length,
      ext,
      url: `${this.baseUrl}${path}?hash=${randomBytes(8).toString('hex')}&dl=1`,
      date: Math.floor(Date.now() / 1000),
      type: ext === 'gif' ? 3 : imageExts.includes(ext) ? 4 : ext === 'txt' || ext === 'pdf' || ext === 'doc' || ext === 'docx' ? 1 : 8,
    };
    this.docs.set(`${ownerId}_${id}`, doc);
    return doc;
  }

  /** Turns what a test attaches to a customer message into VK attachment objects owned by the customer. */
  customerAttachments(userId: number, inputs: VkCustomerAttachmentInput[]): VkAttachment[] {
    return inputs.map((input) => {
      if (input.type === 'photo') {
        return { type: 'photo', photo: this.createPhoto(userId, input.bytes ?? TINY_PNG, input.mime ?? 'image/jpeg', input.width, input.height) };
      }
      const ext = input.ext ?? (input.title.includes('.') ? input.title.split('.').pop() ?? '' : '');
      const doc = this.createDoc(userId, input.bytes, input.title, ext.toLowerCase(), input.mime ?? 'application/octet-stream');
      return { type: 'doc', doc: { ...doc, access_key: randomBytes(9).toString('hex') } };
    });
  }
}
