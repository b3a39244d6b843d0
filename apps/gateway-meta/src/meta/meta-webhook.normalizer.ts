import { createHmac, timingSafeEqual } from 'node:crypto';
import { inboundEvent, type InboundItem, type MediaToFetch } from '@parley/channel-kit';
import { ReplyReceiptReceivedV1, type AttachmentKind, type ChannelType, type ReplyReceiptReceived } from '@parley/contracts';
import type { MetaAttachment, MetaEntry, MetaEvent, MetaMessage } from './meta-webhook.types';

/** `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(raw body, app secret)>`, compared in constant time. */
export function metaSignatureMatches(rawBody: Buffer, header: string | undefined, appSecret: string): boolean {
  const given = /^sha256=([0-9a-f]{64})$/i.exec(header ?? '')?.[1];
  if (!given) return false;
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(given, 'hex'));
}

export interface NormalizeContext {
  type: ChannelType;
  channelId: string;
  lineId: string;
  accountId: string;
  /** The app Parley sends with: its echoes are Parley's own. */
  appId?: string;
  /** A mid this process's sends just returned (before the kit recorded it): Parley's own echo. */
  ownMid?: (mid: string) => boolean;
}

/** What one event becomes, plus the customer time that opens the reply window (customer messages and postbacks). */
export interface NormalizedEvent {
  items: InboundItem[];
  customer?: { chatId: string; at: Date };
}

const MEDIA_KINDS: Readonly<Record<string, AttachmentKind>> = { image: 'image', video: 'video', audio: 'audio', file: 'file' };
const LINK_LABELS: Readonly<Record<string, string>> = { share: 'Shared post', story_mention: 'Mentioned you in a story', ig_reel: 'Shared reel', reel: 'Shared reel', fallback: 'Link' };

function content(message: MetaMessage, accountKey: string): { text: string; media: MediaToFetch[] } {
  const lines: string[] = message.text ? [message.text] : [];
  const media: MediaToFetch[] = [];
  (message.attachments ?? []).forEach((a: MetaAttachment, i) => {
    const url = a.payload?.url;
    const kind = MEDIA_KINDS[a.type];
    if (kind && url) media.push({ url, name: `${a.type}-${i + 1}`, mime: 'application/octet-stream', kind, source: `${accountKey}:${message.mid}:${i}` });
    else if (url || a.payload?.title || a.title) {
      const title = a.payload?.title ?? a.title;
      lines.push([`[${LINK_LABELS[a.type] ?? a.type}]`, title, url].filter(Boolean).join(' '));
    }
  });
  if (message.is_unsupported) lines.push('[a message Meta cannot show here]');
  return { text: lines.join('\n'), media };
}

/** One messaging / standby event → Parley facts. Pure. */
export function normalizeMetaEvent(ctx: NormalizeContext, event: MetaEvent): NormalizedEvent {
  const acct = `${ctx.type}:${ctx.accountId}`;
  const base = { channelId: ctx.channelId, channelType: ctx.type, lineId: ctx.lineId, sentAt: new Date(event.timestamp).toISOString() };
  const m = event.message;
  if (m?.is_echo) {
    const customer = event.recipient.id;
    const ownApp = ctx.appId !== undefined && m.app_id !== undefined && String(m.app_id) === ctx.appId;
    const sendKey = m.metadata?.startsWith('parley:') ? m.metadata.slice('parley:'.length) : undefined;
    // Our app's echo without our metadata is still ours (another replica's send, or an older version).
    if ((ownApp && sendKey === undefined) || ctx.ownMid?.(m.mid)) return { items: [] };
    const { text, media } = content(m, acct);
    return {
      items: [{
        kind: 'external-reply',
        fact: { ...base, dedupeKey: `${acct}:msg:${m.mid}`, externalChatId: customer, externalUserId: customer, externalMessageId: m.mid, text },
        media,
        // Instagram echoes carry neither app id nor metadata: the kit matches the mid against Parley's sends.
        echoOfExternalId: m.mid,
        ...(sendKey === undefined ? {} : { echoOfSendKey: sendKey }),
      }],
    };
  }
  const customer = event.sender.id;
  const who = { externalChatId: customer, externalUserId: customer };
  if (m) {
    if (m.is_deleted) return { items: [] };
    const { text, media } = content(m, acct);
    return {
      items: [{ kind: 'message-received', fact: { ...base, ...who, dedupeKey: `${acct}:msg:${m.mid}`, externalMessageId: m.mid, text, source: 'webhook' }, media }],
      customer: { chatId: customer, at: new Date(event.timestamp) },
    };
  }
  if (event.postback) {
    const mid = event.postback.mid ?? `${customer}:${event.timestamp}`;
    const text = event.postback.title ?? event.postback.payload ?? '';
    return {
      items: [{ kind: 'message-received', fact: { ...base, ...who, dedupeKey: `${acct}:postback:${mid}`, externalMessageId: mid, text, source: 'webhook' }, media: [] }],
      customer: { chatId: customer, at: new Date(event.timestamp) },
    };
  }
  if (event.delivery) {
    return {
      items: (event.delivery.mids ?? []).map((mid) =>
        inboundEvent<ReplyReceiptReceived>(ReplyReceiptReceivedV1, { ...base, ...who, dedupeKey: `${acct}:delivered:${mid}`, externalMessageId: mid, status: 'delivered' }),
      ),
    };
  }
  if (event.read?.mid) {
    const mid = event.read.mid;
    return { items: [inboundEvent<ReplyReceiptReceived>(ReplyReceiptReceivedV1, { ...base, ...who, dedupeKey: `${acct}:seen:${mid}`, externalMessageId: mid, status: 'seen' })] };
  }
  // Messenger `read{watermark}` names no message, and reactions have no Parley fact yet: verified and ignored.
  return { items: [] };
}

/** Every event of an entry, `messaging` then `standby` (messages of threads another app owns). */
export function eventsOf(entry: MetaEntry): MetaEvent[] {
  return [...(entry.messaging ?? []), ...(entry.standby ?? [])];
}

/** A metric label from the event's kind (the body is untrusted). */
export function eventTypeOf(event: MetaEvent): string {
  if (event.message) return event.message.is_echo ? 'echo' : 'message';
  if (event.postback) return 'postback';
  if (event.delivery) return 'delivery';
  if (event.read) return 'read';
  if (event.reaction) return 'reaction';
  return 'other';
}
