import { inboundEvent, type InboundItem, type MediaToFetch } from '@parley/channel-kit';
import { ReplyReceiptReceivedV1, type AttachmentKind, type InboundFact } from '@parley/contracts';
import type { ViberCallback, ViberMessage, ViberUserInfo } from './viber-callback.types';

export interface ViberContext {
  channelId: string;
  lineId: string;
  /** The bot's account id (get_account_info `id`): the channel's externalId. */
  accountId: string;
}

type Facts = Omit<InboundFact, 'dedupeKey'>;

function base(ctx: ViberContext, userId: string, timestamp: number): Facts {
  return {
    channelId: ctx.channelId,
    channelType: 'viber',
    lineId: ctx.lineId,
    externalChatId: userId,
    externalUserId: userId,
    sentAt: new Date(Number.isFinite(timestamp) && timestamp > 0 ? timestamp : Date.now()).toISOString(),
  };
}

/** `viber:<account>:msg:<message_token>` — a message's key forever (the token is exact: parsed bigint-safe). */
export function viberMessageKey(accountId: string, messageToken: string): string {
  return `viber:${accountId}:msg:${messageToken}`;
}

const MEDIA_KIND: Partial<Record<ViberMessage['type'], AttachmentKind>> = { picture: 'image', video: 'video', file: 'file', sticker: 'sticker' };
const DEFAULT_NAME: Partial<Record<ViberMessage['type'], string>> = { picture: 'photo.jpg', video: 'video.mp4', file: 'file', sticker: 'sticker.png' };

/** Text Parley shows for a message: the text, or a readable form of a contact / location / url. */
function messageText(m: ViberMessage): string {
  switch (m.type) {
    case 'contact':
      return `Contact: ${[m.contact?.name, m.contact?.phone_number].filter((s) => s !== undefined && s !== '').join(', ')}`;
    case 'location': {
      const { lat, lon, address } = m.location ?? { lat: 0, lon: 0 };
      return `Location: ${address ? `${address} ` : ''}${lat}, ${lon} https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}`;
    }
    case 'url':
      return m.media ?? m.text ?? '';
    default:
      return m.text ?? '';
  }
}

function messageMedia(m: ViberMessage, token: string): MediaToFetch[] {
  const kind = MEDIA_KIND[m.type];
  if (!kind || !m.media) return [];
  return [
    {
      url: m.media,
      name: m.file_name ?? (m.type === 'sticker' && m.sticker_id !== undefined ? `sticker-${m.sticker_id}.png` : (DEFAULT_NAME[m.type] ?? 'file')),
      mime: kind === 'sticker' ? 'image/png' : 'application/octet-stream',
      kind,
      ...(m.size === undefined ? {} : { size: m.size }),
      source: `viber-${m.type}-${token}`,
    },
  ];
}

/** The sender's name and avatar as the callback gave them (copied by the kit when the contact is new). */
export interface SeenProfile {
  userId: string;
  name?: string;
  avatar?: string;
}

export interface NormalizedViber {
  items: InboundItem[];
  profile?: SeenProfile;
}

function profileOf(user: ViberUserInfo): SeenProfile {
  return { userId: user.id, ...(user.name ? { name: user.name } : {}), ...(user.avatar ? { avatar: user.avatar } : {}) };
}

/**
 * Turns a verified callback into inbound items (pure):
 * - `message` → MessageReceived, preceded by CustomerUnblockedChannel: writing re-subscribes a Viber user, so a
 *   customer who had unsubscribed can be answered again (a no-op for the conversation service otherwise);
 * - `subscribed` / `unsubscribed` → CustomerUnblockedChannel / CustomerBlockedChannel;
 * - `delivered` / `seen` / `failed` → ReplyReceiptReceived for the sent message's token;
 * - `conversation_started` (opened the chat, wrote nothing) → nothing: no conversation is created.
 */
export function normalizeViberCallback(cb: ViberCallback, ctx: ViberContext): NormalizedViber {
  const token = cb.message_token;
  switch (cb.event) {
    case 'message': {
      const facts = base(ctx, cb.sender.id, cb.timestamp);
      const key = viberMessageKey(ctx.accountId, token);
      const profile = profileOf(cb.sender);
      return {
        profile,
        items: [
          { kind: 'customer-unblocked', fact: { ...facts, dedupeKey: `${key}:writes` } },
          {
            kind: 'message-received',
            fact: {
              ...facts,
              dedupeKey: key,
              externalMessageId: token,
              text: messageText(cb.message),
              source: 'webhook',
              ...(profile.name || profile.avatar
                ? { profile: { ...(profile.name ? { displayName: profile.name } : {}), ...(profile.avatar ? { avatarUrl: profile.avatar } : {}) } }
                : {}),
            },
            media: messageMedia(cb.message, token),
          },
        ],
      };
    }
    case 'subscribed':
      return {
        profile: profileOf(cb.user),
        items: [{ kind: 'customer-unblocked', fact: { ...base(ctx, cb.user.id, cb.timestamp), dedupeKey: `viber:${ctx.accountId}:subscribed:${token}` } }],
      };
    case 'unsubscribed':
      return { items: [{ kind: 'customer-blocked', fact: { ...base(ctx, cb.user_id, cb.timestamp), dedupeKey: `viber:${ctx.accountId}:unsubscribed:${token}` } }] };
    case 'delivered':
    case 'seen':
    case 'failed':
      return {
        items: [
          inboundEvent(ReplyReceiptReceivedV1, {
            ...base(ctx, cb.user_id, cb.timestamp),
            dedupeKey: `viber:${ctx.accountId}:${cb.event}:${token}`,
            externalMessageId: token,
            status: cb.event,
            ...(cb.event === 'failed' && cb.desc ? { reason: cb.desc.slice(0, 500) } : {}),
          }),
        ],
      };
    case 'conversation_started':
      return { profile: profileOf(cb.user), items: [] };
    case 'webhook':
      return { items: [] };
  }
}
