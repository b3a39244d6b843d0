import { createHmac } from 'node:crypto';
import { metaSignatureMatches, normalizeMetaEvent, type NormalizeContext } from './meta-webhook.normalizer';
import { parseMetaWebhook, type MetaEvent } from './meta-webhook.types';

const ctx: NormalizeContext = { type: 'facebook', channelId: '00000000-0000-4000-8000-000000000001', lineId: '00000000-0000-4000-8000-000000000002', accountId: '42', appId: '777' };
const at = Date.UTC(2026, 11, 1, 9, 0, 0);
const fromCustomer = (extra: Partial<MetaEvent>): MetaEvent => ({ sender: { id: 'psid' }, recipient: { id: '42' }, timestamp: at, ...extra });
const fromPage = (message: MetaEvent['message']): MetaEvent => ({ sender: { id: '42' }, recipient: { id: 'psid' }, timestamp: at, ...(message ? { message } : {}) });

describe('normalizeMetaEvent', () => {
  it('a customer message opens the window; a deleted one is dropped', () => {
    const n = normalizeMetaEvent(ctx, fromCustomer({ message: { mid: 'm1', text: 'hi', attachments: [{ type: 'fallback', payload: { url: 'https://x.example/a', title: 'A page' } }] } }));
    expect(n.customer).toEqual({ chatId: 'psid', at: new Date(at) });
    expect(n.items).toEqual([expect.objectContaining({ kind: 'message-received', fact: expect.objectContaining({ dedupeKey: 'facebook:42:msg:m1', text: 'hi\n[Link] A page https://x.example/a' }) })]);
    expect(normalizeMetaEvent(ctx, fromCustomer({ message: { mid: 'm2', is_deleted: true } })).items).toEqual([]);
  });

  it('echoes: our app without the send key is ours; with it the kit checks the key; another app is an external reply', () => {
    expect(normalizeMetaEvent(ctx, fromPage({ mid: 'e1', is_echo: true, app_id: 777, text: 'x' })).items).toEqual([]);
    expect(normalizeMetaEvent(ctx, fromPage({ mid: 'e2', is_echo: true, app_id: 777, metadata: 'parley:key-1', text: 'x' })).items).toEqual([expect.objectContaining({ kind: 'external-reply', echoOfSendKey: 'key-1' })]);
    const inbox = normalizeMetaEvent(ctx, fromPage({ mid: 'e3', is_echo: true, app_id: 263902037430900, text: 'from the inbox' }));
    expect(inbox.customer).toBeUndefined();
    expect(inbox.items).toEqual([{ kind: 'external-reply', fact: expect.objectContaining({ externalChatId: 'psid', externalMessageId: 'e3', text: 'from the inbox' }), media: [], echoOfExternalId: 'e3' }]);
    expect(normalizeMetaEvent({ ...ctx, ownMid: (mid) => mid === 'e4' }, fromPage({ mid: 'e4', is_echo: true, text: 'just sent' })).items).toEqual([]);
    expect((inbox.items[0] as { echoOfSendKey?: string }).echoOfSendKey).toBeUndefined();
  });

  it('delivery mids and Instagram seen mids are receipts; Messenger read watermarks and reactions are ignored', () => {
    const delivered = normalizeMetaEvent(ctx, fromCustomer({ delivery: { mids: ['a', 'b'], watermark: at } })).items;
    expect(delivered.map((i) => i.kind === 'event' && [i.definition.type, i.fact.dedupeKey])).toEqual([['ReplyReceiptReceived', 'facebook:42:delivered:a'], ['ReplyReceiptReceived', 'facebook:42:delivered:b']]);
    const seen = normalizeMetaEvent({ ...ctx, type: 'instagram' }, fromCustomer({ read: { mid: 'c' } })).items;
    expect(seen).toEqual([expect.objectContaining({ kind: 'event', fact: expect.objectContaining({ status: 'seen', externalMessageId: 'c', dedupeKey: 'instagram:42:seen:c' }) })]);
    expect(normalizeMetaEvent(ctx, fromCustomer({ read: { watermark: at } })).items).toEqual([]);
    expect(normalizeMetaEvent(ctx, fromCustomer({ reaction: { mid: 'm1', action: 'react', emoji: '❤' } })).items).toEqual([]);
  });
});

describe('signature and shape', () => {
  it('checks sha256=<hex HMAC> of the exact bytes', () => {
    const body = Buffer.from('{"object":"page","entry":[]}');
    const good = `sha256=${createHmac('sha256', 'secret').update(body).digest('hex')}`;
    expect(metaSignatureMatches(body, good, 'secret')).toBe(true);
    expect(metaSignatureMatches(body, good, 'other')).toBe(false);
    expect(metaSignatureMatches(Buffer.concat([body, Buffer.from(' ')]), good, 'secret')).toBe(false);
    expect(metaSignatureMatches(body, undefined, 'secret')).toBe(false);
    expect(metaSignatureMatches(body, 'sha256=zz', 'secret')).toBe(false);
  });

  it('names the first bad path', () => {
    expect(() => parseMetaWebhook({ object: 'page' })).toThrow('object/entry');
    expect(() => parseMetaWebhook({ object: 'page', entry: [{ id: '1', messaging: [{ sender: { id: 'a' }, timestamp: 1 }] }] })).toThrow('entry[0].messaging[0]');
    expect(() => parseMetaWebhook({ object: 'page', entry: [{ id: '1', messaging: [{ sender: { id: 'a' }, recipient: { id: 'b' }, timestamp: 1, message: {} }] }] })).toThrow('message.mid');
  });
});
