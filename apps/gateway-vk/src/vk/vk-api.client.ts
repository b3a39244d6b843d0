import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { ParleyError, SendErrorCodes } from '@parley/contracts';
import { budgetBusy, PacerWaitTimeout, TokenPacer } from '@parley/channel-kit';
import { mapVkApiError, mapVkTransportFailure } from './vk-api.errors';
import type { VkCommunity, VkConversationItem, VkList, VkSendMessage, VkUploadInput, VkUser } from './vk-api.types';
import type { VkMessage } from './vk-callback.types';

export const VK_API_VERSION = '5.199';
export const DEFAULT_VK_API_URL = 'https://api.vk.com/method';

export interface VkApiClientOptions {
  /** `VK_API_URL`: the API base, methods are `<baseUrl>/<method>`. */
  baseUrl: string;
  /** Timeout of one API call (default 10 s). */
  timeoutMs?: number;
  /** Timeout of an upload or download (default 60 s). */
  transferTimeoutMs?: number;
  /** API calls per second and token (VK allows 20 for a community token; default 20). */
  requestsPerSecond?: number;
  /** A call that cannot start within this many ms is refused (retryable RATE_LIMITED); default: no bound. */
  maxPacingWaitMs?: number;
  /** The first window after start counts as spent (a restarted gateway; default false). */
  coldStart?: boolean;
}

/** Reads `VK_API_URL` (default https://api.vk.com/method) and `VK_API_TIMEOUT_MS`; a bad value names the variable. */
export function vkApiOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): VkApiClientOptions {
  const baseUrl = (env['VK_API_URL'] ?? DEFAULT_VK_API_URL).replace(/\/+$/, '');
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch {
    throw new Error(`VK_API_URL is not a URL: ${JSON.stringify(baseUrl)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('VK_API_URL must be http(s)');
  const timeout = env['VK_API_TIMEOUT_MS'];
  if (timeout !== undefined && !/^\d+$/.test(timeout)) throw new Error('VK_API_TIMEOUT_MS must be a positive integer');
  return { baseUrl, ...(timeout === undefined ? {} : { timeoutMs: Number(timeout) }) };
}

type Params = Record<string, string | number | undefined>;

/** Methods on the way of a reply to a customer: they go before profile look-ups and backfill when a token is busy. */
const SENDING_METHODS = new Set(['messages.send', 'photos.getMessagesUploadServer', 'photos.saveMessagesPhoto', 'docs.getMessagesUploadServer', 'docs.save']);

/**
 * VK API client. The token is passed per call (one gateway serves many communities) in the `Authorization`
 * header, never in URLs, never in error messages or details, and raw axios errors (whose config holds the
 * header) are never attached as causes.
 */
export class VkApiClient {
  private readonly http: AxiosInstance;
  private readonly httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 64 });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 64 });
  private readonly baseUrl: string;
  private readonly transferTimeoutMs: number;
  private readonly maxPacingWaitMs: number | undefined;
  /** Every method shares a token's budget: users.get for new customers must not push messages.send over it. */
  private readonly pacer: TokenPacer;

  constructor(options: VkApiClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.transferTimeoutMs = options.transferTimeoutMs ?? 60_000;
    this.maxPacingWaitMs = options.maxPacingWaitMs;
    this.pacer = new TokenPacer(options.requestsPerSecond ?? 20, 1000, { coldStart: options.coldStart ?? false });
    this.http = axios.create({
      timeout: options.timeoutMs ?? 10_000,
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
      validateStatus: () => true,
      maxRedirects: 0,
    });
  }

  /** Closes the keep-alive connections. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  /**
   * Calls one method; resolves with `response`, rejects with a ParleyError coded by `SendErrorCodes`. `params` may
   * be a function: it is read once the call has its slot (a batch can keep filling while the call waits).
   */
  async call<T>(token: string, method: string, params: Params | (() => Params) = {}): Promise<T> {
    // A call that cannot start in time is abandoned: its caller (a fetch-profile request, a send) has given up and
    // retries, and it must not spend the token's budget later.
    const release = await this.pacer.acquire(token, SENDING_METHODS.has(method) ? 1 : 0, this.maxPacingWaitMs).catch((err: unknown) => {
      throw err instanceof PacerWaitTimeout ? budgetBusy(err, `VK ${method}`) : err;
    });
    let res: AxiosResponse<unknown>;
    try {
      const form = new URLSearchParams({ v: VK_API_VERSION });
      for (const [k, v] of Object.entries(typeof params === 'function' ? params() : params)) if (v !== undefined) form.set(k, String(v));
      res = await this.transport(method, () =>
        this.http.post<unknown>(`${this.baseUrl}/${method}`, form.toString(), {
          headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${token}` },
        }),
      );
    } finally {
      release();
    }
    const body = res.data;
    if (typeof body === 'object' && body !== null) {
      const error = (body as { error?: { error_code?: unknown; error_msg?: unknown } }).error;
      if (error && typeof error.error_code === 'number') {
        throw mapVkApiError(error.error_code, typeof error.error_msg === 'string' ? error.error_msg : '', method);
      }
      if ('response' in body) return (body as { response: T }).response;
    }
    throw new ParleyError(SendErrorCodes.MESSENGER_UNAVAILABLE, `VK ${method} answered an unexpected body`, { retryable: true, details: { method } });
  }

  /** The community the token belongs to (checks the token when a channel is connected). */
  async getCommunity(token: string): Promise<VkCommunity> {
    const res = await this.call<{ groups?: VkCommunity[] } | VkCommunity[]>(token, 'groups.getById', { fields: 'photo_200' });
    // 5.199 answers {groups, profiles}; versions before 5.194 answered a bare array.
    const group = Array.isArray(res) ? res[0] : res.groups?.[0];
    if (!group) throw new ParleyError(SendErrorCodes.CHANNEL_AUTH_FAILED, 'VK groups.getById returned no community', { details: { method: 'groups.getById' } });
    return group;
  }

  /** messages.send; resolves with the VK message id (the same id again for a repeated random_id). */
  async sendMessage(token: string, message: VkSendMessage): Promise<number> {
    return this.call<number>(token, 'messages.send', {
      peer_id: message.peerId,
      random_id: message.randomId,
      message: message.text || undefined,
      attachment: message.attachments?.length ? message.attachments.join(',') : undefined,
      reply_to: message.replyTo,
    });
  }

  /** users.get, in batches of 1000. */
  async getUsers(token: string, userIds: number[], fields: string[] = ['photo_200']): Promise<VkUser[]> {
    const out: VkUser[] = [];
    for (let i = 0; i < userIds.length; i += 1000) {
      const batch = userIds.slice(i, i + 1000);
      out.push(...(await this.call<VkUser[]>(token, 'users.get', { user_ids: batch.join(','), fields: fields.join(',') })));
    }
    return out;
  }

  /** Photo upload flow; resolves with the `attachment` value `photo<owner>_<id>_<access_key>`. */
  async uploadPhoto(token: string, input: VkUploadInput): Promise<string> {
    const server = await this.call<{ upload_url: string }>(token, 'photos.getMessagesUploadServer', { peer_id: input.peerId });
    const uploaded = await this.upload<{ server?: number; photo?: string; hash?: string; error?: unknown }>('photos.upload', server.upload_url, 'photo', input);
    if (uploaded.photo === undefined || uploaded.photo === '[]' || uploaded.server === undefined || uploaded.hash === undefined) {
      throw new ParleyError(SendErrorCodes.MESSENGER_REJECTED, 'VK refused the photo upload', { details: { method: 'photos.upload', name: input.name } });
    }
    const saved = await this.call<{ id: number; owner_id: number; access_key?: string }[]>(token, 'photos.saveMessagesPhoto', {
      photo: uploaded.photo,
      server: uploaded.server,
      hash: uploaded.hash,
    });
    const photo = saved[0];
    if (!photo) throw new ParleyError(SendErrorCodes.MESSENGER_REJECTED, 'VK saved no photo', { details: { method: 'photos.saveMessagesPhoto' } });
    return `photo${photo.owner_id}_${photo.id}${photo.access_key ? `_${photo.access_key}` : ''}`;
  }

  /** Document upload flow; resolves with the `attachment` value `doc<owner>_<id>`. */
  async uploadDoc(token: string, input: VkUploadInput & { title?: string }): Promise<string> {
    const server = await this.call<{ upload_url: string }>(token, 'docs.getMessagesUploadServer', { type: 'doc', peer_id: input.peerId });
    const uploaded = await this.upload<{ file?: string; error?: unknown; error_descr?: unknown }>('docs.upload', server.upload_url, 'file', input);
    if (typeof uploaded.file !== 'string') {
      throw new ParleyError(SendErrorCodes.MESSENGER_REJECTED, 'VK refused the document upload', {
        details: { method: 'docs.upload', name: input.name, vkError: String(uploaded.error ?? '') },
      });
    }
    const saved = await this.call<{ type: string; doc?: { id: number; owner_id: number; access_key?: string } }>(token, 'docs.save', {
      file: uploaded.file,
      title: input.title ?? input.name,
    });
    if (!saved.doc) throw new ParleyError(SendErrorCodes.MESSENGER_REJECTED, 'VK saved no document', { details: { method: 'docs.save' } });
    return `doc${saved.doc.owner_id}_${saved.doc.id}${saved.doc.access_key ? `_${saved.doc.access_key}` : ''}`;
  }

  getConversations(token: string, q: { groupId?: number; filter?: 'all' | 'unread' | 'unanswered' | 'important'; count?: number; offset?: number }): Promise<VkList<VkConversationItem>> {
    return this.call(token, 'messages.getConversations', { group_id: q.groupId, filter: q.filter ?? 'all', count: q.count ?? 200, offset: q.offset ?? 0 });
  }

  getHistory(token: string, q: { peerId: number; groupId?: number; count?: number; offset?: number; startMessageId?: number; rev?: 0 | 1 }): Promise<VkList<VkMessage>> {
    return this.call(token, 'messages.getHistory', {
      peer_id: q.peerId,
      group_id: q.groupId,
      count: q.count ?? 200,
      offset: q.offset ?? 0,
      start_message_id: q.startMessageId,
      rev: q.rev,
    });
  }

  /**
   * Messages of the community's conversations dated at or after `since`, both directions, oldest first (by date,
   * then id). Conversations come newest-activity first, so paging stops at the first one last active before
   * `since`; each history is read newest first until it goes past `since`. Callers keep `out === 0` messages for
   * MessageReceived (their dedupe keys equal the live ones, so overlap with webhooks is harmless).
   */
  async messagesSince(token: string, q: { groupId: number; since: Date; pageSize?: number }): Promise<VkMessage[]> {
    const sinceUnix = Math.floor(q.since.getTime() / 1000);
    const pageSize = Math.min(q.pageSize ?? 200, 200);
    const peers: number[] = [];
    for (let offset = 0; ; offset += pageSize) {
      const page = await this.getConversations(token, { groupId: q.groupId, filter: 'all', count: pageSize, offset });
      let older = false;
      for (const item of page.items) {
        if ((item.last_message?.date ?? 0) < sinceUnix) {
          older = true;
          break;
        }
        peers.push(item.conversation.peer.id);
      }
      if (older || page.items.length < pageSize || offset + pageSize >= page.count) break;
    }
    const out: VkMessage[] = [];
    for (const peerId of peers) {
      for (let offset = 0; ; offset += pageSize) {
        const page = await this.getHistory(token, { peerId, groupId: q.groupId, count: pageSize, offset, rev: 0 });
        const recent = page.items.filter((m) => m.date >= sinceUnix);
        out.push(...recent);
        if (recent.length < page.items.length || page.items.length < pageSize || offset + pageSize >= page.count) break;
      }
    }
    return out.sort((a, b) => a.date - b.date || a.id - b.id);
  }

  /** Downloads a media URL VK gave (photo size, doc url, avatar); refuses more than `maxBytes`. */
  async download(url: string, maxBytes: number): Promise<{ bytes: Buffer; mime: string | undefined }> {
    const res = await this.transport('download', () =>
      this.http.get<ArrayBuffer>(url, { responseType: 'arraybuffer', timeout: this.transferTimeoutMs, maxContentLength: maxBytes, maxRedirects: 5 }),
    );
    const type = res.headers['content-type'];
    return { bytes: Buffer.from(res.data), mime: typeof type === 'string' ? type.split(';')[0]?.trim() : undefined };
  }

  /** POSTs one file to an upload URL (VK's upload hosts take no token). */
  private async upload<T>(label: string, uploadUrl: string, field: string, input: VkUploadInput): Promise<T> {
    const form = new FormData();
    form.append(field, new Blob([input.bytes], { type: input.mime }), input.name);
    const res = await this.transport(label, () => this.http.post<unknown>(uploadUrl, form, { timeout: this.transferTimeoutMs }));
    if (typeof res.data !== 'object' || res.data === null) {
      throw new ParleyError(SendErrorCodes.MESSENGER_UNAVAILABLE, `VK ${label} answered an unexpected body`, { retryable: true, details: { method: label } });
    }
    return res.data as T;
  }

  /** Runs a request; maps network failures and non-200 statuses without leaking the request config. */
  private async transport<T>(method: string, run: () => Promise<AxiosResponse<T>>): Promise<AxiosResponse<T>> {
    let res: AxiosResponse<T>;
    try {
      res = await run();
    } catch (err) {
      const networkCode = axios.isAxiosError(err) ? (err.code ?? 'ERR_NETWORK') : 'ERR_UNKNOWN';
      if (axios.isAxiosError(err) && err.code === 'ERR_BAD_RESPONSE' && /maxContentLength/.test(err.message)) {
        throw new ParleyError(SendErrorCodes.MESSAGE_TOO_LONG, `VK ${method}: file over the size limit`, { details: { method } });
      }
      throw mapVkTransportFailure(method, { networkCode });
    }
    if (res.status !== 200) throw mapVkTransportFailure(method, { httpStatus: res.status });
    return res;
  }
}
