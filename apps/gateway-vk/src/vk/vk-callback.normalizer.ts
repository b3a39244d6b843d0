import { timingSafeEqual } from 'node:crypto';
import type {
  AttachmentKind,
  CustomerBlockedChannel,
  CustomerUnblockedChannel,
  ExternalReplyReceived,
  MessageReceived,
} from '@parley/contracts';
import type { VkAttachment, VkCallback, VkMessage, VkPhotoSize } from './vk-callback.types';

/*
 * Turns a validated VK callback into Parley inbound facts. Pure: no I/O. Media are not downloaded here; the
 * result lists them (best URL, name, mime, size when known) for the gateway to copy into the attachment store and
 * then fill `attachments` of the fact.
 *
 *   message_new    → MessageReceived          dedupe `vk:<groupId>:msg:<messageId>`
 *   message_reply  → ExternalReplyReceived    (same key), unless it is the echo of Parley's own send → ignored
 *   message_deny   → CustomerBlockedChannel   dedupe `vk:<groupId>:event:<event_id>`
 *   message_allow  → CustomerUnblockedChannel dedupe `vk:<groupId>:event:<event_id>`
 *   confirmation   → answered with the confirmation string by the controller
 *   anything else  → ignored: the controller answers `ok` and stores nothing (VK would otherwise retry it).
 * Every result also carries the envelope key `vk:<groupId>:event:<event_id>`, so a redelivered event is dropped
 * before any work.
 */

export interface VkChannelContext {
  channelId: string;
  lineId: string;
  /**
   * Recognises the `message_reply` echo of a message Parley itself sent (VK echoes every community message).
   * The gateway knows its sends by `random_id` (stored before calling messages.send, since the echo can arrive
   * before the send answers) and by message id. Without it every message_reply counts as external.
   */
  isOwnMessage?: (message: VkMessage) => boolean;
}

/** A file to copy from VK into the attachment store before publishing the fact. */
export interface VkMediaToDownload {
  url: string;
  name: string;
  mime: string;
  kind: AttachmentKind;
  /** Size in bytes when VK tells it (documents). */
  size?: number;
  /** Where it came from, for logs: `photo42_457239017`. */
  source: string;
}

export type MessageReceivedDraft = Omit<MessageReceived, 'attachments'>;
export type ExternalReplyDraft = Omit<ExternalReplyReceived, 'attachments'>;

export type VkNormalized =
  | { kind: 'confirmation'; groupId: number }
  | { kind: 'ignored'; reason: 'unhandled-event-type' | 'own-echo' | 'not-a-customer-message'; eventType: string; eventKey?: string }
  | { kind: 'message-received'; eventKey: string; fact: MessageReceivedDraft; media: VkMediaToDownload[]; skipped: string[] }
  | { kind: 'external-reply'; eventKey: string; fact: ExternalReplyDraft; media: VkMediaToDownload[]; skipped: string[] }
  | { kind: 'customer-blocked'; eventKey: string; fact: CustomerBlockedChannel }
  | { kind: 'customer-unblocked'; eventKey: string; fact: CustomerUnblockedChannel };

export function vkMessageDedupeKey(groupId: number, messageId: number): string {
  return `vk:${groupId}:msg:${messageId}`;
}

export function vkEventDedupeKey(groupId: number, eventId: string): string {
  return `vk:${groupId}:event:${eventId}`;
}

/** `secret` check in constant time. A channel without a secret accepts bodies without one only. */
export function vkSecretMatches(callback: { secret?: string }, expected: string | undefined): boolean {
  if (expected === undefined || expected === '') return callback.secret === undefined || callback.secret === '';
  if (typeof callback.secret !== 'string') return false;
  const a = Buffer.from(callback.secret);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function vkDateToIso(date: number): string {
  return new Date(date * 1000).toISOString();
}

const SIZE_ORDER = ['s', 'm', 'o', 'p', 'q', 'r', 'x', 'y', 'z', 'w'];

/** The largest size of a photo: by pixel area, then by VK's size letters when dimensions are missing (0). */
export function largestPhotoSize(sizes: VkPhotoSize[]): VkPhotoSize | undefined {
  return [...sizes].sort((a, b) => b.width * b.height - a.width * a.height || SIZE_ORDER.indexOf(b.type) - SIZE_ORDER.indexOf(a.type))[0];
}

const MIME_BY_EXT: Readonly<Record<string, string>> = {
  jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp', bmp: 'image/bmp',
  pdf: 'application/pdf', txt: 'text/plain', csv: 'text/csv', zip: 'application/zip', rar: 'application/vnd.rar',
  doc: 'application/msword', docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  mp3: 'audio/mpeg', ogg: 'audio/ogg', mp4: 'video/mp4',
};

export function mimeForExt(ext: string): string {
  return MIME_BY_EXT[ext.toLowerCase()] ?? 'application/octet-stream';
}

/** Media of a message to download, and the types that were not (video, link, wall, …: VK gives no file). */
export function vkMediaOf(message: VkMessage): { media: VkMediaToDownload[]; skipped: string[] } {
  const media: VkMediaToDownload[] = [];
  const skipped: string[] = [];
  for (const attachment of message.attachments) {
    const item = mediaOfAttachment(attachment);
    if (item) media.push(item);
    else skipped.push(attachment.type);
  }
  return { media, skipped };
}

function mediaOfAttachment(a: VkAttachment): VkMediaToDownload | undefined {
  if (a.type === 'photo' && 'photo' in a) {
    const photo = a.photo as { id: number; owner_id: number; sizes: VkPhotoSize[] };
    const best = largestPhotoSize(photo.sizes);
    if (!best) return undefined;
    const source = `photo${photo.owner_id}_${photo.id}`;
    return { url: best.url, name: `${source}.jpg`, mime: 'image/jpeg', kind: 'image', source };
  }
  if (a.type === 'doc' && 'doc' in a) {
    const doc = a.doc as { id: number; owner_id: number; title: string; size: number; ext: string; url: string };
    const ext = doc.ext.toLowerCase();
    const title = doc.title.trim() || `doc${doc.owner_id}_${doc.id}`;
    const name = ext && !title.toLowerCase().endsWith(`.${ext}`) ? `${title}.${ext}` : title;
    const mime = mimeForExt(ext);
    return { url: doc.url, name, mime, kind: mime.startsWith('image/') ? 'image' : 'file', size: doc.size, source: `doc${doc.owner_id}_${doc.id}` };
  }
  if (a.type === 'audio_message' && 'audio_message' in a) {
    const audio = a.audio_message as { id: number; owner_id: number; link_ogg?: string; link_mp3?: string };
    const source = `audio_message${audio.owner_id}_${audio.id}`;
    if (audio.link_mp3) return { url: audio.link_mp3, name: `${source}.mp3`, mime: 'audio/mpeg', kind: 'audio', source };
    if (audio.link_ogg) return { url: audio.link_ogg, name: `${source}.ogg`, mime: 'audio/ogg', kind: 'audio', source };
    return undefined;
  }
  if (a.type === 'sticker' && 'sticker' in a) {
    const sticker = a.sticker as { sticker_id: number; images?: VkPhotoSize[] };
    const best = largestPhotoSize(sticker.images ?? []);
    return best ? { url: best.url, name: `sticker${sticker.sticker_id}.png`, mime: 'image/png', kind: 'sticker', source: `sticker${sticker.sticker_id}` } : undefined;
  }
  return undefined;
}

function base(ctx: VkChannelContext, groupId: number, chatId: number, userId: number, date: number, dedupeKey: string) {
  return {
    channelId: ctx.channelId,
    channelType: 'vk' as const,
    lineId: ctx.lineId,
    dedupeKey,
    externalChatId: String(chatId),
    externalUserId: String(userId),
    sentAt: vkDateToIso(date),
  };
}

/**
 * A stored customer message as a MessageReceived draft: used for `message_new` and for backfill
 * (`messages.getHistory` items), which must produce the same dedupe key.
 */
export function vkMessageToReceived(
  message: VkMessage,
  groupId: number,
  ctx: VkChannelContext,
  source: 'webhook' | 'backfill',
): { fact: MessageReceivedDraft; media: VkMediaToDownload[]; skipped: string[] } {
  const { media, skipped } = vkMediaOf(message);
  return {
    fact: {
      ...base(ctx, groupId, message.peer_id, message.from_id, message.date, vkMessageDedupeKey(groupId, message.id)),
      externalMessageId: String(message.id),
      text: message.text,
      source,
    },
    media,
    skipped,
  };
}

/** Normalises a validated callback (see `parseVkCallback`). The secret must have been checked before. */
export function normalizeVkCallback(callback: VkCallback, ctx: VkChannelContext): VkNormalized {
  if (callback.type === 'confirmation') return { kind: 'confirmation', groupId: callback.group_id };
  const cb = callback as Exclude<VkCallback, { type: 'confirmation' }>;
  const groupId = cb.group_id;
  const eventKey = vkEventDedupeKey(groupId, cb.event_id);
  const nowIso = new Date().toISOString();

  switch (cb.type) {
    case 'message_new': {
      const { message } = cb.object as { message: VkMessage };
      if (message.out === 1) return { kind: 'ignored', reason: 'not-a-customer-message', eventType: cb.type, eventKey };
      return { kind: 'message-received', eventKey, ...vkMessageToReceived(message, groupId, ctx, 'webhook') };
    }
    case 'message_reply': {
      const message = cb.object as VkMessage;
      if (ctx.isOwnMessage?.(message)) return { kind: 'ignored', reason: 'own-echo', eventType: cb.type, eventKey };
      const { media, skipped } = vkMediaOf(message);
      return {
        kind: 'external-reply',
        eventKey,
        fact: {
          ...base(ctx, groupId, message.peer_id, message.peer_id, message.date, vkMessageDedupeKey(groupId, message.id)),
          externalMessageId: String(message.id),
          text: message.text,
        },
        media,
        skipped,
      };
    }
    case 'message_deny':
    case 'message_allow': {
      const { user_id: userId } = cb.object as { user_id: number };
      // VK gives no time for these events: the time Parley received them stands in.
      const fact = { ...base(ctx, groupId, userId, userId, 0, eventKey), sentAt: nowIso };
      return cb.type === 'message_deny'
        ? { kind: 'customer-blocked', eventKey, fact }
        : { kind: 'customer-unblocked', eventKey, fact };
    }
    default:
      return { kind: 'ignored', reason: 'unhandled-event-type', eventType: cb.type, eventKey };
  }
}
