import { ViberStatusError } from './viber-fake.json';
import { VIBER_ALL_EVENT_TYPES, type BotState, type ViberFakeStore } from './viber-fake.store';
import type { ViberSentMessage } from './viber-fake.types';

export interface MethodContext {
  body: Record<string, unknown>;
  rawSize: number;
  bot: BotState;
  store: ViberFakeStore;
  limits: { maxUnansweredPerHour: number; userDetailsPer12h: number };
  /** Posts the `webhook` check callback to `url`; resolves true when it was answered 200. */
  checkWebhook(bot: BotState, url: string): Promise<boolean>;
  /** Downloads a media URL as Viber does before delivering it. */
  fetchMedia(url: string): Promise<{ bytes: Buffer; mime: string } | undefined>;
  onSent(bot: BotState, message: ViberSentMessage): void;
}

type Method = (ctx: MethodContext) => Promise<Record<string, unknown>>;

const MAX_BODY_BYTES = 30 * 1024;
const SEND_TYPES = ['text', 'picture', 'video', 'file', 'contact', 'location', 'url', 'sticker', 'rich_media'];
const PICTURE_MIMES = ['image/jpeg', 'image/png', 'image/gif'];

function str(body: Record<string, unknown>, key: string): string | undefined {
  const v = body[key];
  return typeof v === 'string' ? v : undefined;
}

function requireUrl(value: string | undefined, what: string): string {
  if (value === undefined || value === '') throw new ViberStatusError(4, `missing ${what}`);
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('scheme');
  } catch {
    throw new ViberStatusError(1, `invalid ${what}`);
  }
  return value;
}

function accountInfo(ctx: MethodContext): Promise<Record<string, unknown>> {
  const { bot, store } = ctx;
  return Promise.resolve({
    id: bot.config.id,
    name: bot.config.name,
    uri: bot.config.uri,
    icon: store.url(store.iconPath(bot)),
    background: store.url(store.iconPath(bot)),
    category: 'Companies',
    subcategory: 'Customer service',
    location: { lon: 30.5234, lat: 50.4501 },
    country: 'UA',
    webhook: bot.webhook?.url ?? '',
    event_types: bot.webhook?.eventTypes ?? [],
    subscribers_count: bot.subscribed.size,
    members: [{ id: '01234567890A=', name: 'Admin', avatar: store.url(store.avatarPath('01234567890A=')), role: 'admin' }],
  });
}

async function setWebhook(ctx: MethodContext): Promise<Record<string, unknown>> {
  const { body, bot } = ctx;
  const url = str(body, 'url');
  if (url === undefined) throw new ViberStatusError(4, 'missing url');
  if (url === '') {
    bot.webhook = undefined;
    return {};
  }
  requireUrl(url, 'url');
  const listed = Array.isArray(body['event_types']) ? body['event_types'].filter((e): e is string => typeof e === 'string') : undefined;
  const eventTypes = listed ?? [...VIBER_ALL_EVENT_TYPES];
  if (eventTypes.some((e) => !(VIBER_ALL_EVENT_TYPES as readonly string[]).includes(e))) throw new ViberStatusError(3, 'unknown event type');
  const previous = bot.webhook;
  bot.webhook = { url, eventTypes, sendName: body['send_name'] !== false, sendPhoto: body['send_photo'] !== false };
  if (!(await ctx.checkWebhook(bot, url))) {
    bot.webhook = previous;
    throw new ViberStatusError(1, `Result[HttpRequest[POST ${url}] failed: the webhook did not answer 200]`);
  }
  return { event_types: eventTypes };
}

async function sendMessage(ctx: MethodContext): Promise<Record<string, unknown>> {
  const { body, bot, store } = ctx;
  if (!bot.webhook) throw new ViberStatusError(10, 'webhookNotSet');
  if (ctx.rawSize > MAX_BODY_BYTES) throw new ViberStatusError(3, 'request body over 30 KB');
  const receiver = str(body, 'receiver');
  if (!receiver) throw new ViberStatusError(4, 'missing receiver');
  const type = str(body, 'type');
  if (!type) throw new ViberStatusError(4, 'missing type');
  if (!SEND_TYPES.includes(type)) throw new ViberStatusError(3, `unknown type ${type}`);
  const sender = body['sender'];
  const senderName = typeof sender === 'object' && sender !== null ? (sender as Record<string, unknown>)['name'] : undefined;
  if (typeof senderName !== 'string' || senderName === '') throw new ViberStatusError(4, 'missing sender.name');
  if (senderName.length > 28) throw new ViberStatusError(3, 'sender.name over 28 characters');
  const senderAvatar = (sender as Record<string, unknown>)['avatar'];
  const trackingData = str(body, 'tracking_data');
  if (trackingData !== undefined && trackingData.length > 4000) throw new ViberStatusError(3, 'tracking_data over 4000 characters');
  const minApi = body['min_api_version'];
  if (minApi !== undefined && !Number.isInteger(minApi)) throw new ViberStatusError(3, 'min_api_version must be an integer');
  const text = str(body, 'text');
  if (type === 'text' && !text) throw new ViberStatusError(4, 'missing text');
  if (text !== undefined && text.length > 7000) throw new ViberStatusError(3, 'text over 7000 characters');
  const isMedia = type === 'picture' || type === 'video' || type === 'file';
  const media = isMedia ? requireUrl(str(body, 'media'), 'media') : undefined;
  const size = body['size'];
  if ((type === 'video' || type === 'file') && typeof size !== 'number') throw new ViberStatusError(4, 'missing size');
  const fileName = str(body, 'file_name');
  if (type === 'file' && !fileName) throw new ViberStatusError(4, 'missing file_name');

  const user = store.users.get(receiver);
  if (!user || !user.registered) throw new ViberStatusError(5, 'receiverNotRegistered');
  if (!bot.subscribed.has(receiver)) throw new ViberStatusError(6, 'receiverNotSubscribed');
  if (!store.admitBotMessage(bot, receiver, ctx.limits.maxUnansweredPerHour)) throw new ViberStatusError(12, 'tooManyRequests');

  const message: ViberSentMessage = {
    messageToken: store.token(),
    receiver,
    type,
    senderName,
    body,
    at: Date.now(),
    state: 'sent',
    ...(text === undefined ? {} : { text }),
    ...(typeof senderAvatar === 'string' ? { senderAvatar } : {}),
    ...(trackingData === undefined ? {} : { trackingData }),
    ...(media === undefined ? {} : { media }),
    ...(fileName === undefined ? {} : { fileName }),
    ...(typeof size === 'number' ? { size } : {}),
  };
  if (media !== undefined) {
    const fetched = await ctx.fetchMedia(media);
    if (fetched) {
      message.mediaBytes = fetched.bytes;
      message.mediaMime = fetched.mime;
    }
    if (!fetched || (type === 'picture' && !PICTURE_MIMES.includes(fetched.mime))) message.state = 'failed';
  }
  bot.sent.push(message);
  ctx.onSent(bot, message);
  return { message_token: message.messageToken, chat_hostname: 'SN-CHAT-01_' };
}

function getUserDetails(ctx: MethodContext): Promise<Record<string, unknown>> {
  const { body, bot, store } = ctx;
  const id = str(body, 'id');
  if (!id) throw new ViberStatusError(4, 'missing id');
  const user = store.users.get(id);
  if (!user || !user.registered) throw new ViberStatusError(5, 'receiverNotRegistered');
  if (!store.admitDetailsCall(bot, id, ctx.limits.userDetailsPer12h)) throw new ViberStatusError(12, 'tooManyRequests');
  return Promise.resolve({
    user: {
      id: user.id,
      name: user.name,
      avatar: store.url(store.avatarPath(user.id)),
      country: user.country,
      language: user.language,
      primary_device_os: 'Android 14',
      api_version: 10,
      viber_version: '21.0.0.0',
      mcc: 255,
      mnc: 1,
      device_type: 'Pixel 8',
    },
  });
}

export const viberMethods: Readonly<Record<string, Method>> = {
  get_account_info: accountInfo,
  set_webhook: setWebhook,
  send_message: sendMessage,
  get_user_details: getUserDetails,
};
