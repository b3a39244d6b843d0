import { CustomerBlockedChannel, MessageReceived, validateData } from '@parley/contracts';
import {
  largestPhotoSize,
  normalizeVkCallback,
  vkEventDedupeKey,
  vkMessageDedupeKey,
  vkSecretMatches,
  type VkChannelContext,
} from './vk-callback.normalizer';
import { parseVkCallback, VkCallbackValidationError } from './vk-callback.types';

const ctx: VkChannelContext = { channelId: '0190d6c2-7a7e-7000-8000-000000000001', lineId: '0190d6c2-7a7e-7000-8000-000000000002' };
const GROUP = 123456;

function messageNew(overrides: Record<string, unknown> = {}, messageOverrides: Record<string, unknown> = {}) {
  return {
    type: 'message_new',
    event_id: 'beea7f04a1b2c3d4e5f60718293a4b5c6d7e8f90',
    v: '5.199',
    group_id: GROUP,
    secret: 's3cr3t',
    object: {
      message: {
        id: 9876, date: 1_700_000_000, peer_id: 42, from_id: 42, text: 'hi', out: 0, conversation_message_id: 17, version: 1, fwd_messages: [],
        attachments: [
          { type: 'photo', photo: { id: 457239017, owner_id: 42, access_key: 'ab12', sizes: [
            { type: 'x', url: 'https://vk.test/x.jpg', width: 604, height: 453 },
            { type: 'w', url: 'https://vk.test/w.jpg', width: 2560, height: 1920 },
            { type: 's', url: 'https://vk.test/s.jpg', width: 75, height: 56 },
          ] } },
          { type: 'doc', doc: { id: 5, owner_id: 42, title: 'invoice', size: 2048, ext: 'pdf', url: 'https://vk.test/doc/42_5', type: 1 } },
          { type: 'video', video: { id: 1, owner_id: 42 } },
        ],
        ...messageOverrides,
      },
      client_info: { button_actions: ['text'], keyboard: true, inline_keyboard: true, carousel: true, lang_id: 0 },
    },
    ...overrides,
  };
}

describe('parseVkCallback', () => {
  it('accepts the reference message_new body and keeps unknown fields', () => {
    const parsed = parseVkCallback(messageNew({ extra_field: 1 }));
    expect(parsed.type).toBe('message_new');
    expect((parsed as unknown as Record<string, unknown>)['extra_field']).toBe(1);
  });

  it('accepts a bare confirmation (type and group_id only)', () => {
    expect(parseVkCallback({ type: 'confirmation', group_id: GROUP })).toEqual({ type: 'confirmation', group_id: GROUP });
  });

  it.each([
    ['a non-object body', 'ok', 'body must be an object'],
    ['a missing type', { group_id: 1 }, 'body.type must be a string'],
    ['a string group_id', { type: 'message_new', group_id: '1' }, 'body.group_id must be an integer'],
    ['a missing event_id', { type: 'message_new', group_id: 1, v: '5.199', object: {} }, 'body.event_id must be a string'],
    ['a missing object', { type: 'wall_post_new', group_id: 1, v: '5.199', event_id: 'e' }, 'body.object is required'],
  ])('rejects %s with the field named', (_label, body, message) => {
    expect(() => parseVkCallback(body)).toThrow(message);
  });

  it('names the bad field deep inside a message', () => {
    const body = messageNew({}, { date: '2024-01-01' });
    expect(() => parseVkCallback(body)).toThrow(new VkCallbackValidationError('body.object.message.date', 'must be an integer'));
    const badPhoto = messageNew({}, { attachments: [{ type: 'photo', photo: { id: 1, owner_id: 2, sizes: [{ type: 'x', width: 1, height: 1 }] } }] });
    expect(() => parseVkCallback(badPhoto)).toThrow('body.object.message.attachments.0.photo.sizes.0.url must be a string');
  });

  it('accepts unknown event types with a valid envelope', () => {
    expect(parseVkCallback({ type: 'message_typing_state', group_id: 1, event_id: 'e1', v: '5.199', object: { state: 'typing' } }).type).toBe('message_typing_state');
  });
});

describe('normalizeVkCallback', () => {
  it('turns message_new into a valid MessageReceived draft, with the media to download', () => {
    const result = normalizeVkCallback(parseVkCallback(messageNew()), ctx);
    if (result.kind !== 'message-received') throw new Error(`unexpected ${result.kind}`);
    expect(result.eventKey).toBe(`vk:${GROUP}:event:beea7f04a1b2c3d4e5f60718293a4b5c6d7e8f90`);
    expect(result.fact).toEqual({
      channelId: ctx.channelId,
      channelType: 'vk',
      lineId: ctx.lineId,
      dedupeKey: `vk:${GROUP}:msg:9876`,
      externalChatId: '42',
      externalUserId: '42',
      externalMessageId: '9876',
      sentAt: '2023-11-14T22:13:20.000Z',
      text: 'hi',
      source: 'webhook',
    });
    expect(result.media).toEqual([
      { url: 'https://vk.test/w.jpg', name: 'photo42_457239017.jpg', mime: 'image/jpeg', kind: 'image', source: 'photo42_457239017' },
      { url: 'https://vk.test/doc/42_5', name: 'invoice.pdf', mime: 'application/pdf', kind: 'file', size: 2048, source: 'doc42_5' },
    ]);
    expect(result.skipped).toEqual(['video']);
    // Once the gateway fills the attachments, the contract's own validation accepts it.
    expect(() => validateData(MessageReceived, { ...result.fact, attachments: [] }, 'MessageReceived')).not.toThrow();
  });

  it('gives the same dedupe key to a redelivered event and to the same message in another event', () => {
    const a = normalizeVkCallback(parseVkCallback(messageNew()), ctx);
    const b = normalizeVkCallback(parseVkCallback(messageNew({ event_id: 'another' })), ctx);
    if (a.kind !== 'message-received' || b.kind !== 'message-received') throw new Error('expected messages');
    expect(a.fact.dedupeKey).toBe(b.fact.dedupeKey);
    expect(a.eventKey).not.toBe(b.eventKey);
    expect(vkMessageDedupeKey(GROUP, 9876)).toBe(a.fact.dedupeKey);
    expect(vkEventDedupeKey(GROUP, 'another')).toBe(b.eventKey);
  });

  it('keeps the doc title when it already ends with the extension', () => {
    const body = messageNew({}, { attachments: [{ type: 'doc', doc: { id: 1, owner_id: 2, title: 'Report.CSV', size: 3, ext: 'csv', url: 'https://vk.test/d' } }] });
    const result = normalizeVkCallback(parseVkCallback(body), ctx);
    expect(result.kind === 'message-received' && result.media[0]?.name).toBe('Report.CSV');
  });

  it('turns message_reply written in VK into ExternalReplyReceived addressed to the customer', () => {
    const reply = { type: 'message_reply', event_id: 'e2', v: '5.199', group_id: GROUP, object: { id: 9877, date: 1_700_000_100, peer_id: 42, from_id: -GROUP, text: 'answer from VK', out: 1, conversation_message_id: 18, random_id: 0, admin_author_id: 7, attachments: [] } };
    const result = normalizeVkCallback(parseVkCallback(reply), ctx);
    expect(result).toMatchObject({
      kind: 'external-reply',
      fact: { dedupeKey: `vk:${GROUP}:msg:9877`, externalChatId: '42', externalUserId: '42', externalMessageId: '9877', text: 'answer from VK' },
      media: [],
    });
  });

  it('ignores the echo of Parley’s own send', () => {
    const echo = { type: 'message_reply', event_id: 'e3', v: '5.199', group_id: GROUP, object: { id: 9878, date: 1, peer_id: 42, from_id: -GROUP, text: 'op answer', out: 1, conversation_message_id: 19, random_id: 555, attachments: [] } };
    const result = normalizeVkCallback(parseVkCallback(echo), { ...ctx, isOwnMessage: (m) => m.random_id === 555 });
    expect(result).toEqual({ kind: 'ignored', reason: 'own-echo', eventType: 'message_reply', eventKey: `vk:${GROUP}:event:e3` });
  });

  it('turns message_deny / message_allow into blocked / unblocked facts keyed by event', () => {
    const deny = normalizeVkCallback(parseVkCallback({ type: 'message_deny', event_id: 'e4', v: '5.199', group_id: GROUP, object: { user_id: 42 } }), ctx);
    expect(deny).toMatchObject({ kind: 'customer-blocked', fact: { dedupeKey: `vk:${GROUP}:event:e4`, externalChatId: '42', externalUserId: '42' } });
    if (deny.kind === 'customer-blocked') expect(() => validateData(CustomerBlockedChannel, deny.fact, 'CustomerBlockedChannel')).not.toThrow();
    const allow = normalizeVkCallback(parseVkCallback({ type: 'message_allow', event_id: 'e5', v: '5.199', group_id: GROUP, object: { user_id: 42, key: '' } }), ctx);
    expect(allow).toMatchObject({ kind: 'customer-unblocked', fact: { dedupeKey: `vk:${GROUP}:event:e5` } });
  });

  it('ignores unknown event types and answers confirmation', () => {
    expect(normalizeVkCallback(parseVkCallback({ type: 'message_edit', event_id: 'e6', v: '5.199', group_id: GROUP, object: {} }), ctx)).toMatchObject({ kind: 'ignored', reason: 'unhandled-event-type' });
    expect(normalizeVkCallback(parseVkCallback({ type: 'confirmation', group_id: GROUP }), ctx)).toEqual({ kind: 'confirmation', groupId: GROUP });
  });
});

describe('helpers', () => {
  it('vkSecretMatches compares exactly', () => {
    expect(vkSecretMatches({ secret: 's3cr3t' }, 's3cr3t')).toBe(true);
    expect(vkSecretMatches({ secret: 's3cr3T' }, 's3cr3t')).toBe(false);
    expect(vkSecretMatches({}, 's3cr3t')).toBe(false);
    expect(vkSecretMatches({ secret: 'x' }, undefined)).toBe(false);
    expect(vkSecretMatches({}, undefined)).toBe(true);
  });

  it('largestPhotoSize falls back to the size letters when dimensions are 0', () => {
    expect(largestPhotoSize([{ type: 'x', url: 'a', width: 0, height: 0 }, { type: 'z', url: 'b', width: 0, height: 0 }, { type: 'm', url: 'c', width: 0, height: 0 }])?.url).toBe('b');
    expect(largestPhotoSize([])).toBeUndefined();
  });
});
