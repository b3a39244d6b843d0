import type { AccountState, MetaFakeStore } from './meta-fake.store';
import { META_TINY_PNG } from './meta-fake.store';
import type { CustomerAttachmentInput, MetaMessagingEvent, MetaSentMessage, MetaWriteAsCustomerInput } from './meta-fake.types';

/** The webhook field an event is delivered under (only subscribed fields are sent). */
export function fieldOf(account: AccountState, event: MetaMessagingEvent, standby: boolean): string {
  if (standby) return 'standby';
  if (event.message) return event.message['is_echo'] === true && account.platform === 'page' ? 'message_echoes' : 'messages';
  if (event.postback) return 'messaging_postbacks';
  if (event.delivery) return 'message_deliveries';
  if (event.read) return account.platform === 'page' ? 'message_reads' : 'messaging_seen';
  if (event.reaction) return 'message_reactions';
  return 'messages';
}

function attachmentJson(store: MetaFakeStore, a: CustomerAttachmentInput): Record<string, unknown> {
  const url = a.url ?? store.serve(a.bytes ?? META_TINY_PNG, a.mime ?? (a.type === 'image' ? 'image/png' : 'application/octet-stream'));
  if (a.type === 'ig_reel' || a.type === 'reel') return { type: a.type, payload: { url, title: a.title ?? '', reel_video_id: '17900000000000000' } };
  return { type: a.type, payload: { url, ...(a.title === undefined ? {} : { title: a.title }) } };
}

/** A customer's message as Meta sends it (the mid is new). */
export function customerMessageEvent(store: MetaFakeStore, account: AccountState, input: MetaWriteAsCustomerInput, now: number): MetaMessagingEvent {
  const message: Record<string, unknown> = { mid: store.newMid() };
  if (input.text !== undefined) message['text'] = input.text;
  if (input.attachments?.length) message['attachments'] = input.attachments.map((a) => attachmentJson(store, a));
  if (input.quickReplyPayload !== undefined) message['quick_reply'] = { payload: input.quickReplyPayload };
  if (input.replyToMid !== undefined) message['reply_to'] = { mid: input.replyToMid };
  return { sender: { id: input.userId }, recipient: { id: account.config.id }, timestamp: input.timestamp ?? now, message };
}

/** The echo of a message the account sent (through the API with the app's id, or by a person in the inbox). */
export function echoEvent(account: AccountState, sent: MetaSentMessage, appId: string | undefined): MetaMessagingEvent {
  const message: Record<string, unknown> = { mid: sent.mid, is_echo: true };
  if (appId !== undefined) message['app_id'] = Number(appId);
  if (sent.metadata !== undefined) message['metadata'] = sent.metadata;
  if (sent.text !== undefined) message['text'] = sent.text;
  if (sent.attachment) message['attachments'] = [{ type: sent.attachment.type, payload: { url: 'https://lookaside.fbsbx.com/echo' } }];
  return { sender: { id: account.config.id }, recipient: { id: sent.recipientId }, timestamp: sent.at, message };
}
