import { mapTgApiError, tgTransportFailure } from './telegram-api.errors';
import type { TgFile, TgMessage, TgPhotoSize, TgUser } from './telegram-update.types';

export const DEFAULT_TELEGRAM_API_URL = 'https://api.telegram.org';

export interface TelegramBotApiOptions {
  /** `TELEGRAM_API_URL`: methods are `<baseUrl>/bot<token>/<method>`, files `<baseUrl>/file/bot<token>/<path>`. */
  baseUrl: string;
  /** Timeout of one API call (default 10 s). */
  timeoutMs?: number;
  /** Timeout of an upload (default 60 s). */
  uploadTimeoutMs?: number;
}

export interface TgChatInfo {
  id: number;
  type: string;
  first_name?: string;
  last_name?: string;
  username?: string;
}

export interface TgUpload {
  bytes: Buffer;
  name: string;
  mime: string;
}

type Params = Record<string, string | number | boolean | readonly string[] | undefined>;

/**
 * Bot API client. The token is part of every URL (`/bot<token>/…`), so URLs are never logged, never put into
 * errors or details, and fetch's own errors (whose messages may name the URL) are never attached as causes.
 * One client serves every bot of the gateway: the token is passed per call. Pacing is the caller's (the kit's).
 */
export class TelegramBotApiClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly uploadTimeoutMs: number;

  constructor(options: TelegramBotApiOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.uploadTimeoutMs = options.uploadTimeoutMs ?? 60_000;
  }

  /** The download URL of a file (it holds the token: hand it to the kit's downloader only, never log it). */
  fileUrl(token: string, filePath: string): string {
    return `${this.baseUrl}/file/bot${token}/${filePath.split('/').map(encodeURIComponent).join('/')}`;
  }

  /** Calls one method with a JSON body; resolves with `result`, rejects with a ParleyError coded by `SendErrorCodes`. */
  call<T>(token: string, method: string, params: Params = {}): Promise<T> {
    const body: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(params)) if (v !== undefined) body[k] = v;
    return this.request<T>(token, method, { 'content-type': 'application/json' }, JSON.stringify(body), this.timeoutMs);
  }

  getMe(token: string): Promise<TgUser & { username?: string }> {
    return this.call(token, 'getMe');
  }

  setWebhook(token: string, webhook: { url: string; secretToken: string; allowedUpdates: readonly string[] }): Promise<boolean> {
    return this.call(token, 'setWebhook', { url: webhook.url, secret_token: webhook.secretToken, allowed_updates: webhook.allowedUpdates });
  }

  deleteWebhook(token: string): Promise<boolean> {
    return this.call(token, 'deleteWebhook');
  }

  getFile(token: string, fileId: string): Promise<TgFile> {
    return this.call(token, 'getFile', { file_id: fileId });
  }

  getChat(token: string, chatId: string): Promise<TgChatInfo> {
    return this.call(token, 'getChat', { chat_id: chatId });
  }

  getUserProfilePhotos(token: string, userId: string): Promise<{ total_count: number; photos: TgPhotoSize[][] }> {
    return this.call(token, 'getUserProfilePhotos', { user_id: Number(userId), limit: 1 });
  }

  sendMessage(token: string, chatId: string, text: string): Promise<TgMessage> {
    return this.call(token, 'sendMessage', { chat_id: chatId, text });
  }

  /** sendPhoto / sendDocument as a multipart upload of the bytes, with an optional caption (≤ 1,024 characters). */
  sendFile(token: string, kind: 'photo' | 'document', chatId: string, file: TgUpload, caption?: string): Promise<TgMessage> {
    const form = new FormData();
    form.append('chat_id', chatId);
    if (caption) form.append('caption', caption);
    form.append(kind, new Blob([file.bytes], { type: file.mime }), file.name);
    return this.request(token, kind === 'photo' ? 'sendPhoto' : 'sendDocument', {}, form, this.uploadTimeoutMs);
  }

  private async request<T>(token: string, method: string, headers: Record<string, string>, body: string | FormData, timeoutMs: number): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}/bot${token}/${method}`, { method: 'POST', headers, body, redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
    } catch (err: unknown) {
      throw tgTransportFailure(method, err instanceof Error && err.name === 'TimeoutError' ? 'timeout' : 'network error');
    }
    let parsed: unknown;
    try {
      parsed = await res.json();
    } catch {
      throw res.status >= 500 || res.status === 429 ? tgTransportFailure(method, `HTTP ${res.status}`) : mapTgApiError(method, res.status, 'not a Bot API answer');
    }
    const answer = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as {
      ok?: unknown;
      result?: unknown;
      error_code?: unknown;
      description?: unknown;
      parameters?: { retry_after?: unknown };
    };
    if (answer.ok === true && 'result' in answer) return answer.result as T;
    const code = typeof answer.error_code === 'number' ? answer.error_code : res.status;
    const retryAfter = typeof answer.parameters?.retry_after === 'number' ? answer.parameters.retry_after : undefined;
    throw mapTgApiError(method, code, typeof answer.description === 'string' ? answer.description : `HTTP ${res.status}`, retryAfter);
  }
}
