import type {
  AttachmentKind,
  AttachmentRef,
  ChannelHealth,
  ChannelStatus,
  ChannelType,
  CustomerBlockedChannel,
  CustomerUnblockedChannel,
  ExternalReplyReceived,
  MessageDefinition,
  MessageReceived,
  SendReply,
} from '@parley/contracts';
import type { ChannelCapabilities } from './channel-capabilities';

/*
 * The contract a messenger implements to become a Parley channel. Everything else (webhook pipeline, registry,
 * encrypted credentials, de-duplication, media transfer, send idempotency, backfill loop, pacing, health, metrics,
 * lifecycle, migrations) is the kit's: see libs/channel-kit/README.md.
 *
 * Adapters are plain classes: no Nest, no Postgres, no NATS. They talk to their messenger and turn its payloads
 * into Parley facts; they throw `ParleyError`s with `SendErrorCodes` / `GatewayErrorCodes`.
 */

/** Settings as the gateway stores them: `settings` in clear (jsonb), `secrets` encrypted field by field. */
export interface StoredSettings<TSettings extends object, TSecrets extends object> {
  settings: TSettings;
  secrets: TSecrets;
}

/** A connected channel as an adapter sees it: secrets decrypted (held in memory only; never log them). */
export interface ChannelConnection<TSettings extends object = Record<string, unknown>, TSecrets extends object = Record<string, string>>
  extends StoredSettings<TSettings, TSecrets> {
  id: string;
  type: ChannelType;
  lineId: string;
  name: string;
  /** The messenger's id of the account (VK community id, Telegram bot id, Viber bot URI, page id). Unique per gateway. */
  externalId: string;
  status: ChannelStatus;
  health: ChannelHealth;
  /** `<PUBLIC_WEBHOOK_BASE_URL>/webhooks/<type>/<id>`. */
  webhookUrl: string;
}

/** An HTTP request to `/webhooks/<type>/:channelId`, body unparsed (signatures are over the raw bytes). */
export interface WebhookRequest {
  method: 'GET' | 'POST';
  /** Header names lower-case; a repeated header joined with `, `. */
  headers: Readonly<Record<string, string | undefined>>;
  query: Readonly<Record<string, string | undefined>>;
  /** The exact bytes the messenger sent (empty for GET). Parse bigint-safe where the messenger needs it (Viber). */
  rawBody: Buffer;
  receivedAt: Date;
}

/** An answer the adapter dictates: a handshake (Meta `hub.challenge`, VK confirmation string, Viber's `webhook` check). */
export interface WebhookAnswer {
  status: number;
  body: string;
  /** Default `text/plain`. */
  contentType?: string;
}

/**
 * What the adapter makes of a webhook request:
 * - `reject`: not the messenger, or not for this channel (bad signature or secret → 401/403, not parseable → 400).
 *   Nothing is stored or published.
 * - `respond`: a handshake or a check, answered as given; nothing is published.
 * - `accept`: verified; `items` are published (after de-duplication and media transfer), then `answer` (default
 *   `200 ok`) is sent, only after JetStream acknowledged every item. An empty `items` is a verified event Parley
 *   ignores (still answered, so the messenger does not retry it).
 * `eventType` labels metrics: keep it to the messenger's known event types (the body is untrusted).
 */
export type WebhookVerdict =
  | { kind: 'reject'; status: 400 | 401 | 403; reason: string; eventType: string }
  | ({ kind: 'respond'; outcome: string; eventType: string } & WebhookAnswer)
  | { kind: 'accept'; eventType: string; items: InboundItem[]; answer?: WebhookAnswer };

/** A file the kit copies into the attachment store before publishing the fact that refers to it. */
export interface MediaToFetch {
  /**
   * Where to download it (https, on one of the capability table's `mediaHosts` or the API host). Never logged:
   * some carry credentials (Telegram's file URLs contain the bot token). Or give `fileId` instead.
   */
  url?: string;
  /** A messenger file id the adapter's `resolveMedia` turns into a URL (Telegram `getFile`). */
  fileId?: string;
  name: string;
  /** `application/octet-stream` when unknown: the download's content type is used then. */
  mime: string;
  kind: AttachmentKind;
  /** Size in bytes when the messenger tells it: over the cap, the file is left out without downloading. */
  size?: number;
  /** For logs: where it came from (`photo42_457239017`); never a URL or a secret. */
  source: string;
}

type WithoutAttachments<T> = Omit<T, 'attachments'>;

/**
 * One inbound fact. `fact.dedupeKey` is its key forever (`<type>:<account>:msg:<id>`); `alsoKnownAs` lists other
 * keys of the same delivery (VK `event_id`, Telegram `update_id`) — if any key was seen, the item is a duplicate.
 * The envelope id is a UUID v5 of `fact.dedupeKey`, so every re-publish carries the same `Nats-Msg-Id`.
 */
export type InboundItem =
  | { kind: 'message-received'; fact: WithoutAttachments<MessageReceived>; media: MediaToFetch[]; alsoKnownAs?: string[] }
  | {
      kind: 'external-reply';
      fact: WithoutAttachments<ExternalReplyReceived>;
      media: MediaToFetch[];
      alsoKnownAs?: string[];
      /** The send key (see `sendKey`) this message would carry if it were the echo of Parley's own send: then it is dropped. */
      echoOfSendKey?: string;
      /**
       * The messenger's id of this message, for echoes that carry no send key (Instagram): when a send of this
       * account returned it (`SendOutcome.externalMessageId`), it is Parley's own echo and is dropped.
       */
      echoOfExternalId?: string;
    }
  | { kind: 'customer-blocked'; fact: CustomerBlockedChannel; alsoKnownAs?: string[] }
  | { kind: 'customer-unblocked'; fact: CustomerUnblockedChannel; alsoKnownAs?: string[] }
  /**
   * Any other inbound fact with its own definition in libs/contracts (an edit, a reaction, a receipt): build it
   * with `inboundEvent(definition, fact)`. With `media`, the copied files are set as the fact's `attachments`.
   */
  | { kind: 'event'; definition: MessageDefinition<InboundEventData>; fact: InboundEventData; media?: MediaToFetch[]; alsoKnownAs?: string[] };

/** What every inbound fact carries for the kit: its dedupe key (envelope id) and its time (envelope occurredAt). */
export interface InboundEventData {
  dedupeKey: string;
  sentAt: string;
}

/** An `event` item whose fact matches its definition (attachments, if the fact has them, come from `media`). */
export function inboundEvent<T extends InboundEventData>(
  definition: MessageDefinition<T>,
  fact: Omit<T, 'attachments'>,
  extra: { media?: MediaToFetch[]; alsoKnownAs?: string[] } = {},
): InboundItem {
  return { kind: 'event', definition, fact: fact as InboundEventData, ...extra };
}

/** What the kit lends an adapter while it sends. */
export interface SendTools {
  /** The idempotency key of this reply (from `sendKey`), recorded before `send` is called. */
  sendKey: string;
  /**
   * An earlier attempt of this send key started and did not complete (a crash or timeout between the messenger's
   * answer and the record is possible). Messengers that de-duplicate (VK `random_id`) need not care; others may
   * look before sending again.
   */
  attemptedBefore: boolean;
  /** The attachment's bytes from the attachment store (its size was checked against `attachmentsOut`). */
  read(ref: AttachmentRef): Promise<Buffer>;
  /**
   * Waits for a slot in the connection's budget (and the chat's, with `chat`); call the returned function when the
   * messenger answered. Use it around every API call of a send (a split text is several calls).
   */
  pace(options?: { chat?: string; priority?: number }): Promise<() => void>;
}

export interface SendOutcome {
  /** The messenger's id of the (last) message sent. */
  externalMessageId: string;
  sentAt?: Date;
}

export interface ProfileDraft {
  displayName: string;
  /** Copied into the attachment store by the kit (messenger URLs expire). */
  avatar?: MediaToFetch;
}

/** What `checkCredentials` learned: the account's id, and settings to keep (bot username, page name). */
export interface CredentialsCheck<TSettings extends object> {
  externalId: string;
  settings?: Partial<TSettings>;
}

export interface ChannelAdapter<TSettings extends object = Record<string, unknown>, TSecrets extends object = Record<string, string>> {
  readonly type: ChannelType;
  readonly capabilities: ChannelCapabilities;

  /**
   * Splits connect settings (already checked against `ChannelTypeCatalog[type]`) into what is stored in clear and
   * what is encrypted. May add generated secrets (Telegram's webhook `secret_token`). Pure.
   */
  prepareSettings(settings: Record<string, unknown>): StoredSettings<TSettings, TSecrets>;

  /**
   * Asks the messenger whether the credentials work (VK groups.getById, Telegram getMe, Viber get_account_info).
   * A non-retryable ParleyError becomes `CHANNEL_CHECK_FAILED` with its message; a retryable one stays retryable.
   */
  checkCredentials(draft: StoredSettings<TSettings, TSecrets>): Promise<CredentialsCheck<TSettings>>;

  /** Registers `connection.webhookUrl` with the messenger (Telegram setWebhook, Viber set_webhook), after the row exists. */
  registerWebhook?(connection: ChannelConnection<TSettings, TSecrets>): Promise<void>;
  /** Removes it when the channel is deleted (best effort: a failure is logged, the channel is deleted anyway). */
  unregisterWebhook?(connection: ChannelConnection<TSettings, TSecrets>): Promise<void>;

  /** A GET to the webhook URL (Meta's `hub.challenge`); without it GET answers 405. */
  handshake?(connection: ChannelConnection<TSettings, TSecrets>, request: WebhookRequest): WebhookVerdict;

  /** Verifies and normalises a POST (see WebhookVerdict). Synchronous work only: no API calls on the hot path. */
  receive(connection: ChannelConnection<TSettings, TSecrets>, request: WebhookRequest): WebhookVerdict;

  /** The reply's idempotency key (VK `random_id` from the reply id); default the reply id. */
  sendKey?(reply: SendReply): string;

  /** Sends text and attachments; the kit checked status, lengths, kinds and sizes and recorded the attempt. */
  send(connection: ChannelConnection<TSettings, TSecrets>, reply: SendReply, tools: SendTools): Promise<SendOutcome>;

  fetchProfile?(connection: ChannelConnection<TSettings, TSecrets>, externalUserId: string, pace: SendTools['pace']): Promise<ProfileDraft | undefined>;

  /** Customer messages since a time, oldest first (only when `capabilities.history`); the kit skips known keys. */
  history?(connection: ChannelConnection<TSettings, TSecrets>, since: Date, pace: SendTools['pace']): AsyncIterable<InboundItem>;

  /** Turns a `MediaToFetch.fileId` into a download URL (Telegram getFile). */
  resolveMedia?(connection: ChannelConnection<TSettings, TSecrets>, fileId: string): Promise<{ url: string; size?: number }>;

  /** A link customers open to start a chat with the account (Viber's deep link), shown in the channel view. */
  customerLink?(settings: Record<string, unknown>): string | undefined;

  /** Releases clients (keep-alive agents, timers) at shutdown. */
  close?(): void | Promise<void>;
}
