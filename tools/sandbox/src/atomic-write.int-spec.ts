import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadSnapshot, newCommunity, saveSnapshot, type SandboxSnapshot } from './sandbox-state';

describe('sandbox state files', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'parley-sandbox-write-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('overlapping saves all succeed, in call order, and leave no temp file', async () => {
    const file = path.join(dir, 'sandbox.json');
    const snapshot = (n: number): SandboxSnapshot => ({
      version: 1,
      baseUrl: `http://127.0.0.1:${n}`,
      community: newCommunity(),
      customers: [],
      inbox: { nextMessageId: n, cmidByPeer: [], messages: [], randomIds: [], denied: [], reachable: [] },
      photos: [],
      docs: [],
      media: [],
    });
    await Promise.all(Array.from({ length: 20 }, (_, n) => saveSnapshot(file, snapshot(n))));
    expect((await loadSnapshot(file))?.inbox.nextMessageId).toBe(19);
    expect(await readdir(dir)).toEqual(['sandbox.json']);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ version: 1 });
  });
});
