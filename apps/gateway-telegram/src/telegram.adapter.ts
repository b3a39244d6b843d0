import { randomBytes, timingSafeEqual } from 'node:crypto';
import type {
  ChannelAdapter,
  ChannelConnection,
  CredentialsCheck,
  ProfileDraft,
  SendOutcome,
  SendTools,
  StoredSettings,
  WebhookRequest,
  WebhookVerdict,
} from '@parley/channel-kit';
import { GatewayErrorCodes, ParleyError, SendErrorCodes, type AttachmentRef, type SendReply } from '@parley/contracts';
import {
  largestPhoto,
  normalizeTgUpdate,
  parseTgUpdate,
  splitTelegramText,
  TELEGRAM_CAPABILITIES,
  TelegramBotApiClient,
  TG_ALLOWED_UPDATES,
  TG_MAX_CAPTION,
  TG_MAX_PHOTO_BYTES,
  TG_MAX_TEXT,
  TG_PHOTO_MIMES,
  tgUpdateType,
  TgUpdateValidationError,
  type TgUpdate,
} from './telegram';

/** Stored in clear: the bot's id and username (from getMe). */
export interface TelegramSettings {
  botId: string;
  username?: string;
}

/** Stored encrypted: the bot token and the webhook's `secret_token` (generated at connect). */
export interface TelegramSecrets {
  botToken: string;
  webhookSecret: string;
}

type TelegramConnection = ChannelConnection<TelegramSettings, TelegramSecrets>;

/** One Telegram message of a reply: a text part, or a file with an optional caption. */
type Part = { text: string } | { file: AttachmentRef; caption?: string };

/** Replies whose parts were partly sent when a call failed (send key → parts done): a retry sends only the rest. */
const MAX_PROGRESS_ENTRIES = 10_000;

/**
 * Telegram bots on the channel kit: getMe at connect, setWebhook with a random `secret_token` (checked on every
 * update in constant time), updates normalised by telegram/telegram-update.normalizer.ts, sendMessage split at
 * 4,096 characters, sendPhoto/sendDocument uploads with the text as caption where it fits, getChat +
 * getUserProfilePhotos profiles, getFile for media. The Bot API has no send idempotency: a reply cut short by a
 * failure resumes after its last sent part when retried on this replica.
 */
export class TelegramAdapter implements ChannelAdapter<TelegramSettings, TelegramSecrets> {
  readonly type = 'telegram' as const;
  readonly capabilities = TELEGRAM_CAPABILITIES;
  private readonly progress = new Map<string, { done: number; lastMessageId: string }>();

  constructor(private readonly api: TelegramBotApiClient) {}

  prepareSettings(raw: Record<string, unknown>): StoredSettings<TelegramSettings, TelegramSecrets> {
    const botToken = String(raw['botToken']);
    return {
      settings: { botId: botToken.split(':')[0] ?? '' },
      // 32 random bytes, base64url: within secret_token's 1–256 characters of A-Z a-z 0-9 _ -.
      secrets: { botToken, webhookSecret: randomBytes(32).toString('base64url') },
    };
  }

  /** getMe: the token must work and belong to the bot its prefix names. */
  async checkCredentials({ settings, secrets }: StoredSettings<TelegramSettings, TelegramSecrets>): Promise<CredentialsCheck<TelegramSettings>> {
    const me = await this.api.getMe(secrets.botToken);
    if (!me.is_bot || String(me.id) !== settings.botId) {
      throw new ParleyError(GatewayErrorCodes.CHANNEL_CHECK_FAILED, `the token belongs to ${me.is_bot ? `bot ${me.id}` : 'a user'}, not bot ${settings.botId}`, {
        retryable: false,
        details: { botId: settings.botId },
      });
    }
    return { externalId: String(me.id), settings: me.username ? { username: me.username } : {} };
  }

  async registerWebhook(connection: TelegramConnection): Promise<void> {
    await this.api.setWebhook(connection.secrets.botToken, {
      url: connection.webhookUrl,
      secretToken: connection.secrets.webhookSecret,
      allowedUpdates: TG_ALLOWED_UPDATES,
    });
  }

  async unregisterWebhook(connection: TelegramConnection): Promise<void> {
    await this.api.deleteWebhook(connection.secrets.botToken);
  }

  receive(connection: TelegramConnection, request: WebhookRequest): WebhookVerdict {
    if (!secretMatches(request.headers['x-telegram-bot-api-secret-token'], connection.secrets.webhookSecret)) {
      return { kind: 'reject', status: 401, reason: 'wrong or missing X-Telegram-Bot-Api-Secret-Token', eventType: 'unknown' };
    }
    let update: TgUpdate;
    try {
      update = parseTgUpdate(JSON.parse(request.rawBody.toString('utf8')) as unknown);
    } catch (err: unknown) {
      const problem = err instanceof TgUpdateValidationError ? err.message : 'not JSON';
      return { kind: 'reject', status: 400, reason: `not a Telegram update: ${problem}`, eventType: 'unknown' };
    }
    const items = normalizeTgUpdate(update, { channelId: connection.id, lineId: connection.lineId, botId: connection.externalId });
    return { kind: 'accept', eventType: tgUpdateType(update), items };
  }

  async send(connection: TelegramConnection, reply: SendReply, tools: SendTools): Promise<SendOutcome> {
    const token = connection.secrets.botToken;
    const chat = reply.externalChatId;
    const parts = replyParts(reply);
    const resumed = this.progress.get(tools.sendKey);
    let lastMessageId = resumed?.lastMessageId ?? '';
    for (let i = resumed?.done ?? 0; i < parts.length; i++) {
      const part = parts[i] as Part;
      const release = await tools.pace({ chat });
      try {
        const sent = 'text' in part
          ? await this.api.sendMessage(token, chat, part.text)
          : await this.api.sendFile(token, asPhoto(part.file) ? 'photo' : 'document', chat, { bytes: await tools.read(part.file), name: part.file.name, mime: part.file.mime }, part.caption);
        lastMessageId = String(sent.message_id);
      } catch (err: unknown) {
        if (i > 0) this.remember(tools.sendKey, i, lastMessageId);
        throw err;
      } finally {
        release();
      }
    }
    this.progress.delete(tools.sendKey);
    return { externalMessageId: lastMessageId };
  }

  /** getChat for the name (first, last, @username), getUserProfilePhotos for the avatar (largest size, via getFile). */
  async fetchProfile(connection: TelegramConnection, externalUserId: string, pace: SendTools['pace']): Promise<ProfileDraft | undefined> {
    if (!/^[1-9][0-9]{0,19}$/.test(externalUserId)) return undefined;
    const token = connection.secrets.botToken;
    const chat = await paced(pace, () => this.api.getChat(token, externalUserId));
    const name = [chat.first_name, chat.last_name].filter(Boolean).join(' ').trim();
    const displayName = [name || `Telegram user ${externalUserId}`, chat.username ? `(@${chat.username})` : ''].filter(Boolean).join(' ');
    const photos = await paced(pace, () => this.api.getUserProfilePhotos(token, externalUserId));
    const best = photos.photos[0] && largestPhoto(photos.photos[0]);
    if (!best) return { displayName };
    return {
      displayName,
      avatar: { fileId: best.file_id, name: `telegram-avatar-${externalUserId}.jpg`, mime: 'image/jpeg', kind: 'image', ...(best.file_size ? { size: best.file_size } : {}), source: `avatar:${externalUserId}` },
    };
  }

  /** getFile → the download URL (holds the token: only the kit's downloader sees it). */
  async resolveMedia(connection: TelegramConnection, fileId: string): Promise<{ url: string; size?: number }> {
    const file = await this.api.getFile(connection.secrets.botToken, fileId);
    if (!file.file_path) {
      throw new ParleyError(SendErrorCodes.MESSENGER_REJECTED, 'Telegram getFile gave no file_path (file over 20 MB?)', { retryable: false, details: { method: 'getFile' } });
    }
    return { url: this.api.fileUrl(connection.secrets.botToken, file.file_path), ...(file.file_size === undefined ? {} : { size: file.file_size }) };
  }

  private remember(sendKey: string, done: number, lastMessageId: string): void {
    if (this.progress.size >= MAX_PROGRESS_ENTRIES) this.progress.delete(this.progress.keys().next().value as string);
    this.progress.set(sendKey, { done, lastMessageId });
  }
}

/** Text as caption of the first file when it fits; otherwise text parts (split at 4,096) first, then the files. */
export function replyParts(reply: SendReply): Part[] {
  const files: Part[] = reply.attachments.map((file) => ({ file }));
  const text = reply.text.trim() === '' ? '' : reply.text;
  if (text !== '' && files.length > 0 && text.length <= TG_MAX_CAPTION) return [{ file: reply.attachments[0] as AttachmentRef, caption: text }, ...files.slice(1)];
  return [...(text === '' ? [] : splitTelegramText(text, TG_MAX_TEXT).map((t) => ({ text: t }))), ...files];
}

function asPhoto(ref: AttachmentRef): boolean {
  return ref.kind === 'image' && TG_PHOTO_MIMES.includes(ref.mime) && ref.size <= TG_MAX_PHOTO_BYTES;
}

async function paced<T>(pace: SendTools['pace'], call: () => Promise<T>): Promise<T> {
  const release = await pace();
  try {
    return await call();
  } finally {
    release();
  }
}

function secretMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined || expected === '') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
