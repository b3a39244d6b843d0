import { waitFor } from '../../wait-for';
import { ANN, BOB, OTHER, TOKEN, telegramTestbed } from './telegram-fake.test-kit';
import type { TgUpdate } from './telegram-fake.types';

describe('TelegramFake over HTTP: API, webhook, customer messages', () => {
  const bed = telegramTestbed();
  const { call, download, connect } = bed;
  let tg: typeof bed.tg;
  let hook: typeof bed.hook;

  beforeEach(async () => {
    await bed.setup();
    ({ tg, hook } = bed);
  });

  afterEach(() => bed.teardown());

  describe('API basics', () => {
    it('getMe answers over GET, JSON and form bodies, method names case-insensitive', async () => {
      const me = { id: 7000001, is_bot: true, first_name: 'Parley Shop', username: 'parley_shop_bot' };
      expect((await call('getMe', {}, 'get')).body).toEqual({ ok: true, result: expect.objectContaining(me) });
      expect((await call('getme', {}, 'form')).body.result).toMatchObject(me);
      expect((await call('GETME')).body.result).toMatchObject(me);
      expect(tg.calls('getMe').map((c) => c.httpMethod)).toEqual(['GET', 'POST', 'POST']);
    });

    it('401 for an unknown or revoked token, 404 for an unknown method or path', async () => {
      expect(await call('getMe', {}, 'json', '1:nope')).toEqual({ status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } });
      expect(await call('sendNothing')).toEqual({ status: 404, body: { ok: false, error_code: 404, description: 'Not Found' } });
      expect((await fetch(`${tg.apiUrl}/method/getMe`)).status).toBe(404);
      tg.revokeToken(OTHER);
      expect((await call('getMe', {}, 'json', OTHER)).status).toBe(401);
    });

    it('setWebhook validates secret_token and max_connections; getWebhookInfo and deleteWebhook', async () => {
      expect(await call('setWebhook', { url: hook.url, secret_token: 'bad token!' })).toMatchObject({
        status: 400,
        body: { ok: false, error_code: 400, description: 'Bad Request: secret token contains unallowed characters' },
      });
      expect((await call('setWebhook', { url: 'ftp://example.org/hook' })).body.description).toBe('Bad Request: bad webhook: An HTTPS URL must be provided for webhook');
      expect((await call('setWebhook', { url: hook.url, secret_token: 'x'.repeat(257) })).status).toBe(400);
      expect((await call('setWebhook', { url: hook.url, max_connections: 0 })).status).toBe(400);
      expect((await call('setWebhook', { url: hook.url, max_connections: 101 })).status).toBe(400);
      expect((await call('setWebhook', { url: 'not a url' })).status).toBe(400);
      expect((await call('setWebhook', { url: hook.url, secret_token: 'x'.repeat(256), max_connections: 100, allowed_updates: ['message'] }, 'form')).body).toMatchObject({ ok: true });
      expect((await call('getWebhookInfo')).body.result).toEqual({
        url: hook.url,
        has_custom_certificate: false,
        pending_update_count: 0,
        max_connections: 100,
        ip_address: '127.0.0.1',
        allowed_updates: ['message'],
      });
      expect(tg.webhookInfo(TOKEN)).toMatchObject({ url: hook.url, secretToken: 'x'.repeat(256) });
      expect((await call('deleteWebhook')).body).toEqual({ ok: true, result: true, description: 'Webhook was deleted' });
      expect((await call('deleteWebhook')).body.description).toBe('Webhook is already deleted');
      expect((await call('getWebhookInfo')).body.result).toMatchObject({ url: '' });
    });
  });

  describe('webhook delivery', () => {
    it('POSTs updates with the secret header, update_id strictly increasing, in order', async () => {
      await connect();
      const first = await tg.customerSends({ bot: TOKEN, customerId: ANN, text: 'hi' });
      await tg.customerSends({ bot: 'parley_shop_bot', customerId: ANN, text: 'second' });
      await tg.customerSends({ bot: TOKEN, customerId: BOB, text: 'third' });
      expect(first.update.status).toBe('delivered');
      expect(hook.received[0]?.headers['x-telegram-bot-api-secret-token']).toBe('S3cret_token-1');
      expect(hook.received[0]?.update).toEqual({
        update_id: first.update.update.update_id,
        message: {
          message_id: 1,
          date: expect.any(Number),
          from: { id: ANN, is_bot: false, first_name: 'Ann', last_name: 'B', username: 'ann', language_code: 'en' },
          chat: { id: ANN, type: 'private', first_name: 'Ann', last_name: 'B', username: 'ann' },
          text: 'hi',
        },
      });
      const [a, b, c] = hook.ids();
      expect([b, c]).toEqual([(a ?? 0) + 1, (a ?? 0) + 2]);
      expect(hook.received.map((r) => r.update.message?.text)).toEqual(['hi', 'second', 'third']);
    });

    it('retries a non-2xx with backoff, holding later updates behind it, then gives up', async () => {
      await connect();
      hook.answer = (n) => (n <= 2 ? 500 : 200);
      const sent = [tg.customerSends({ bot: TOKEN, customerId: ANN, text: 'one' }), tg.customerSends({ bot: TOKEN, customerId: ANN, text: 'two' })];
      const [one, two] = await Promise.all(sent);
      expect(one?.update.attempts.map((a) => a.status)).toEqual([500, 500, 200]);
      expect(two?.update.attempts).toHaveLength(1);
      expect(hook.received.map((r) => r.update.message?.text)).toEqual(['one', 'one', 'one', 'two']);

      hook.answer = () => 503;
      const lost = await tg.customerSends({ bot: TOKEN, customerId: ANN, text: 'lost' });
      expect(lost.update).toMatchObject({ status: 'failed', attempts: [{ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }] });
      expect((await call('getWebhookInfo')).body.result).toMatchObject({
        pending_update_count: 0,
        last_error_message: 'Wrong response from the webhook: 503 Service Unavailable',
        last_error_date: expect.any(Number),
      });
    });

    it('replays an update as it was and posts forged or secret-less bodies once, without retries', async () => {
      await connect();
      hook.answer = (n) => (hook.received[n - 1]?.headers['x-telegram-bot-api-secret-token'] === 'S3cret_token-1' ? 200 : 401);
      const { update } = await tg.customerSends({ bot: TOKEN, customerId: ANN, text: 'once' });
      expect(await tg.replayUpdate(TOKEN, update.update.update_id)).toMatchObject({ status: 200 });
      expect(hook.received[1]?.update).toEqual(hook.received[0]?.update);
      expect(await tg.replayUpdate(TOKEN, update.update.update_id, { secretToken: 'wrong' })).toMatchObject({ status: 401 });
      expect(await tg.postToWebhook(TOKEN, '{"update_id":1}', { secretToken: null })).toMatchObject({ status: 401 });
      expect(hook.received.map((r) => r.headers['x-telegram-bot-api-secret-token'])).toEqual(['S3cret_token-1', 'S3cret_token-1', 'wrong', undefined]);
      expect(tg.updates(TOKEN)).toHaveLength(1);
    });

    it('an outage holds updates (delivered in order afterwards) or drops them', async () => {
      await connect();
      tg.startOutage(TOKEN, 'hold');
      const held = await tg.customerSends({ bot: TOKEN, customerId: ANN, text: 'held 1' });
      await tg.customerSends({ bot: TOKEN, customerId: ANN, text: 'held 2' });
      expect(held.update.status).toBe('queued');
      expect((await call('getWebhookInfo')).body.result).toMatchObject({ pending_update_count: 2 });
      expect(hook.received).toHaveLength(0);
      tg.endOutage(TOKEN);
      await waitFor(() => hook.received.length === 2, { what: 'held updates delivered' });
      expect(hook.received.map((r) => r.update.message?.text)).toEqual(['held 1', 'held 2']);

      tg.startOutage(TOKEN, 'drop');
      expect((await tg.customerSends({ bot: TOKEN, customerId: ANN, text: 'gone' })).update.status).toBe('dropped');
      tg.endOutage(TOKEN);
      await tg.customerSends({ bot: TOKEN, customerId: ANN, text: 'back' });
      expect(hook.received.map((r) => r.update.message?.text)).toEqual(['held 1', 'held 2', 'back']);
    });

    it('allowed_updates filters; drop_pending_updates forgets the queue', async () => {
      await call('setWebhook', { url: hook.url, allowed_updates: ['message'] });
      await tg.customerSends({ bot: TOKEN, customerId: ANN, text: 'x' });
      expect((await tg.block({ bot: TOKEN, customerId: ANN })).update.status).toBe('filtered');
      expect(hook.received.map((r) => Object.keys(r.update))).toEqual([['update_id', 'message']]);
      tg.startOutage(TOKEN);
      await tg.customerSends({ bot: TOKEN, customerId: BOB, text: 'y' });
      await call('setWebhook', { url: hook.url, drop_pending_updates: true });
      expect(tg.pendingUpdates(TOKEN)).toHaveLength(0);
      expect(tg.updates(TOKEN, 'message').map((u) => u.status)).toEqual(['delivered', 'dropped']);
    });

    it('getUpdates serves pending updates without a webhook (offset confirms, timeout waits), 409 with one', async () => {
      await tg.customerSends({ bot: TOKEN, customerId: ANN, text: 'polled' });
      const got = await call<TgUpdate[]>('getUpdates');
      expect(got.body.result?.map((u) => u.message?.text)).toEqual(['polled']);
      const next = (got.body.result?.[0]?.update_id ?? 0) + 1;
      const waiting = call<TgUpdate[]>('getUpdates', { offset: next, timeout: 20 });
      await waitFor(() => tg.pendingUpdates(TOKEN).length === 0, { what: 'offset confirmed the first update' });
      await tg.customerSends({ bot: TOKEN, customerId: ANN, text: 'long-polled' });
      expect((await waiting).body.result?.map((u) => [u.update_id, u.message?.text])).toEqual([[next, 'long-polled']]);
      await connect();
      expect(await call('getUpdates')).toMatchObject({ status: 409, body: { error_code: 409, description: expect.stringContaining('Conflict') } });
    });
  });

  describe('customer messages and files', () => {
    it('photo sizes come smallest first; the largest downloads the bytes, thumbnails other bytes', async () => {
      const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8]), Buffer.from('jpeg-body')]);
      const { message } = await tg.customerSends({ bot: TOKEN, customerId: ANN, photo: { bytes: jpeg, width: 1600, height: 1200 }, caption: 'look' });
      const sizes = message?.photo ?? [];
      expect(sizes.map((s) => s.width)).toEqual([90, 320, 800, 1280, 1600]);
      expect(message?.caption).toBe('look');
      const file = await call<{ file_path: string; file_size: number }>('getFile', { file_id: sizes.at(-1)?.file_id });
      expect(file.body.result).toMatchObject({ file_path: expect.stringMatching(/^photos\/file_\d+\.jpg$/), file_size: jpeg.length });
      expect((await download(file.body.result?.file_path ?? '')).bytes).toEqual(jpeg);
      const thumb = await call<{ file_path: string }>('getFile', { file_id: sizes[0]?.file_id });
      expect((await download(thumb.body.result?.file_path ?? '')).bytes).not.toEqual(jpeg);
      expect((await download(file.body.result?.file_path ?? '', OTHER)).status).toBe(404);
      expect(await call('getFile', { file_id: sizes[0]?.file_id }, 'json', OTHER)).toMatchObject({ status: 400, body: { description: 'Bad Request: invalid file_id' } });
    });

    it('document, voice, audio, video, sticker, location and contact carry their fields', async () => {
      const doc = await tg.customerSends({ bot: TOKEN, customerId: ANN, document: { bytes: Buffer.from('%PDF'), fileName: 'a.pdf', mime: 'application/pdf' } });
      expect(doc.message?.document).toMatchObject({ file_name: 'a.pdf', mime_type: 'application/pdf', file_size: 4, file_id: expect.any(String) });
      const path = (await call<{ file_path: string }>('getFile', { file_id: doc.message?.document?.file_id })).body.result?.file_path ?? '';
      expect(path).toMatch(/^documents\/.+\.pdf$/);
      expect((await download(path)).bytes.toString()).toBe('%PDF');
      const voice = await tg.customerSends({ bot: TOKEN, customerId: ANN, voice: { bytes: Buffer.from('OggS'), duration: 4 } });
      expect(voice.message?.voice).toMatchObject({ duration: 4, mime_type: 'audio/ogg' });
      const audio = await tg.customerSends({ bot: TOKEN, customerId: ANN, audio: { bytes: Buffer.from('ID3'), title: 'Song', performer: 'Band' } });
      expect(audio.message?.audio).toMatchObject({ title: 'Song', performer: 'Band', mime_type: 'audio/mpeg' });
      const video = await tg.customerSends({ bot: TOKEN, customerId: ANN, video: { bytes: Buffer.from('mp4'), width: 640, height: 360 } });
      expect(video.message?.video).toMatchObject({ width: 640, height: 360, mime_type: 'video/mp4' });
      const sticker = await tg.customerSends({ bot: TOKEN, customerId: ANN, sticker: { emoji: '👍' } });
      expect(sticker.message?.sticker).toMatchObject({ emoji: '👍', type: 'regular', is_animated: false });
      const location = await tg.customerSends({ bot: TOKEN, customerId: ANN, location: { latitude: 55.75, longitude: 37.61 } });
      expect(location.message?.location).toEqual({ latitude: 55.75, longitude: 37.61 });
      const contact = await tg.customerSends({ bot: TOKEN, customerId: ANN, contact: { phoneNumber: '+79990001122', firstName: 'Ivan' } });
      expect(contact.message?.contact).toEqual({ phone_number: '+79990001122', first_name: 'Ivan' });
      expect(tg.messages(TOKEN, ANN).map((m) => m.message_id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    });

    it('editMessage sends edited_message with edit_date; getChat and getUserProfilePhotos show the profile', async () => {
      await connect();
      const { message } = await tg.customerSends({ bot: TOKEN, customerId: ANN, text: 'helo' });
      await tg.editMessage({ bot: TOKEN, customerId: ANN, messageId: message?.message_id ?? 0, text: 'hello' });
      const edited = hook.received[1]?.update.edited_message;
      expect(edited).toMatchObject({ message_id: message?.message_id, text: 'hello', edit_date: expect.any(Number) });
      expect(tg.messages(TOKEN, ANN)[0]?.text).toBe('hello');
      const photos = await call<{ total_count: number; photos: { file_id: string }[][] }>('getUserProfilePhotos', { user_id: ANN, limit: 1 });
      expect(photos.body.result?.total_count).toBe(1);
      const big = photos.body.result?.photos[0]?.at(-1)?.file_id;
      const path = (await call<{ file_path: string }>('getFile', { file_id: big })).body.result?.file_path ?? '';
      expect((await download(path)).bytes.toString()).toBe('ann-avatar');
      expect((await call('getUserProfilePhotos', { user_id: BOB })).body.result).toEqual({ total_count: 0, photos: [] });
      expect((await call('getUserProfilePhotos', { user_id: 999 })).body).toMatchObject({ ok: false, description: 'Bad Request: user not found' });
      expect((await call('getChat', { chat_id: ANN })).body.result).toMatchObject({ id: ANN, type: 'private', username: 'ann', photo: { big_file_id: big } });
      expect((await call('getChat', { chat_id: BOB })).body).toMatchObject({ ok: false, error_code: 400, description: 'Bad Request: chat not found' });
    });
  });
});
