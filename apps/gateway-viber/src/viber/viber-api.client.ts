import { ParleyError, SendErrorCodes } from '@parley/contracts';
import { mapViberStatus, mapViberTransportFailure } from './viber-api.errors';
import { parseViberJson } from './viber-json';

export const DEFAULT_VIBER_API_URL = 'https://chatapi.viber.com/pa';

/** The event types Parley asks for (message, subscribed and unsubscribed always come). */
export const VIBER_WEBHOOK_EVENTS = ['delivered', 'seen', 'failed', 'subscribed', 'unsubscribed', 'conversation_started'] as const;

export interface ViberApiClientOptions {
  /** `VIBER_API_URL`: methods are `<baseUrl>/<method>`. */
  baseUrl: string;
  timeoutMs?: number;
}

export interface ViberAccount {
  id: string;
  name: string;
  uri: string;
  icon?: string;
}

export interface ViberUserDetails {
  id: string;
  name?: string;
  avatar?: string;
}

/** A send_message body without `receiver`, `sender` and `min_api_version` (the client adds them). */
export type ViberOutgoing =
  | { type: 'text'; text: string }
  | { type: 'picture'; media: string; text: string; thumbnail?: string }
  | { type: 'video'; media: string; size: number; thumbnail?: string }
  | { type: 'file'; media: string; size: number; file_name: string };

export interface ViberSendInput {
  receiver: string;
  senderName: string;
  senderAvatar?: string;
  message: ViberOutgoing;
  /** Echoed in the customer's answers' `message.tracking_data` (≤ 4000). */
  trackingData?: string;
}

/**
 * The Viber REST Bot API: every call a POST of JSON with `X-Viber-Auth-Token` (passed per call: one gateway serves
 * many bots); the answer's `status` decides, not only the HTTP code. Answers are parsed bigint-safe
 * (`message_token` comes back as a decimal string). The token never goes into errors or logs.
 */
export class ViberApiClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;

  constructor(options: ViberApiClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  async call(token: string, method: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-viber-auth-token': token },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
      });
    } catch (err: unknown) {
      throw mapViberTransportFailure(method, { networkCode: err instanceof Error ? err.name : 'network' });
    }
    const text = await res.text().catch(() => '');
    if (res.status !== 200) throw mapViberTransportFailure(method, { httpStatus: res.status });
    let answer: unknown;
    try {
      answer = parseViberJson(text);
    } catch {
      answer = undefined;
    }
    if (typeof answer !== 'object' || answer === null || typeof (answer as Record<string, unknown>)['status'] !== 'number') {
      throw new ParleyError(SendErrorCodes.MESSENGER_UNAVAILABLE, `Viber ${method} answered an unexpected body`, { retryable: true, details: { method } });
    }
    const o = answer as Record<string, unknown>;
    const status = o['status'] as number;
    if (status !== 0) throw mapViberStatus(status, typeof o['status_message'] === 'string' ? o['status_message'] : '', method);
    return o;
  }

  async getAccountInfo(token: string): Promise<ViberAccount> {
    const o = await this.call(token, 'get_account_info', {});
    const id = o['id'];
    const uri = o['uri'];
    if (typeof id !== 'string' || typeof uri !== 'string') {
      throw new ParleyError(SendErrorCodes.MESSENGER_REJECTED, 'Viber get_account_info answered no id or uri', { retryable: false, details: { method: 'get_account_info' } });
    }
    return {
      id,
      uri,
      name: typeof o['name'] === 'string' ? o['name'] : uri,
      ...(typeof o['icon'] === 'string' ? { icon: o['icon'] } : {}),
    };
  }

  /** set_webhook: Viber posts its `webhook` check to `url` before it answers. An empty url removes the webhook. */
  async setWebhook(token: string, url: string): Promise<void> {
    await this.call(token, 'set_webhook', url === '' ? { url } : { url, event_types: [...VIBER_WEBHOOK_EVENTS], send_name: true, send_photo: true });
  }

  /** send_message; resolves with the message_token (a decimal string: it is above 2^53). */
  async sendMessage(token: string, input: ViberSendInput): Promise<string> {
    const o = await this.call(token, 'send_message', {
      receiver: input.receiver,
      min_api_version: 1,
      sender: { name: input.senderName, ...(input.senderAvatar === undefined ? {} : { avatar: input.senderAvatar }) },
      ...(input.trackingData === undefined ? {} : { tracking_data: input.trackingData }),
      ...input.message,
    });
    const messageToken = o['message_token'];
    if (typeof messageToken === 'string' || typeof messageToken === 'number') return String(messageToken);
    throw new ParleyError(SendErrorCodes.MESSENGER_UNAVAILABLE, 'Viber send_message answered no message_token', { retryable: true, details: { method: 'send_message' } });
  }

  async getUserDetails(token: string, userId: string): Promise<ViberUserDetails | undefined> {
    const o = await this.call(token, 'get_user_details', { id: userId });
    const user = o['user'];
    if (typeof user !== 'object' || user === null) return undefined;
    const u = user as Record<string, unknown>;
    return {
      id: userId,
      ...(typeof u['name'] === 'string' ? { name: u['name'] } : {}),
      ...(typeof u['avatar'] === 'string' ? { avatar: u['avatar'] } : {}),
    };
  }
}
