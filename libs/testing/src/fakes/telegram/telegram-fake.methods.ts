import { TgApiError, TgErrors } from './telegram-fake.errors';
import { boolParam, chatIdParam, intParam, jsonParam, stringParam, type TgRequest } from './telegram-fake.params';
import type { TgBotState, TgFakeStore } from './telegram-fake.store';
import type { TgBotSentMessage, TgUpdateRecord } from './telegram-fake.types';

/** What a method handler gets: the request, the bot the token belongs to, and the fake's hooks. */
export interface TgMethodContext {
  bot: TgBotState;
  req: TgRequest;
  store: TgFakeStore;
  requireHttpsWebhook: boolean;
  /** Applies the per-chat and per-bot send limits (throws 429 when they are enforced). */
  limit(chatId: number): void;
  /** The webhook was set, changed or removed: (re)start deliveries. */
  webhookChanged(): void;
  settle(record: TgUpdateRecord, status: TgUpdateRecord['status']): void;
  botSent(record: Omit<TgBotSentMessage, 'token'>): void;
  /** Resolves when an update is queued for the bot or after `ms`. */
  waitForUpdate(ms: number): Promise<void>;
}

export type TgMethodHandler = (ctx: TgMethodContext) => unknown;

/** A result with the top-level `description` Telegram adds to some answers (`Webhook was set`). */
export class TgDescribed {
  constructor(
    readonly result: unknown,
    readonly description: string,
  ) {}
}

export const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;

function getMe(ctx: TgMethodContext): unknown {
  return {
    ...ctx.store.botUser(ctx.bot),
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
  };
}

function dropPending(ctx: TgMethodContext): void {
  for (const record of ctx.bot.pending.splice(0)) ctx.settle(record, 'dropped');
}

function allowedUpdatesParam(ctx: TgMethodContext): void {
  const allowed = jsonParam(ctx.req.params, 'allowed_updates');
  if (allowed === undefined) return; // "If not specified, the previous setting will be used."
  if (!Array.isArray(allowed) || !allowed.every((t) => typeof t === 'string')) throw TgApiError.badRequest("can't parse allowed updates");
  ctx.bot.allowedUpdates = allowed;
}

function setWebhook(ctx: TgMethodContext): unknown {
  const { params } = ctx.req;
  const url = stringParam(params, 'url') ?? '';
  const secretToken = stringParam(params, 'secret_token');
  if (secretToken !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secretToken)) throw TgApiError.badRequest('secret token contains unallowed characters');
  const maxConnections = intParam(params, 'max_connections') ?? 40;
  if (maxConnections < 1 || maxConnections > 100) throw TgApiError.badRequest('bad webhook: max_connections must be between 1 and 100');
  if (url !== '') {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw TgApiError.badRequest("can't parse URL");
    }
    if (parsed.protocol !== 'https:' && (ctx.requireHttpsWebhook || parsed.protocol !== 'http:')) {
      throw TgApiError.badRequest('bad webhook: An HTTPS URL must be provided for webhook');
    }
  }
  allowedUpdatesParam(ctx);
  if (boolParam(params, 'drop_pending_updates')) dropPending(ctx);
  const before = ctx.bot.webhook;
  if (url === '') {
    delete ctx.bot.webhook;
    ctx.webhookChanged();
    return new TgDescribed(true, before ? 'Webhook was deleted' : 'Webhook is already deleted');
  }
  const same = before?.url === url && before.secretToken === secretToken && before.maxConnections === maxConnections;
  ctx.bot.webhook = { url, maxConnections, ...(secretToken === undefined ? {} : { secretToken }) };
  if (!same) delete ctx.bot.lastError;
  ctx.webhookChanged();
  return new TgDescribed(true, same ? 'Webhook is already set' : 'Webhook was set');
}

function deleteWebhook(ctx: TgMethodContext): unknown {
  if (boolParam(ctx.req.params, 'drop_pending_updates')) dropPending(ctx);
  const had = ctx.bot.webhook !== undefined;
  delete ctx.bot.webhook;
  ctx.webhookChanged();
  return new TgDescribed(true, had ? 'Webhook was deleted' : 'Webhook is already deleted');
}

function getWebhookInfo(ctx: TgMethodContext): unknown {
  const { webhook, lastError, allowedUpdates } = ctx.bot;
  return {
    url: webhook?.url ?? '',
    has_custom_certificate: false,
    pending_update_count: ctx.bot.pending.length,
    ...(webhook ? { max_connections: webhook.maxConnections, ip_address: '127.0.0.1' } : {}),
    ...(allowedUpdates && allowedUpdates.length > 0 ? { allowed_updates: allowedUpdates } : {}),
    ...(lastError ? { last_error_date: lastError.date, last_error_message: lastError.message } : {}),
  };
}

async function getUpdates(ctx: TgMethodContext): Promise<unknown> {
  if (ctx.bot.webhook) throw new TgApiError(409, TgErrors.webhookConflict);
  const { params } = ctx.req;
  const offset = intParam(params, 'offset');
  const limit = Math.min(Math.max(intParam(params, 'limit') ?? 100, 1), 100);
  const timeout = Math.min(Math.max(intParam(params, 'timeout') ?? 0, 0), 50);
  allowedUpdatesParam(ctx);
  const { pending } = ctx.bot;
  if (offset !== undefined && offset < 0) {
    // A negative offset keeps the last -offset updates and forgets the older ones.
    for (const record of pending.splice(0, Math.max(0, pending.length + offset))) ctx.settle(record, 'fetched');
  } else if (offset !== undefined) {
    while (pending[0] && pending[0].update.update_id < offset) ctx.settle(pending.shift() as TgUpdateRecord, 'fetched');
  }
  if (pending.length === 0 && timeout > 0) await ctx.waitForUpdate(timeout * 1000);
  return ctx.bot.pending.slice(0, limit).map((r) => r.update);
}

function getChat(ctx: TgMethodContext): unknown {
  const chatId = chatIdParam(ctx.req.params);
  if (!ctx.bot.chats.has(chatId) || !ctx.store.customers.has(chatId)) throw new TgApiError(400, TgErrors.chatNotFound);
  const photo = ctx.store.profilePhoto(ctx.bot, chatId);
  const small = photo?.[0];
  const big = photo?.at(-1);
  return {
    ...ctx.store.chatOf(chatId),
    accent_color_id: chatId % 7,
    max_reaction_count: 11,
    ...(small && big
      ? { photo: { small_file_id: small.file_id, small_file_unique_id: small.file_unique_id, big_file_id: big.file_id, big_file_unique_id: big.file_unique_id } }
      : {}),
  };
}

function getUserProfilePhotos(ctx: TgMethodContext): unknown {
  const userId = intParam(ctx.req.params, 'user_id');
  if (userId === undefined) throw TgApiError.badRequest('user_id is empty');
  if (!ctx.store.customers.has(userId)) throw new TgApiError(400, TgErrors.userNotFound);
  const offset = Math.max(intParam(ctx.req.params, 'offset') ?? 0, 0);
  const limit = Math.min(Math.max(intParam(ctx.req.params, 'limit') ?? 100, 1), 100);
  const photo = ctx.store.profilePhoto(ctx.bot, userId);
  const photos = photo ? [photo] : [];
  return { total_count: photos.length, photos: photos.slice(offset, offset + limit) };
}

function getFile(ctx: TgMethodContext): unknown {
  const fileId = stringParam(ctx.req.params, 'file_id');
  if (!fileId) throw TgApiError.badRequest('file_id is empty');
  const file = ctx.store.files.get(fileId);
  if (!file || file.token !== ctx.bot.token) throw new TgApiError(400, TgErrors.invalidFileId);
  if (file.bytes.length > MAX_DOWNLOAD_BYTES) throw new TgApiError(400, TgErrors.fileTooBig);
  return { file_id: file.fileId, file_unique_id: file.uniqueId, file_size: file.bytes.length, file_path: file.path };
}

export const tgMethods: Readonly<Record<string, TgMethodHandler>> = {
  getme: getMe,
  setwebhook: setWebhook,
  deletewebhook: deleteWebhook,
  getwebhookinfo: getWebhookInfo,
  getupdates: getUpdates,
  getchat: getChat,
  getuserprofilephotos: getUserProfilePhotos,
  getfile: getFile,
};
