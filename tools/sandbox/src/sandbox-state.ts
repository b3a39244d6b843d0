import { randomBytes, randomInt } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from './atomic-write';
import type { VkDoc, VkFake, VkMessage, VkPhoto } from '@parley/testing';

/** The demo community the sandbox plays, with the four fields the console's "Connect VK community" form asks for. */
export interface SandboxCommunity {
  id: number;
  name: string;
  token: string;
  secret: string;
  confirmation: string;
  callbackUrl?: string;
}

export interface SandboxCustomer {
  id: number;
  firstName: string;
  lastName: string;
}

/** What `.parley/sandbox.json` holds: enough to give the fake the same community, customers and history again. */
export interface SandboxSnapshot {
  version: 1;
  /** The fake's base URL when saved (media URLs inside messages start with it; rewritten on restore). */
  baseUrl: string;
  community: SandboxCommunity;
  customers: SandboxCustomer[];
  inbox: {
    nextMessageId: number;
    cmidByPeer: Array<[number, number]>;
    messages: VkMessage[];
    randomIds: Array<[string, number]>;
    denied: number[];
    reachable: number[];
  };
  photos: Array<[string, VkPhoto]>;
  docs: Array<[string, VkDoc]>;
  /** Media of messages (customer photos and files, uploaded replies), base64, newest kept under a size cap. */
  media: Array<{ path: string; mime: string; base64: string }>;
}

/** Media kept in the state file at most (the sandbox is a demo, not an archive). */
const MAX_PERSISTED_MEDIA_BYTES = 20 * 1024 * 1024;

export function newCommunity(): SandboxCommunity {
  return {
    id: randomInt(200_000_000, 230_000_000),
    name: 'Parley demo shop',
    token: `vk1.a.${randomBytes(60).toString('base64url')}`,
    secret: randomBytes(12).toString('hex'),
    confirmation: randomBytes(4).toString('hex'),
  };
}

export const DEMO_CUSTOMERS: SandboxCustomer[] = [
  { id: 1_000_001, firstName: 'Ivan', lastName: 'Petrov' },
  { id: 1_000_002, firstName: 'Maria', lastName: 'Smirnova' },
];

export async function loadSnapshot(file: string): Promise<SandboxSnapshot | undefined> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const parsed = JSON.parse(raw) as SandboxSnapshot;
  if (parsed.version !== 1) throw new Error(`${file}: unknown sandbox state version ${String(parsed.version)}`);
  return parsed;
}

/** Writes atomically, one write at a time (see atomic-write.ts). */
export function saveSnapshot(file: string, snapshot: SandboxSnapshot): Promise<void> {
  return writeFileAtomic(file, JSON.stringify(snapshot));
}

/** The fake's state of the community as a snapshot. */
export function takeSnapshot(fake: VkFake, community: SandboxCommunity, customers: SandboxCustomer[]): SandboxSnapshot {
  const state = fake.store.community(community.id);
  const media: SandboxSnapshot['media'] = [];
  let total = 0;
  const entries = [...fake.store.media.entries()].filter(([p]) => p.startsWith('/media/photo/') || p.startsWith('/media/doc/'));
  for (const [mediaPath, stored] of entries.reverse()) {
    total += stored.bytes.length;
    if (total > MAX_PERSISTED_MEDIA_BYTES) break;
    media.push({ path: mediaPath, mime: stored.mime, base64: stored.bytes.toString('base64') });
  }
  return {
    version: 1,
    baseUrl: fake.baseUrl,
    community: { ...community, ...(state.config.callbackUrl === undefined ? {} : { callbackUrl: state.config.callbackUrl }) },
    customers,
    inbox: {
      nextMessageId: state.nextMessageId,
      cmidByPeer: [...state.cmidByPeer.entries()],
      messages: state.messages,
      randomIds: [...state.randomIds.entries()],
      denied: [...state.denied],
      reachable: [...state.reachable],
    },
    photos: [...fake.store.photos.entries()],
    docs: [...fake.store.docs.entries()],
    media: media.reverse(),
  };
}

/** Gives a freshly started fake the saved community, customers and history (media URLs moved to its new port). */
export function restoreSnapshot(fake: VkFake, snapshot: SandboxSnapshot): void {
  const moved = <T>(value: T): T => JSON.parse(JSON.stringify(value).split(snapshot.baseUrl).join(fake.baseUrl)) as T;
  const { community } = snapshot;
  fake.addCommunity({
    id: community.id,
    name: community.name,
    token: community.token,
    secret: community.secret,
    confirmation: community.confirmation,
    ...(community.callbackUrl === undefined ? {} : { callbackUrl: community.callbackUrl }),
  });
  for (const customer of snapshot.customers) fake.addUser(customer);
  const state = fake.store.community(community.id);
  state.nextMessageId = snapshot.inbox.nextMessageId;
  state.cmidByPeer = new Map(snapshot.inbox.cmidByPeer);
  state.messages = moved(snapshot.inbox.messages);
  state.randomIds = new Map(snapshot.inbox.randomIds);
  state.denied = new Set(snapshot.inbox.denied);
  state.reachable = new Set(snapshot.inbox.reachable);
  for (const [key, photo] of moved(snapshot.photos)) fake.store.photos.set(key, photo);
  for (const [key, doc] of moved(snapshot.docs)) fake.store.docs.set(key, doc);
  for (const item of snapshot.media) fake.store.media.set(item.path, { mime: item.mime, bytes: Buffer.from(item.base64, 'base64') });
  skipUsedIds(fake, snapshot);
}

/**
 * The fake numbers photos and docs from fixed starts; move its counters past the restored ones so new media never
 * reuse (and overwrite) a restored media URL. Only the public `createPhoto`/`createDoc` advance them.
 */
function skipUsedIds(fake: VkFake, snapshot: SandboxSnapshot): void {
  const maxPhoto = Math.max(0, ...snapshot.photos.map(([, p]) => p.id));
  const maxDoc = Math.max(0, ...snapshot.docs.map(([, d]) => d.id));
  const scratch = Buffer.alloc(0);
  for (let i = 0; i < 100_000; i++) {
    const photo = fake.store.createPhoto(0, scratch, 'image/png', 1, 1);
    forget(fake, `/media/photo/0_${photo.id}`, 'photo', `0_${photo.id}`);
    if (photo.id >= maxPhoto) break;
  }
  for (let i = 0; i < 100_000; i++) {
    const doc = fake.store.createDoc(0, scratch, 'x', 'txt', 'text/plain');
    forget(fake, `/media/doc/0_${doc.id}`, 'doc', `0_${doc.id}`);
    if (doc.id >= maxDoc) break;
  }
}

function forget(fake: VkFake, mediaPath: string, kind: 'photo' | 'doc', key: string): void {
  for (const p of [...fake.store.media.keys()]) if (p === mediaPath || p.startsWith(`${mediaPath}/`)) fake.store.media.delete(p);
  if (kind === 'photo') fake.store.photos.delete(key);
  else fake.store.docs.delete(key);
}
