/*
 * Shapes of the Viber fake: what a test configures, and the REST Bot API objects it serves
 * (messenger-protocols.md §2; creators.viber.com/docs/bots-api).
 */

/** A Viber bot (public account) the fake knows. */
export interface ViberFakeBotConfig {
  /** The bot's auth token (`X-Viber-Auth-Token`); it also keys the callback signatures. */
  authToken: string;
  /** Account id as get_account_info answers it (default `pa:<random digits>`). */
  id?: string;
  name?: string;
  /** The bot's URI (`viber://pa?chatURI=<uri>`). */
  uri?: string;
  /** Icon bytes served at the account's `icon` URL (default: a tiny PNG). */
  icon?: Buffer;
}

export interface ViberFakeUserConfig {
  /** Viber user id (base64-like, e.g. `01234567890A=`). */
  id: string;
  name?: string;
  /** Avatar bytes served at the user's `avatar` URL (default: a tiny PNG). */
  avatar?: Buffer;
  country?: string;
  language?: string;
  /** A user without a Viber account: send_message answers status 5. */
  registered?: boolean;
}

/** Callback retries: "Viber will retry the callback several times for an hour until the HTTP code 200". */
export interface ViberCallbackRetryPolicy {
  /** Pause between attempts in ms (default 20). */
  delayMs: number;
  /** Give up after this long since the first attempt (default one hour). */
  retryWindowMs: number;
  /** Timeout of one attempt in ms (default 5000). */
  timeoutMs: number;
}

export interface ViberFakeOptions {
  callbackRetry?: Partial<ViberCallbackRetryPolicy>;
  /** Messages to one user per hour without a reply from them before status 12 (default 100). */
  maxUnansweredPerHour?: number;
  /** get_user_details calls per user per 12 hours (default 2). */
  userDetailsPer12h?: number;
  /**
   * Base of the media, avatar and icon URLs the fake hands out (default: its own address). A proxy in front (the
   * messenger sandbox) sets its public base, so the gateway sees media on the same host as VIBER_API_URL.
   */
  mediaBaseUrl?: string;
  /** Send `delivered` right after each accepted send_message (default true). */
  autoDelivered?: boolean;
}

/** The `sender` / `user` object of callbacks. */
export interface ViberUser {
  id: string;
  name?: string;
  avatar?: string;
  country: string;
  language: string;
  api_version: number;
}

/** An incoming (customer → bot) message as callbacks carry it. */
export interface ViberInMessage {
  type: 'text' | 'picture' | 'video' | 'file' | 'sticker' | 'contact' | 'url' | 'location';
  text?: string;
  media?: string;
  thumbnail?: string;
  file_name?: string;
  size?: number;
  duration?: number;
  sticker_id?: number;
  contact?: { name: string; phone_number: string; avatar?: string };
  location?: { lat: number; lon: number; address?: string };
  tracking_data?: string;
}

/** What a test gives `writeAsCustomer`: media bytes are stored by the fake and served at the `media` URL. */
export type CustomerMessageInput =
  | { type: 'text'; text: string }
  | { type: 'picture'; bytes?: Buffer; mime?: string; fileName?: string; text?: string }
  | { type: 'video'; bytes: Buffer; fileName?: string; duration?: number }
  | { type: 'file'; bytes: Buffer; fileName: string; mime?: string }
  | { type: 'sticker'; stickerId: number; bytes?: Buffer }
  | { type: 'contact'; name: string; phoneNumber: string }
  | { type: 'location'; lat: number; lon: number; address?: string }
  | { type: 'url'; url: string };

export interface WriteAsCustomerInput {
  authToken: string;
  userId: string;
  message: CustomerMessageInput;
  /** The message_token to use (default: the next one, above 2^53). */
  messageToken?: bigint;
  trackingData?: string;
}

/** A message the bot sent (send_message accepted). */
export interface ViberSentMessage {
  messageToken: bigint;
  receiver: string;
  type: string;
  text?: string;
  senderName: string;
  senderAvatar?: string;
  trackingData?: string;
  media?: string;
  fileName?: string;
  size?: number;
  /** The bytes the fake downloaded from `media` (undefined when not a media message or the download failed). */
  mediaBytes?: Buffer;
  mediaMime?: string;
  /** The whole request body as sent. */
  body: Record<string, unknown>;
  at: number;
  state: 'sent' | 'delivered' | 'seen' | 'failed';
}

/** One HTTP attempt of a callback. */
export interface ViberCallbackAttempt {
  status?: number;
  body: string;
  error?: string;
  at: number;
}

export interface ViberCallbackDelivery {
  authToken: string;
  event: string;
  /** The exact bytes posted (message_token written as a JSON integer). */
  raw: string;
  signature: string;
  attempts: ViberCallbackAttempt[];
  /** true when an attempt was answered HTTP 200. */
  delivered: boolean;
}

/** One API call as the fake saw it. */
export interface ViberApiCallRecord {
  method: string;
  token: string | undefined;
  body: unknown;
  at: number;
  /** The JSON answered, or `{httpStatus}` / `{dropped}` for injected faults. */
  result: Record<string, unknown> | { httpStatus: number } | { dropped: true };
}

/** An injected fault for the next calls of a method (`*` = any method). */
export type ViberFault =
  | { kind: 'status'; status: number; message?: string }
  | { kind: 'http'; status: number }
  | { kind: 'delay'; ms: number }
  | { kind: 'drop' };
