import { ReplyReceiptReceivedV1 } from '@parley/contracts';
import { normalizeViberCallback } from './viber-callback.normalizer';
import { parseViberCallback, ViberCallbackError } from './viber-callback.types';
import { parseViberJson } from './viber-json';

const ctx = { channelId: '0b9c3c5e-4c1f-4c0e-9a51-3f6f0c1f2a11', lineId: '1b9c3c5e-4c1f-4c0e-9a51-3f6f0c1f2a11', accountId: 'pa:42' };
const parse = (raw: string) => parseViberCallback(parseViberJson(raw));

describe('normalizeViberCallback', () => {
  it('a message: the exact token as id and key, preceded by an unblock (writing re-subscribes), profile hints', () => {
    const cb = parse(
      '{"event":"message","timestamp":1457764197627,"message_token":4912661846655238145,' +
        '"sender":{"id":"01234567890A=","name":"John McClane","avatar":"https://media-direct.cdn.viber.com/a.jpg"},' +
        '"message":{"type":"picture","text":"look","media":"https://dl-media.viber.com/p.jpg","file_name":"p.jpg","size":1234}}',
    );
    const { items, profile } = normalizeViberCallback(cb, ctx);
    expect(items.map((i) => i.kind)).toEqual(['customer-unblocked', 'message-received']);
    const message = items[1];
    if (message?.kind !== 'message-received') throw new Error('expected a message');
    expect(message.fact).toMatchObject({
      channelType: 'viber',
      dedupeKey: 'viber:pa:42:msg:4912661846655238145',
      externalMessageId: '4912661846655238145',
      externalChatId: '01234567890A=',
      text: 'look',
      sentAt: '2016-03-12T06:29:57.627Z',
      profile: { displayName: 'John McClane', avatarUrl: 'https://media-direct.cdn.viber.com/a.jpg' },
    });
    expect(message.media).toEqual([expect.objectContaining({ url: 'https://dl-media.viber.com/p.jpg', kind: 'image', name: 'p.jpg', size: 1234 })]);
    expect(profile).toEqual({ userId: '01234567890A=', name: 'John McClane', avatar: 'https://media-direct.cdn.viber.com/a.jpg' });
  });

  it('conversation_started creates nothing; unsubscribed blocks; delivered/seen/failed are receipts keyed per status', () => {
    const user = '"user":{"id":"u1="}';
    expect(normalizeViberCallback(parse(`{"event":"conversation_started","timestamp":1,"message_token":1,"type":"open",${user}}`), ctx).items).toEqual([]);
    const [blocked] = normalizeViberCallback(parse('{"event":"unsubscribed","timestamp":1,"message_token":7,"user_id":"u1="}'), ctx).items;
    expect(blocked).toMatchObject({ kind: 'customer-blocked', fact: { externalUserId: 'u1=', dedupeKey: 'viber:pa:42:unsubscribed:7' } });
    const [failed] = normalizeViberCallback(parse('{"event":"failed","timestamp":1,"message_token":5753750845017966998,"user_id":"u1=","desc":"nope"}'), ctx).items;
    expect(failed).toMatchObject({
      kind: 'event',
      definition: ReplyReceiptReceivedV1,
      fact: { status: 'failed', reason: 'nope', externalMessageId: '5753750845017966998', dedupeKey: 'viber:pa:42:failed:5753750845017966998' },
    });
  });

  it('contact, location and url become readable text', () => {
    const text = (message: string) => {
      const item = normalizeViberCallback(parse(`{"event":"message","timestamp":1,"message_token":2,"sender":{"id":"u="},"message":${message}}`), ctx).items[1];
      return item?.kind === 'message-received' ? item.fact.text : undefined;
    };
    expect(text('{"type":"contact","contact":{"name":"Ann","phone_number":"+380501234567"}}')).toBe('Contact: Ann, +380501234567');
    expect(text('{"type":"location","location":{"lat":50.45,"lon":30.52}}')).toBe('Location: 50.45, 30.52 https://www.openstreetmap.org/?mlat=50.45&mlon=30.52');
    expect(text('{"type":"url","media":"https://example.com/x"}')).toBe('https://example.com/x');
  });

  it('refuses callbacks without the fields Parley needs, naming the field', () => {
    expect(() => parse('{"event":"message","timestamp":1,"message_token":2,"message":{"type":"text"}}')).toThrow(new ViberCallbackError('sender', 'must be an object'));
    expect(() => parse('{"event":"message","timestamp":1,"message_token":1.5,"sender":{"id":"u"},"message":{"type":"text"}}')).toThrow(/message_token/);
    expect(() => parse('{"event":"nope","timestamp":1,"message_token":1}')).toThrow(/event/);
  });
});
