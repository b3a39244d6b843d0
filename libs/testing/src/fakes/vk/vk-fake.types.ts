/*
 * Shapes of the VK fake: what a test configures, and the VK API v5.199 objects the fake serves.
 * Object shapes follow docs/reference (messenger-protocols.md §1) and VK's official JSON schema (vk-api-schema).
 */

/** A VK community (group) the fake knows. */
export interface VkFakeCommunityConfig {
  /** Community id (positive; VK writes it negated as an owner/peer id). */
  id: number;
  name?: string;
  screenName?: string;
  /** The community access token(s) the API accepts for this community. */
  token: string;
  /** Callback API server URL; callbacks are only sent when it is set. */
  callbackUrl?: string;
  /** `secret` sent in every callback (omitted when undefined). */
  secret?: string;
  /** The string the server must answer to `{type:"confirmation"}`. */
  confirmation?: string;
  /** Emit `message_reply` callbacks for messages sent through `messages.send`, as VK does (default true). */
  echoReplies?: boolean;
}

export interface VkFakeUserConfig {
  id: number;
  firstName?: string;
  lastName?: string;
  /** Avatar bytes served at the user's `photo_200` URL (default: a tiny PNG). */
  avatar?: Buffer;
}

/** Retry policy of the callback sender (VK's own is undocumented: keep it configurable). */
export interface VkCallbackRetryPolicy {
  /** Deliveries after the first one when the answer is not exactly `ok` (default 3). */
  maxRetries: number;
  /** Pause before each retry, in ms (default 20). */
  delayMs: number;
  /** Cap on a `Retry-After` the server asks for on 410/429/503, in ms (default 1000). */
  maxRetryAfterMs: number;
  /** Timeout of one delivery, in ms (default 5000). */
  timeoutMs: number;
}

export interface VkFakeOptions {
  /** Retry policy of callbacks (partial: the rest are defaults). */
  callbackRetry?: Partial<VkCallbackRetryPolicy>;
  /** Start with the per-token rate limiter on (see `VkFake.setRateLimit`). */
  rateLimit?: VkRateLimitOptions;
}

export interface VkRateLimitOptions {
  /** Requests per token in any 1-second window (VK community tokens: 20). */
  perSecond: number;
  /** true: answer error 6 to requests over the limit; false: only count the violations. Default true. */
  enforce?: boolean;
}

export interface VkPhotoSize {
  type: string;
  url: string;
  width: number;
  height: number;
}

export interface VkPhoto {
  id: number;
  owner_id: number;
  album_id: number;
  date: number;
  access_key: string;
  sizes: VkPhotoSize[];
  text: string;
}

export interface VkDoc {
  id: number;
  owner_id: number;
  title: string;
  size: number;
  ext: string;
  url: string;
  date: number;
  /** 1 text, 2 archive, 3 gif, 4 image, 5 audio, 6 video, 7 e-book, 8 unknown. */
  type: number;
  access_key?: string;
}

export type VkAttachment =
  | { type: 'photo'; photo: VkPhoto }
  | { type: 'doc'; doc: VkDoc }
  | { type: string; [key: string]: unknown };

/** A VK message object (`messages_message`), as callbacks and `messages.getHistory` carry it. */
export interface VkMessage {
  id: number;
  date: number;
  peer_id: number;
  from_id: number;
  text: string;
  out: 0 | 1;
  conversation_message_id: number;
  version: number;
  random_id: number;
  attachments: VkAttachment[];
  fwd_messages: VkMessage[];
  important: boolean;
  is_hidden: boolean;
  /** Set on messages a community admin wrote inside VK. */
  admin_author_id?: number;
}

/** What the test attaches to a customer message: the fake stores the bytes and serves them. */
export type VkCustomerAttachmentInput =
  | { type: 'photo'; bytes?: Buffer; mime?: string; width?: number; height?: number }
  | { type: 'doc'; bytes: Buffer; title: string; ext?: string; mime?: string };

export interface WriteAsCustomerInput {
  groupId: number;
  userId: number;
  text: string;
  attachments?: VkCustomerAttachmentInput[];
  /** Unix seconds (default now). */
  date?: number;
  /** false: store the message (visible to getConversations/getHistory) without sending the callback. Default true. */
  deliver?: boolean;
}

export interface ReplyFromCommunityInput {
  groupId: number;
  userId: number;
  text: string;
  /** The admin who wrote it inside VK (default 1). */
  adminId?: number;
  deliver?: boolean;
}

/** One HTTP delivery attempt of a callback. */
export interface VkCallbackAttempt {
  /** 0 for the first delivery; the `X-Retry-Counter` header value on retries. */
  retryCounter: number;
  /** HTTP status, or undefined when the request failed (connection refused, timeout). */
  status?: number;
  body: string;
  error?: string;
  at: number;
}

export interface VkCallbackDelivery {
  groupId: number;
  eventId: string | undefined;
  type: string;
  body: unknown;
  attempts: VkCallbackAttempt[];
  /** true when an attempt was answered HTTP 200 with the exact body `ok`. */
  delivered: boolean;
}

/** One API call as the fake saw it. */
export interface VkApiCallRecord {
  method: string;
  /** Request parameters without `access_token`. */
  params: Record<string, string>;
  token: string | undefined;
  at: number;
  /** The JSON answered (`{response}` or `{error}`), or `{httpStatus}` for injected 5xx/dropped connections. */
  result: { response: unknown } | { error: VkErrorBody } | { httpStatus: number } | { dropped: true };
}

export interface VkErrorBody {
  error_code: number;
  error_msg: string;
  request_params: { key: string; value: string }[];
  [extra: string]: unknown;
}

/** An injected fault for the next calls of a method (`*` = any method). */
export type VkFault =
  | { kind: 'error'; errorCode: number; errorMsg?: string }
  | { kind: 'http'; status: number }
  | { kind: 'delay'; ms: number }
  | { kind: 'drop' };
