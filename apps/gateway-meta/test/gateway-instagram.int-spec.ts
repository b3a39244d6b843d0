import { GatewayErrorCodes, newCorrelation, SendErrorCodes, type AttachmentRef, type ChannelView } from '@parley/contracts';
import { META_TINY_PNG, metaSignature } from '@parley/testing';
import { caught, DAY, MetaHarness } from './meta-harness';

const ACCOUNT = '17841400000000001';
const TOKEN = 'IGAA-instagram-login-token';
const SECRET = 'ig-app-secret-1';
const IGSID = '7100000000000001';
const INSTAGRAM_APP_ID = '124024574287414';

describe('gateway-meta as gateway-instagram (real NATS, Postgres and the Meta fake over HTTP)', () => {
  const h = new MetaHarness('instagram');
  let channel: ChannelView;
  const settings = { accountId: ACCOUNT, accessToken: TOKEN, appSecret: SECRET, verifyToken: 'ig-verify' };

  beforeAll(async () => {
    await h.start();
    h.meta.addInstagramAccount({ id: ACCOUNT, name: 'beesender.shop', token: TOKEN, appSecret: SECRET, verifyToken: 'ig-verify' });
    h.meta.addUser({ id: IGSID, firstName: 'Oleg', lastName: 'Petrov' });
  });
  afterAll(() => h.stop());

  it('connect: an Instagram Login token is checked on the Instagram base and subscribed; twice is 409; a bad token 422', async () => {
    expect((await caught(h.connect('Bad', { ...settings, accessToken: 'IGAA-wrong-token' }))).code).toBe(GatewayErrorCodes.CHANNEL_CHECK_FAILED);
    channel = await h.connect('Beesender', settings);
    expect(channel).toMatchObject({ type: 'instagram', externalId: ACCOUNT, status: 'active' });
    expect(h.meta.subscribedFields(ACCOUNT)).toEqual(['message_reactions', 'messages', 'messaging_postbacks', 'messaging_seen']);
    expect(new Set(h.meta.calls().map((c) => c.base))).toEqual(new Set(['instagram']));
    expect((await caught(h.connect('Again', settings))).code).toBe(GatewayErrorCodes.CHANNEL_ALREADY_CONNECTED);
    h.meta.setWebhookUrl(ACCOUNT, channel.webhookUrl);
    expect((await h.meta.verifyWebhook(ACCOUNT)).ok).toBe(true);
  });

  it('a wrong signature stores nothing', async () => {
    const { entry } = await h.meta.writeAsCustomer({ accountId: ACCOUNT, userId: IGSID, text: 'forged', deliver: false });
    const body = JSON.stringify({ object: 'instagram', entry: [entry] });
    const before = (await h.inbound()).length;
    expect(await h.post(channel.id, body, { 'x-hub-signature-256': metaSignature(body, 'not-the-secret') })).toBe(401);
    expect((await h.inbound()).length).toBe(before);
  });

  it('an image is copied; share, story mention and reel become a message with links', async () => {
    const { event } = await h.meta.writeAsCustomer({
      accountId: ACCOUNT, userId: IGSID, text: 'look',
      attachments: [{ type: 'image', bytes: META_TINY_PNG, mime: 'image/png' }, { type: 'share', url: 'https://www.instagram.com/p/Cabc/' }, { type: 'story_mention', url: 'https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1' }, { type: 'ig_reel', url: 'https://www.instagram.com/reel/R1/', title: 'Our reel' }],
    });
    const got = (await h.ofType('MessageReceived')).find((d) => d['externalMessageId'] === event.message?.['mid']);
    expect(got?.['text']).toBe(['look', '[Shared post] https://www.instagram.com/p/Cabc/', '[Mentioned you in a story] https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1', '[Shared reel] Our reel https://www.instagram.com/reel/R1/'].join('\n'));
    const refs = got?.['attachments'] as AttachmentRef[];
    expect(refs).toHaveLength(1);
    expect(await h.bytes(refs[0]!)).toEqual(META_TINY_PNG);
  });

  it('sends: text split at 1000 bytes, images uploaded; messaging_seen is a seen receipt; own echoes dropped, the Instagram app’s shown', async () => {
    const image = await h.store.put({ name: 'a.png', mime: 'image/png', data: META_TINY_PNG });
    const before = h.meta.sentMessages(IGSID).length;
    const receipt = await h.send(channel.id, { externalChatId: IGSID, text: 'я'.repeat(750), attachments: [image] });
    const sent = h.meta.sentMessages(IGSID).slice(before);
    expect(sent.map((m) => [m.text === undefined ? undefined : Buffer.byteLength(m.text), m.attachment?.via])).toEqual([[1000, undefined], [500, undefined], [undefined, 'upload']]);
    expect(receipt.externalMessageId).toBe(sent.at(-1)?.mid);
    await h.meta.idle();
    await h.meta.markRead({ accountId: ACCOUNT, userId: IGSID });
    expect(await h.ofType('ReplyReceiptReceived')).toEqual([expect.objectContaining({ externalMessageId: receipt.externalMessageId, status: 'seen', channelType: 'instagram' })]);
    await h.meta.replyFromInbox({ accountId: ACCOUNT, userId: IGSID, text: 'answered in the Instagram app', appId: INSTAGRAM_APP_ID });
    expect(h.meta.webhooks(ACCOUNT).filter((d) => d.body.includes('"is_echo":true')).every((d) => d.delivered)).toBe(true);
    expect((await h.ofType('ExternalReplyReceived')).map((d) => d['text'])).toEqual(['answered in the Instagram app']);
  });

  it('after a restart (or on another replica) a replayed echo of Parley’s send is still recognised by its mid; the app’s reply is not published twice', async () => {
    const before = await h.inbound();
    const receipt = await h.send(channel.id, { externalChatId: IGSID, text: 'before the restart' });
    await h.meta.idle();
    const echo = h.meta.webhooks(ACCOUNT).find((d) => d.body.includes(receipt.externalMessageId) && d.body.includes('"is_echo":true'));
    expect(echo?.delivered).toBe(true);
    expect(echo?.body).not.toContain('app_id');
    const inboxReply = h.meta.webhooks(ACCOUNT).find((d) => d.body.includes('answered in the Instagram app'));
    await h.restart();
    h.meta.setWebhookUrl(ACCOUNT, `${h.service.url}/webhooks/instagram/${channel.id}`);
    expect((await h.meta.sendRaw(ACCOUNT, echo!.body)).delivered).toBe(true);
    expect((await h.meta.sendRaw(ACCOUNT, inboxReply!.body)).delivered).toBe(true);
    expect((await h.inbound()).length).toBe(before.length);
  });

  it('the 24 h window applies: refused before sending after it closed (no HUMAN_AGENT on this channel)', async () => {
    const wroteAt = h.clock;
    await h.meta.writeAsCustomer({ accountId: ACCOUNT, userId: IGSID, text: 'still there?' });
    h.clock = wroteAt + DAY + 60_000;
    const calls = h.meta.calls('/me/messages').length;
    const refused = await caught(h.send(channel.id, { externalChatId: IGSID, text: 'late' }));
    expect([refused.code, refused.options.details?.['closedAt']]).toEqual([SendErrorCodes.REPLY_WINDOW_CLOSED, new Date(wroteAt + DAY).toISOString()]);
    expect(h.meta.calls('/me/messages')).toHaveLength(calls);
    const profile = await h.requests.request(h.api.fetchProfile, { channelId: channel.id, externalUserId: IGSID }, newCorrelation());
    expect(profile.displayName).toBe('Oleg Petrov');
  });
});
