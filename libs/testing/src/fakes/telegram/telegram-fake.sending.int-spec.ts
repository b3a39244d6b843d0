import { TINY_PNG } from '../vk/vk-fake.store';
import { ANN, BOB, OTHER, TOKEN, telegramTestbed } from './telegram-fake.test-kit';
import type { TgMessage, TgUpdate } from './telegram-fake.types';

describe('TelegramFake over HTTP: sending, faults, rate limits', () => {
  const bed = telegramTestbed();
  const { call, upload, connect } = bed;
  let tg: typeof bed.tg;
  let hook: typeof bed.hook;

  beforeEach(async () => {
    await bed.setup();
    ({ tg, hook } = bed);
  });

  afterEach(() => bed.teardown());

  describe('sending', () => {
    beforeEach(async () => {
      await tg.customerSends({ bot: TOKEN, customerId: ANN, text: 'question' });
    });

    it('sendMessage: 4096 characters fit, 4097 do not; empty text; replies; unknown and never-started chats', async () => {
      const ok = await call<TgMessage>('sendMessage', { chat_id: ANN, text: 'x'.repeat(4096), reply_parameters: { message_id: 1 } });
      expect(ok.body.result).toMatchObject({ message_id: 2, from: { id: 7000001, is_bot: true }, chat: { id: ANN }, reply_to_message: { message_id: 1, text: 'question' } });
      expect(await call('sendMessage', { chat_id: ANN, text: 'x'.repeat(4097) })).toEqual({ status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: message is too long' } });
      expect((await call('sendMessage', { chat_id: ANN, text: '' })).body.description).toBe('Bad Request: message text is empty');
      expect((await call('sendMessage', { chat_id: ANN, text: 'a', reply_to_message_id: 99 }, 'form')).body.description).toBe('Bad Request: message to be replied not found');
      expect((await call('sendMessage', { chat_id: ANN, text: 'a', reply_parameters: { message_id: 99, allow_sending_without_reply: true } })).body.ok).toBe(true);
      expect((await call('sendMessage', { chat_id: 424242, text: 'a' })).body).toMatchObject({ error_code: 400, description: 'Bad Request: chat not found' });
      expect((await call('sendMessage', { chat_id: BOB, text: 'a' })).body).toMatchObject({ error_code: 403, description: "Forbidden: bot can't initiate conversation with a user" });
      expect(tg.sentMessages(ANN).map((s) => s.text?.length)).toEqual([4096, 1]);
    });

    it('sendPhoto and sendDocument take multipart uploads, file_ids and URLs; captions up to 1024', async () => {
      const photo = await upload('sendPhoto', { chat_id: String(ANN), caption: 'your photo' }, { field: 'photo', bytes: TINY_PNG, name: 'p.png', mime: 'image/png' });
      expect(photo.body.result).toMatchObject({ caption: 'your photo', photo: [{ width: 1, height: 1 }] });
      const doc = await upload('sendDocument', { chat_id: String(ANN) }, { field: 'document', bytes: Buffer.from('a,b\n'), name: 'report.csv', mime: 'text/csv' });
      expect(doc.body.result?.document).toMatchObject({ file_name: 'report.csv', mime_type: 'text/csv', file_size: 4 });
      const long = await upload('sendDocument', { chat_id: String(ANN), caption: 'c'.repeat(1025) }, { field: 'document', bytes: Buffer.from('x'), name: 'x.txt', mime: 'text/plain' });
      expect(long.body.description).toBe('Bad Request: message caption is too long');
      const again = await call<TgMessage>('sendPhoto', { chat_id: ANN, photo: photo.body.result?.photo?.[0]?.file_id });
      expect(again.body.result?.photo?.[0]?.file_id).toBe(photo.body.result?.photo?.[0]?.file_id);
      expect((await call('sendPhoto', { chat_id: ANN, photo: doc.body.result?.document?.file_id })).body.description).toBe('Bad Request: type of file mismatch');
      expect((await call('sendPhoto', { chat_id: ANN })).body.description).toBe('Bad Request: there is no photo in the request');
      const path = (await call<{ file_path: string }>('getFile', { file_id: doc.body.result?.document?.file_id })).body.result?.file_path ?? '';
      const byUrl = await call<TgMessage>('sendDocument', { chat_id: ANN, document: `${tg.apiUrl}/file/bot${TOKEN}/${path}` });
      expect(byUrl.body.result?.document?.file_size).toBe(4);
      const sent = tg.sentMessages(ANN, TOKEN);
      expect(sent.map((s) => [s.method, s.file?.fileName, s.file?.bytes.toString('hex')])).toEqual([
        ['sendPhoto', 'p.png', TINY_PNG.toString('hex')],
        ['sendDocument', 'report.csv', Buffer.from('a,b\n').toString('hex')],
        ['sendPhoto', undefined, TINY_PNG.toString('hex')],
        ['sendDocument', expect.stringMatching(/^file_\d+\.csv$/), Buffer.from('a,b\n').toString('hex')],
      ]);
      expect(sent[0]?.caption).toBe('your photo');
    });

    it('a blocked bot gets 403 and my_chat_member kicked; unblock → member, sends work again', async () => {
      await connect();
      await tg.block({ bot: TOKEN, customerId: ANN });
      const changes = (): TgUpdate['my_chat_member'][] => hook.received.map((r) => r.update.my_chat_member).filter((m) => m !== undefined);
      const change = changes()[0];
      expect(change).toMatchObject({ chat: { id: ANN }, from: { id: ANN }, old_chat_member: { status: 'member', user: { id: 7000001 } }, new_chat_member: { status: 'kicked' } });
      expect(await call('sendMessage', { chat_id: ANN, text: 'hello?' })).toEqual({ status: 403, body: { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' } });
      await tg.unblock({ bot: TOKEN, customerId: ANN });
      expect(changes()[1]?.new_chat_member.status).toBe('member');
      expect((await call('sendMessage', { chat_id: ANN, text: 'welcome back' })).body.ok).toBe(true);
      await tg.block({ bot: TOKEN, customerId: ANN });
      await tg.customerSends({ bot: TOKEN, customerId: ANN, text: 'writing unblocks' });
      expect(hook.received.slice(-2).map((r) => r.update.my_chat_member?.new_chat_member.status ?? r.update.message?.text)).toEqual(['member', 'writing unblocks']);
      expect((await call('sendMessage', { chat_id: ANN, text: 'ok' })).body.ok).toBe(true);
    });
  });

  describe('faults and rate limits', () => {
    beforeEach(async () => {
      for (let id = 1; id <= 31; id++) {
        tg.addCustomer({ id: 5000 + id, firstName: `C${id}` });
        await tg.customerSends({ bot: TOKEN, customerId: 5000 + id, text: 'hi' });
      }
    });

    it('injects 429 with retry_after, 500, bare HTTP statuses and dropped connections', async () => {
      tg.failNext('sendMessage', 429, 2, { retryAfter: 7 });
      const limited = await call('sendMessage', { chat_id: 5001, text: 'a' });
      expect(limited).toEqual({ status: 429, body: { ok: false, error_code: 429, description: 'Too Many Requests: retry after 7', parameters: { retry_after: 7 } } });
      expect((await call('sendMessage', { chat_id: 5001, text: 'a' })).status).toBe(429);
      expect((await call('sendMessage', { chat_id: 5001, text: 'a' })).status).toBe(200);
      tg.failNext('*', 500);
      expect((await call('getMe')).body).toEqual({ ok: false, error_code: 500, description: 'Internal Server Error' });
      tg.failNextHttp('getMe', 502);
      const bare = await fetch(`${tg.apiUrl}/bot${TOKEN}/getMe`);
      expect([bare.status, bare.headers.get('content-type')]).toEqual([502, 'text/html']);
      tg.dropNext('getMe');
      await expect(fetch(`${tg.apiUrl}/bot${TOKEN}/getMe`)).rejects.toThrow();
      expect(tg.sentMessages(5001)).toHaveLength(1);
    });

    it('enforces ~1/s per chat and 30/s per bot with 429 + retry_after, and counts violations', async () => {
      tg.setRateLimit({ perBotPerSecond: 30, perChatPerSecond: 1, windowMs: 60_000 }); // a minute: independent of the machine's speed
      expect((await call('sendMessage', { chat_id: 5001, text: 'one' })).status).toBe(200);
      const second = await call('sendMessage', { chat_id: 5001, text: 'two' });
      expect(second).toMatchObject({ status: 429, body: { error_code: 429, parameters: { retry_after: expect.any(Number) } } });
      expect(second.body.parameters?.retry_after).toBeGreaterThan(50);
      expect(tg.rateLimitViolations(TOKEN, 'chat')).toBe(1);
      const burst = await Promise.all(Array.from({ length: 30 }, (_, i) => call('sendMessage', { chat_id: 5002 + i, text: 'x' })));
      expect(burst.filter((r) => r.status === 429)).toHaveLength(1);
      expect(tg.rateLimitViolations(TOKEN, 'bot')).toBe(1);
      tg.setRateLimit({ perChatPerSecond: 1, enforce: false, windowMs: 60_000 });
      const counted = [await call('sendMessage', { chat_id: 5001, text: 'a' }), await call('sendMessage', { chat_id: 5001, text: 'b' })];
      expect(counted.map((r) => r.status)).toEqual([200, 200]);
      expect(tg.rateLimitViolations(TOKEN)).toBe(3);
      expect(tg.rateLimitViolations(OTHER)).toBe(0);
    });
  });
});
