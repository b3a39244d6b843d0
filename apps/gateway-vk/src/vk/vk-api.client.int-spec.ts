import { randomUUID } from 'node:crypto';
import { ParleyError, SendErrorCodes } from '@parley/contracts';
import { VkFake } from '@parley/testing';
import { vkRandomIdFromReplyId } from './random-id';
import { DEFAULT_VK_API_URL, VkApiClient, vkApiOptionsFromEnv } from './vk-api.client';
import { largestPhotoSize, vkMediaOf } from './vk-callback.normalizer';
import type { VkMessage } from './vk-callback.types';

const GROUP = 31337;
const TOKEN = 'vk1.a.secret-community-token-do-not-log';
const USER = 501;

async function caught(promise: Promise<unknown>): Promise<ParleyError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ParleyError) return err;
    throw err;
  }
  throw new Error('expected a ParleyError');
}

describe('VkApiClient against the VK fake', () => {
  let vk: VkFake;
  let client: VkApiClient;

  beforeEach(async () => {
    vk = await VkFake.start();
    vk.addCommunity({ id: GROUP, name: 'Shop', token: TOKEN });
    vk.addUser({ id: USER, firstName: 'Anna', lastName: 'K' });
    await vk.writeAsCustomer({ groupId: GROUP, userId: USER, text: 'hello' });
    client = new VkApiClient({ baseUrl: vk.apiUrl, timeoutMs: 1000 });
  });

  afterEach(async () => {
    client.close();
    await vk.stop();
  });

  it('keeps every method of one token within VK’s 20 calls per second, in the order they were asked', async () => {
    vk.setRateLimit({ perSecond: 20 });
    const other = 'vk1.a.another-community-token';
    vk.addCommunity({ id: GROUP + 1, name: 'Other shop', token: other });
    // 45 calls at once, mixed methods, plus 5 of another token that must not wait behind them.
    const calls = Array.from({ length: 45 }, (_, i) =>
      i % 3 === 0
        ? client.sendMessage(TOKEN, { peerId: USER, randomId: 1000 + i, text: `paced ${i}` })
        : client.getUsers(TOKEN, [USER]),
    );
    const others = Array.from({ length: 5 }, () => client.getUsers(other, [USER]));
    await Promise.all([...calls, ...others]);
    expect(vk.rateLimitViolations(TOKEN)).toBe(0);
    expect(vk.rateLimitViolations(other)).toBe(0);
    const sent = vk.calls('messages.send').map((c) => c.params['message']);
    expect(sent).toEqual(Array.from({ length: 15 }, (_, k) => `paced ${k * 3}`));
    const otherCalls = vk.calls().filter((c) => c.token === other);
    const tokenCalls = vk.calls().filter((c) => c.token === TOKEN);
    // The other token went first: its calls did not queue behind the 45.
    expect(Math.max(...otherCalls.map((c) => c.at))).toBeLessThan(Math.max(...tokenCalls.map((c) => c.at)));
  });

  it('refuses a call that cannot start within maxPacingWaitMs (retryable RATE_LIMITED) without calling VK', async () => {
    const paced = new VkApiClient({ baseUrl: vk.apiUrl, timeoutMs: 1000, requestsPerSecond: 1, maxPacingWaitMs: 200 });
    try {
      await paced.getUsers(TOKEN, [USER]); // holds the token's only slot for a second after its answer
      const err = await caught(paced.getUsers(TOKEN, [USER]));
      expect([err.code, err.retryable]).toEqual([SendErrorCodes.RATE_LIMITED, true]);
      expect(vk.calls('users.get')).toHaveLength(1);
    } finally {
      paced.close();
    }
  });

  it('checks a token with groups.getById, sending it as a Bearer header with v=5.199', async () => {
    expect(await client.getCommunity(TOKEN)).toMatchObject({ id: GROUP, name: 'Shop' });
    const [call] = vk.calls('groups.getById');
    expect(call).toMatchObject({ token: TOKEN, params: { v: '5.199' } });
    const err = await caught(client.getCommunity('wrong'));
    expect(err).toMatchObject({ code: SendErrorCodes.CHANNEL_AUTH_FAILED, retryable: false, options: { details: { vkErrorCode: 5 } } });
  });

  it('sends with a random_id derived from the reply id: a retry delivers once and returns the same id', async () => {
    const randomId = vkRandomIdFromReplyId(randomUUID());
    const first = await client.sendMessage(TOKEN, { peerId: USER, randomId, text: 'Hello Anna' });
    const retry = await client.sendMessage(TOKEN, { peerId: USER, randomId, text: 'Hello Anna' });
    expect(retry).toBe(first);
    expect(vk.sentMessages(USER)).toEqual([expect.objectContaining({ id: first, text: 'Hello Anna', random_id: randomId })]);
  });

  it.each([
    [901, SendErrorCodes.RECIPIENT_BLOCKED, false],
    [900, SendErrorCodes.RECIPIENT_BLOCKED, false],
    [902, SendErrorCodes.RECIPIENT_BLOCKED, false],
    [932, SendErrorCodes.RECIPIENT_BLOCKED, false],
    [945, SendErrorCodes.RECIPIENT_BLOCKED, false],
    [6, SendErrorCodes.RATE_LIMITED, true],
    [9, SendErrorCodes.RATE_LIMITED, true],
    [29, SendErrorCodes.RATE_LIMITED, true],
    [10, SendErrorCodes.MESSENGER_UNAVAILABLE, true],
    [5, SendErrorCodes.CHANNEL_AUTH_FAILED, false],
    [914, SendErrorCodes.MESSAGE_TOO_LONG, false],
    [14, SendErrorCodes.MESSENGER_REJECTED, false],
    [917, SendErrorCodes.MESSENGER_REJECTED, false],
  ])('maps VK error %i to %s (retryable: %s), the VK code in details, no token anywhere', async (vkCode, code, retryable) => {
    vk.failNext('messages.send', vkCode);
    const err = await caught(client.sendMessage(TOKEN, { peerId: USER, randomId: 1, text: 'x' }));
    expect(err.code).toBe(code);
    expect(err.retryable).toBe(retryable);
    expect(err.options.details).toMatchObject({ vkErrorCode: vkCode, method: 'messages.send' });
    expect(JSON.stringify({ message: err.message, body: err.toBody(), stack: err.stack })).not.toContain(TOKEN);
    if (code === SendErrorCodes.RATE_LIMITED) expect(err.options.retryAfterMs).toBeGreaterThan(0);
  });

  it('gets the real 901 after message_deny and the real 914 for a long text', async () => {
    expect(await caught(client.sendMessage(TOKEN, { peerId: USER, randomId: 2, text: 'x'.repeat(9001) }))).toMatchObject({ code: SendErrorCodes.MESSAGE_TOO_LONG });
    await vk.deny({ groupId: GROUP, userId: USER });
    expect(await caught(client.sendMessage(TOKEN, { peerId: USER, randomId: 3, text: 'x' }))).toMatchObject({ code: SendErrorCodes.RECIPIENT_BLOCKED, retryable: false });
  });

  it('maps HTTP 5xx, dropped connections and timeouts to MESSENGER_UNAVAILABLE (retryable)', async () => {
    vk.failNextHttp('messages.send', 502);
    expect(await caught(client.sendMessage(TOKEN, { peerId: USER, randomId: 4, text: 'x' }))).toMatchObject({
      code: SendErrorCodes.MESSENGER_UNAVAILABLE, retryable: true, options: { details: { httpStatus: 502 } },
    });
    vk.dropNext('messages.send');
    expect(await caught(client.sendMessage(TOKEN, { peerId: USER, randomId: 5, text: 'x' }))).toMatchObject({ code: SendErrorCodes.MESSENGER_UNAVAILABLE, retryable: true });
    vk.delayNext('messages.send', 1500);
    const timeout = await caught(client.sendMessage(TOKEN, { peerId: USER, randomId: 6, text: 'x' }));
    expect(timeout).toMatchObject({ code: SendErrorCodes.MESSENGER_UNAVAILABLE, retryable: true });
    expect(JSON.stringify(timeout.toBody())).not.toContain(TOKEN);
    const closed = new VkApiClient({ baseUrl: 'http://127.0.0.1:1/method', timeoutMs: 500 });
    expect(await caught(closed.getCommunity(TOKEN))).toMatchObject({ code: SendErrorCodes.MESSENGER_UNAVAILABLE, retryable: true });
    closed.close();
  });

  it('uploads a photo and sends it', async () => {
    const attachment = await client.uploadPhoto(TOKEN, { peerId: USER, bytes: Buffer.from('png-bytes'), name: 'chart.png', mime: 'image/png' });
    expect(attachment).toMatch(new RegExp(`^photo-${GROUP}_\\d+_[0-9a-f]+$`));
    await client.sendMessage(TOKEN, { peerId: USER, randomId: 7, attachments: [attachment] });
    const [sent] = vk.sentMessages(USER);
    const { media } = vkMediaOf(sent as unknown as VkMessage);
    const downloaded = await client.download(media[0]?.url ?? '', 1024);
    expect(downloaded.bytes.toString()).toBe('png-bytes');
  });

  it('uploads a document and sends it with text', async () => {
    const attachment = await client.uploadDoc(TOKEN, { peerId: USER, bytes: Buffer.from('%PDF-1.7 test'), name: 'offer.pdf', mime: 'application/pdf' });
    expect(attachment).toMatch(new RegExp(`^doc-${GROUP}_\\d+$`));
    await client.sendMessage(TOKEN, { peerId: USER, randomId: 8, text: 'the offer', attachments: [attachment] });
    const [sent] = vk.sentMessages(USER);
    expect(sent?.attachments).toEqual([{ type: 'doc', doc: expect.objectContaining({ title: 'offer.pdf', ext: 'pdf', size: 13 }) }]);
    expect(vk.calls('docs.getMessagesUploadServer')[0]?.params).toMatchObject({ type: 'doc', peer_id: String(USER) });
  });

  it('maps a failing upload step like any call', async () => {
    vk.failNext('photos.saveMessagesPhoto', 10);
    expect(await caught(client.uploadPhoto(TOKEN, { peerId: USER, bytes: Buffer.from('x'), name: 'a.jpg', mime: 'image/jpeg' }))).toMatchObject({ code: SendErrorCodes.MESSENGER_UNAVAILABLE });
  });

  it('looks up profiles and downloads a customer photo at its largest size, refusing oversize files', async () => {
    const [user] = await client.getUsers(TOKEN, [USER]);
    expect(user).toMatchObject({ id: USER, first_name: 'Anna', last_name: 'K', photo_200: expect.any(String) });
    const { message } = await vk.writeAsCustomer({ groupId: GROUP, userId: USER, text: '', attachments: [{ type: 'photo', bytes: Buffer.alloc(4096, 7), width: 1600, height: 1200 }] });
    const sizes = (message.attachments[0] as { photo: { sizes: { type: string; url: string; width: number; height: number }[] } }).photo.sizes;
    const best = largestPhotoSize(sizes);
    expect(best?.width).toBe(Math.max(...sizes.map((s) => s.width)));
    expect((await client.download(best?.url ?? '', 10_000)).bytes.length).toBe(4096);
    expect(await caught(client.download(best?.url ?? '', 100))).toMatchObject({ code: SendErrorCodes.MESSAGE_TOO_LONG });
  });

  it('backfills messages since a time across conversations, oldest first', async () => {
    const now = Math.floor(Date.now() / 1000);
    await vk.writeAsCustomer({ groupId: GROUP, userId: 601, text: 'two days ago', date: now - 2 * 86_400, deliver: false });
    await vk.writeAsCustomer({ groupId: GROUP, userId: 602, text: 'missed 1', date: now - 600, deliver: false });
    await vk.writeAsCustomer({ groupId: GROUP, userId: 601, text: 'missed 2', date: now - 300, deliver: false });
    const messages = await client.messagesSince(TOKEN, { groupId: GROUP, since: new Date((now - 86_400) * 1000), pageSize: 1 });
    expect(messages.filter((m) => m.out === 0).map((m) => m.text)).toEqual(['missed 1', 'missed 2', 'hello']);
  });

  it('reads VK_API_URL with the documented default', () => {
    expect(vkApiOptionsFromEnv({})).toEqual({ baseUrl: DEFAULT_VK_API_URL });
    expect(vkApiOptionsFromEnv({ VK_API_URL: `${vk.apiUrl}/`, VK_API_TIMEOUT_MS: '500' })).toEqual({ baseUrl: vk.apiUrl, timeoutMs: 500 });
    expect(() => vkApiOptionsFromEnv({ VK_API_URL: 'not a url' })).toThrow('VK_API_URL');
  });
});
