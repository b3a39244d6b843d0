/*
 * Shapes of the Telegram fake: what a test configures, and the Bot API objects the fake serves (Update, Message,
 * User, Chat, PhotoSize, Document…). Fields follow messenger-protocols.md §4 and core.telegram.org/bots/api; only the
 * fields a gateway reads are modelled, with the real names.
 */

/** A bot the fake knows. The bot id is the token's numeric prefix (`123456:AA…`), as in Telegram. */
export interface TgFakeBotConfig {
  token: string;
  username: string;
  firstName?: string;
}

/** A Telegram user who can write to the bots. The private chat id equals the user id. */
export interface TgFakeCustomerConfig {
  id: number;
  firstName: string;
  lastName?: string;
  username?: string;
  languageCode?: string;
  /** Profile photo bytes (getUserProfilePhotos, getChat photo); undefined = no profile photo. */
  photo?: Buffer;
}

export interface TgUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export interface TgChat {
  id: number;
  type: 'private';
  first_name?: string;
  last_name?: string;
  username?: string;
}

export interface TgPhotoSize {
  file_id: string;
  file_unique_id: string;
  width: number;
  height: number;
  file_size: number;
}

export interface TgDocument {
  file_id: string;
  file_unique_id: string;
  file_name?: string;
  mime_type?: string;
  file_size: number;
}

export interface TgVoice extends Omit<TgDocument, 'file_name'> {
  duration: number;
}

export interface TgAudio extends TgDocument {
  duration: number;
  performer?: string;
  title?: string;
}

export interface TgVideo extends TgDocument {
  width: number;
  height: number;
  duration: number;
}

export interface TgSticker {
  file_id: string;
  file_unique_id: string;
  type: 'regular';
  width: number;
  height: number;
  is_animated: boolean;
  is_video: boolean;
  emoji?: string;
  file_size: number;
}

export interface TgLocation {
  latitude: number;
  longitude: number;
}

export interface TgContact {
  phone_number: string;
  first_name: string;
  last_name?: string;
  user_id?: number;
}

/** A Bot API Message (private chats only). */
export interface TgMessage {
  message_id: number;
  date: number;
  from: TgUser;
  chat: TgChat;
  edit_date?: number;
  reply_to_message?: TgMessage;
  text?: string;
  caption?: string;
  photo?: TgPhotoSize[];
  document?: TgDocument;
  voice?: TgVoice;
  audio?: TgAudio;
  video?: TgVideo;
  sticker?: TgSticker;
  location?: TgLocation;
  contact?: TgContact;
}

export interface TgChatMember {
  user: TgUser;
  status: 'member' | 'kicked';
  until_date?: number;
}

export interface TgChatMemberUpdated {
  chat: TgChat;
  from: TgUser;
  date: number;
  old_chat_member: TgChatMember;
  new_chat_member: TgChatMember;
}

/** A Bot API Update: exactly one of the optional fields is set. */
export interface TgUpdate {
  update_id: number;
  message?: TgMessage;
  edited_message?: TgMessage;
  my_chat_member?: TgChatMemberUpdated;
}

/** What a customer sends: text and/or one kind of content (a caption goes with media). */
export type TgCustomerContent =
  | { text: string }
  | { photo: { bytes: Buffer; width?: number; height?: number; mime?: string }; caption?: string }
  | { document: { bytes: Buffer; fileName: string; mime?: string }; caption?: string }
  | { voice: { bytes: Buffer; duration?: number; mime?: string }; caption?: string }
  | { audio: { bytes: Buffer; fileName?: string; duration?: number; performer?: string; title?: string; mime?: string }; caption?: string }
  | { video: { bytes: Buffer; fileName?: string; width?: number; height?: number; duration?: number; mime?: string }; caption?: string }
  | { sticker: { bytes?: Buffer; emoji?: string; width?: number; height?: number } }
  | { location: TgLocation }
  | { contact: { phoneNumber: string; firstName: string; lastName?: string; userId?: number } };

export type TgCustomerSendInput = TgCustomerContent & {
  /** The bot's token or username. */
  bot: string;
  customerId: number;
  replyToMessageId?: number;
  /** Unix seconds (default now). */
  date?: number;
  /** false: resolve once the update is queued, without waiting for the webhook delivery. Default true. */
  wait?: boolean;
};

/** Webhook delivery policy (Telegram's own is "a reasonable amount of attempts": keep it configurable). */
export interface TgWebhookRetryPolicy {
  /** Attempts per update before the fake gives it up (drops it, like Telegram eventually does). Infinity = never. */
  maxAttempts: number;
  /** First pause after a failed attempt, in ms; doubled after each failure up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Timeout of one POST, in ms. */
  timeoutMs: number;
}

export interface TgRateLimitOptions {
  /** Sends per bot in any 1-second window (Telegram: ~30). */
  perBotPerSecond?: number;
  /** Sends per chat in any 1-second window (Telegram: ~1). */
  perChatPerSecond?: number;
  /** true (default): answer 429 with retry_after; false: only count the violations. */
  enforce?: boolean;
  /** Window length in ms (default 1000; a test may widen it so that its assertions do not depend on speed). */
  windowMs?: number;
}

export interface TgFakeOptions {
  webhookRetry?: Partial<TgWebhookRetryPolicy>;
  rateLimit?: TgRateLimitOptions;
  /** Refuse non-HTTPS webhook URLs as Telegram does (default false: tests run plain HTTP on 127.0.0.1). */
  requireHttpsWebhook?: boolean;
}

/** One POST of an update to the webhook. */
export interface TgWebhookAttempt {
  status?: number;
  body: string;
  error?: string;
  at: number;
}

/** An update and what became of it. */
export interface TgUpdateRecord {
  token: string;
  update: TgUpdate;
  type: 'message' | 'edited_message' | 'my_chat_member';
  /** queued: waiting (no webhook, outage, or behind another update); delivered: a 2xx came back; failed: given up;
   * dropped: lost in an outage or by drop_pending_updates; filtered: not in allowed_updates; fetched: by getUpdates. */
  status: 'queued' | 'delivered' | 'failed' | 'dropped' | 'filtered' | 'fetched';
  attempts: TgWebhookAttempt[];
}

/** A file the bot sent (uploaded bytes, a re-used file_id, or a URL the fake downloaded). */
export interface TgSentFile {
  kind: 'photo' | 'document';
  bytes: Buffer;
  fileName?: string;
  mime: string;
  fileId: string;
}

/** A message the bot sent through the API, with the bytes of its file. */
export interface TgBotSentMessage {
  token: string;
  method: string;
  message: TgMessage;
  text?: string;
  caption?: string;
  file?: TgSentFile;
}

/** One API call as the fake saw it (files as their sizes, not their bytes). */
export interface TgApiCallRecord {
  method: string;
  token: string;
  httpMethod: string;
  params: Record<string, unknown>;
  files: Record<string, { fileName?: string; size: number; mime?: string }>;
  at: number;
  /** HTTP status answered (0 when the connection was dropped) and the body. */
  status: number;
  response: unknown;
}

/** An injected fault for the next calls of a method (`*` = any method). */
export type TgFault =
  | { kind: 'error'; errorCode: number; description?: string; retryAfter?: number }
  | { kind: 'http'; status: number }
  | { kind: 'delay'; ms: number }
  | { kind: 'drop' };
