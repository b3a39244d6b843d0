/** Which Meta messaging product an account belongs to: a Facebook Page (Messenger) or an Instagram professional account. */
export type MetaPlatform = 'page' | 'instagram';

export interface MetaFakeOptions {
  /** Graph API version prefix the fake answers (default `v26.0`); any other version answers error 2635. */
  version?: string;
  /** The app every account is subscribed to, unless an account names its own. */
  appId?: string;
  appSecret?: string;
  /** The fake's clock in ms (windows and webhook timestamps); default Date.now. Tests move it with `setNow`. */
  now?: () => number;
  webhookRetry?: Partial<MetaWebhookRetryPolicy>;
}

export interface MetaAccountConfig {
  /** Page id or Instagram professional account id. */
  id: string;
  /** Page name, or the Instagram username. */
  name: string;
  /** The Page access token (Messenger) or the Instagram access token. */
  token: string;
  appId?: string;
  appSecret?: string;
  /** Where the app's webhook is (the gateway's `/webhooks/<type>/<channelId>`). */
  webhookUrl?: string;
  verifyToken?: string;
  /** The app has the HUMAN_AGENT permission for this account (default true). */
  humanAgent?: boolean;
}

export interface MetaUserConfig {
  /** PSID (Messenger) or IGSID (Instagram): scoped to one account. */
  id: string;
  firstName?: string;
  lastName?: string;
  /** Bytes of the profile picture the fake serves (default a 1×1 PNG). */
  picture?: Buffer;
  /** Send API answers 551 (person unavailable). */
  unavailable?: boolean;
}

export interface MetaWebhookRetryPolicy {
  maxRetries: number;
  delayMs: number;
  timeoutMs: number;
}

export type MetaAttachmentType = 'image' | 'video' | 'audio' | 'file' | 'share' | 'story_mention' | 'ig_reel' | 'reel' | 'fallback';

export interface CustomerAttachmentInput {
  type: MetaAttachmentType;
  bytes?: Buffer;
  mime?: string;
  /** A URL to point to instead of a file the fake serves (share links). */
  url?: string;
  title?: string;
}

/** One messaging event as Meta puts it in `entry[].messaging[]` / `standby[]`. */
export interface MetaMessagingEvent {
  sender: { id: string };
  recipient: { id: string };
  timestamp: number;
  message?: Record<string, unknown>;
  postback?: { mid: string; title: string; payload: string };
  read?: { watermark?: number; mid?: string };
  delivery?: { mids?: string[]; watermark: number };
  reaction?: { mid: string; action: 'react' | 'unreact'; emoji?: string; reaction?: string };
}

export interface MetaWebhookEntry {
  id: string;
  time: number;
  messaging?: MetaMessagingEvent[];
  standby?: MetaMessagingEvent[];
}

export interface MetaWriteAsCustomerInput {
  accountId: string;
  userId: string;
  text?: string;
  attachments?: CustomerAttachmentInput[];
  quickReplyPayload?: string;
  replyToMid?: string;
  /** Customer's message time in ms (default the fake's clock). */
  timestamp?: number;
  /** Put the event in `standby[]` (another app owns the thread). */
  standby?: boolean;
  /** false: only stored and returned (batch it with `sendEntries`). */
  deliver?: boolean;
}

export interface MetaWebhookAttempt {
  status?: number;
  body: string;
  error?: string;
  at: number;
}

export interface MetaWebhookDelivery {
  accountId: string;
  body: string;
  attempts: MetaWebhookAttempt[];
  delivered: boolean;
}

export interface MetaSentMessage {
  mid: string;
  accountId: string;
  recipientId: string;
  messagingType: string;
  tag?: string;
  text?: string;
  metadata?: string;
  attachment?: { type: string; bytes: Buffer; mime: string; filename?: string; via: 'url' | 'upload' };
  at: number;
  /** Sent through the Send API (not by a person in the inbox). */
  viaApi?: boolean;
}

export interface MetaApiCallRecord {
  method: 'GET' | 'POST' | 'DELETE';
  /** The path after the version (`/me/messages`). */
  path: string;
  /** The base used: `graph` (graph.facebook.com) or `instagram` (graph.instagram.com). */
  base: 'graph' | 'instagram';
  token?: string;
  params: Record<string, unknown>;
  at: number;
  /** HTTP status and body answered (filled in later). */
  status?: number;
  response?: unknown;
}

export type MetaFault =
  | { kind: 'error'; code: number; subcode?: number; status?: number; message?: string }
  | { kind: 'http'; status: number }
  | { kind: 'drop' };
