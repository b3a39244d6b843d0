import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { startTestNats, type NatsServer } from '@parley/testing';
import { AttachmentStore } from './attachment-store';

let nats: NatsServer;
let nc: NatsConnection;
let store: AttachmentStore;

async function read(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

beforeAll(async () => {
  nats = await startTestNats();
  nc = await connect({ servers: nats.url });
  store = await AttachmentStore.open(nc);
});

afterAll(async () => {
  await nc?.close();
  await nats?.stop();
});

describe('AttachmentStore', () => {
  it('opens an existing bucket again (idempotent)', async () => {
    await expect(AttachmentStore.open(nc)).resolves.toBeInstanceOf(AttachmentStore);
  });

  it('stores a Node stream under a new uuid with size, sha256, mime and kind, and streams it back', async () => {
    const bytes = Buffer.alloc(700_000, 3); // several object-store chunks
    const ref = await store.put({ name: '../../etc/photo.jpg', mime: 'image/JPEG; charset=binary', data: Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]) });
    expect(ref).toMatchObject({ name: 'photo.jpg', mime: 'image/jpeg', size: bytes.length, kind: 'image' });
    expect(ref.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(ref.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    const got = await store.get(ref.id);
    expect(got?.ref).toEqual(ref);
    expect((await read(got!.stream)).equals(bytes)).toBe(true);
    expect(await store.info(ref.id)).toEqual(ref);
  });

  it('stores buffers, empty files and unknown types as files', async () => {
    const ref = await store.put({ name: 'empty', mime: 'not a mime', data: new Uint8Array() });
    expect(ref).toMatchObject({ size: 0, mime: 'application/octet-stream', kind: 'file', sha256: createHash('sha256').digest('hex') });
    const sticker = await store.put({ name: 's.webp', mime: 'image/webp', kind: 'sticker', data: Buffer.from('x') });
    expect(sticker.kind).toBe('sticker');
  });

  it('answers undefined / NOT_FOUND for unknown ids and deletes', async () => {
    expect(await store.get('00000000-0000-0000-0000-000000000000')).toBeUndefined();
    expect(await store.info('bad id with spaces')).toBeUndefined();
    await expect(store.refs(['00000000-0000-0000-0000-000000000000'])).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const ref = await store.put({ name: 'a.txt', mime: 'text/plain', data: Buffer.from('a') });
    await expect(store.refs([ref.id])).resolves.toEqual([ref]);
    await store.delete(ref.id);
    expect(await store.info(ref.id)).toBeUndefined();
    await store.delete(ref.id);
  });
});
