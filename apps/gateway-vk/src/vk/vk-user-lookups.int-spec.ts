import { VkFake } from '@parley/testing';
import { VkApiClient } from './vk-api.client';
import { VkUserLookups } from './vk-user-lookups';

const GROUP = 777;
const TOKEN = 'vk1.a.lookups-community-token';

describe('VkUserLookups against the VK fake', () => {
  let vk: VkFake;
  let client: VkApiClient;

  beforeEach(async () => {
    vk = await VkFake.start();
    vk.addCommunity({ id: GROUP, name: 'Shop', token: TOKEN });
    for (let id = 1; id <= 40; id++) vk.addUser({ id, firstName: `User${id}`, lastName: 'K' });
  });

  afterEach(async () => {
    client.close();
    await vk.stop();
  });

  it('answers look-ups that wait for the token together, in one users.get, each with its own profile', async () => {
    // One call per second: the first look-up has the token's slot, the 39 that ask meanwhile share the next call.
    client = new VkApiClient({ baseUrl: vk.apiUrl, timeoutMs: 5_000, requestsPerSecond: 1 });
    const lookups = new VkUserLookups(client);
    expect((await lookups.get(TOKEN, 1))?.first_name).toBe('User1');
    const users = await Promise.all(Array.from({ length: 39 }, (_, i) => lookups.get(TOKEN, i + 2)));
    expect(users.map((u) => u?.first_name)).toEqual(Array.from({ length: 39 }, (_, i) => `User${i + 2}`));
    expect(vk.calls('users.get').map((c) => c.params['user_ids']?.split(',').length)).toEqual([1, 39]);
  });

  it('answers each id of a batch on its own (an unknown one: undefined) and recovers from a failed call', async () => {
    client = new VkApiClient({ baseUrl: vk.apiUrl, timeoutMs: 5_000 });
    const lookups = new VkUserLookups(client);
    const [good, bad, other] = await Promise.allSettled([lookups.get(TOKEN, 2), lookups.get(TOKEN, 999_999), lookups.get(TOKEN, 4)]);
    expect(good).toMatchObject({ status: 'fulfilled', value: { first_name: 'User2' } });
    expect(other).toMatchObject({ status: 'fulfilled', value: { first_name: 'User4' } });
    expect(bad).toEqual({ status: 'fulfilled', value: undefined }); // VK leaves out ids it does not know
    // Alone, VK answers error 113 for it: the same refusal as before batching.
    await expect(lookups.get(TOKEN, 999_999)).rejects.toMatchObject({ code: 'MESSENGER_REJECTED' });
    await expect(lookups.get('vk1.a.unknown-token', 1)).rejects.toMatchObject({ code: 'CHANNEL_AUTH_FAILED' });
    expect((await lookups.get(TOKEN, 3))?.first_name).toBe('User3');
  });
});
