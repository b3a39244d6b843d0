import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { defaultCallbackRetryPolicy, postRaw, VkCallbackSender } from './vk-fake.callback-sender';
import { VkApiError } from './vk-fake.errors';
import { VkRateLimiter } from './vk-fake.faults';
import { FaultScriptedFake } from '../shared/fault-scripted-fake';
import { playTransportFault } from '../shared/fault-queue';
import { closeFakeHttp, listenFakeHttp, readBody } from '../shared/fake-http-server';
import { vkMethods } from './vk-fake.methods';
import type { CommunityState } from './vk-fake.store';
import { VkFakeStore } from './vk-fake.store';
import type {
  ReplyFromCommunityInput,
  VkApiCallRecord,
  VkCallbackDelivery,
  VkErrorBody,
  VkFakeCommunityConfig,
  VkFakeOptions,
  VkFakeUserConfig,
  VkFault,
  VkMessage,
  VkRateLimitOptions,
  WriteAsCustomerInput,
} from './vk-fake.types';
import { handleUpload } from './vk-fake.uploads';

export const VK_FAKE_API_VERSION = '5.199';

/** What `writeAsCustomer` and `replyFromCommunity` return. */
export interface VkFakeWriteResult {
  message: VkMessage;
  /** The callback delivery (after its retries); undefined when not delivered (`deliver: false` or no callback URL). */
  delivery?: VkCallbackDelivery;
}

/**
 * A faithful fake of VK API v5.199 and of the Callback API, over real HTTP on 127.0.0.1 (see README.md next to
 * this file). One instance serves any number of communities and users the test configures.
 */
export class VkFake extends FaultScriptedFake<VkFault> {
  readonly store: VkFakeStore;
  private readonly limiter = new VkRateLimiter();
  private readonly sender: VkCallbackSender;
  private readonly record: VkApiCallRecord[] = [];
  private readonly callListeners: Array<(call: VkApiCallRecord) => void> = [];

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
    options: VkFakeOptions,
  ) {
    super();
    this.store = new VkFakeStore(baseUrl);
    this.sender = new VkCallbackSender({ ...defaultCallbackRetryPolicy, ...options.callbackRetry }, (groupId) => {
      const c = this.store.communities.get(groupId);
      if (c) c.config = { ...c.config, callbackUrl: undefined };
    });
    this.limiter.configure(options.rateLimit);
  }

  /** Starts the fake on a free port of 127.0.0.1. */
  static async start(options: VkFakeOptions = {}): Promise<VkFake> {
    const holder: { fake?: VkFake } = {};
    const { server, baseUrl } = await listenFakeHttp(0, (req, res) => holder.fake?.handle(req, res));
    holder.fake = new VkFake(server, baseUrl, options);
    return holder.fake;
  }

  /** The value for `VK_API_URL`. */
  get apiUrl(): string {
    return `${this.baseUrl}/method`;
  }

  /** Waits for callbacks under way, then closes the server. */
  async stop(): Promise<void> {
    await this.sender.idle();
    await closeFakeHttp(this.server);
  }

  // ---- configuration ------------------------------------------------------------------------------------------

  addCommunity(config: VkFakeCommunityConfig): void {
    this.store.addCommunity(config);
  }

  /** Points (or, with undefined, stops) the community's Callback API server. */
  setCallbackUrl(groupId: number, url: string | undefined): void {
    const c = this.store.community(groupId);
    c.config = { ...c.config, callbackUrl: url };
  }

  /** Switches the `message_reply` echo of messages sent through `messages.send`. */
  setEchoReplies(groupId: number, on: boolean): void {
    const c = this.store.community(groupId);
    c.config = { ...c.config, echoReplies: on };
  }

  addUser(config: VkFakeUserConfig): void {
    this.store.addUser(config);
  }

  setCallbackRetry(policy: Partial<typeof defaultCallbackRetryPolicy>): void {
    this.sender.setPolicy(policy);
  }

  // ---- the customer side --------------------------------------------------------------------------------------

  /** A customer writes to a community: stored in the history and (unless `deliver: false`) sent as `message_new`. */
  async writeAsCustomer(input: WriteAsCustomerInput): Promise<VkFakeWriteResult> {
    const community = this.store.community(input.groupId);
    this.store.user(input.userId);
    community.reachable.add(input.userId);
    const message = this.store.addMessage(community, {
      peerId: input.userId,
      fromId: input.userId,
      out: 0,
      text: input.text,
      ...(input.date === undefined ? {} : { date: input.date }),
      attachments: this.store.customerAttachments(input.userId, input.attachments ?? []),
    });
    if (input.deliver === false) return { message };
    const delivery = await this.emit(community, 'message_new', {
      message: { ...message, out: 0 },
      client_info: { button_actions: ['text', 'vkpay', 'open_app', 'location', 'open_link', 'callback'], keyboard: true, inline_keyboard: true, carousel: true, lang_id: 0 },
    });
    return delivery ? { message, delivery } : { message };
  }

  /** A community admin answers inside VK itself: stored, and sent as `message_reply` (random_id 0, admin_author_id). */
  async replyFromCommunity(input: ReplyFromCommunityInput): Promise<VkFakeWriteResult> {
    const community = this.store.community(input.groupId);
    const message = this.store.addMessage(community, {
      peerId: input.userId,
      fromId: -input.groupId,
      out: 1,
      text: input.text,
      adminAuthorId: input.adminId ?? 1,
    });
    if (input.deliver === false) return { message };
    const delivery = await this.emit(community, 'message_reply', message);
    return delivery ? { message, delivery } : { message };
  }

  /** The customer forbids messages from the community (`message_deny`); messages.send then answers 901. */
  async deny(input: { groupId: number; userId: number }): Promise<VkCallbackDelivery | undefined> {
    const community = this.store.community(input.groupId);
    community.denied.add(input.userId);
    return this.emit(community, 'message_deny', { user_id: input.userId });
  }

  /** The customer allows messages again (`message_allow`). */
  async allow(input: { groupId: number; userId: number; key?: string }): Promise<VkCallbackDelivery | undefined> {
    const community = this.store.community(input.groupId);
    community.denied.delete(input.userId);
    community.reachable.add(input.userId);
    return this.emit(community, 'message_allow', { user_id: input.userId, key: input.key ?? '' });
  }

  /**
   * Sends `{type:"confirmation", group_id}` as VK does when a server is added, and checks the answer is the
   * community's confirmation string. `includeSecret` adds the community secret (the reference shows none).
   */
  async confirm(groupId: number, options: { includeSecret?: boolean } = {}): Promise<{ ok: boolean; status?: number; body: string }> {
    const community = this.store.community(groupId);
    const url = community.config.callbackUrl;
    if (!url) throw new Error(`VK fake: community ${groupId} has no callback URL`);
    const body: Record<string, unknown> = { type: 'confirmation', group_id: groupId };
    if (options.includeSecret && community.config.secret !== undefined) body['secret'] = community.config.secret;
    const answer = await postRaw(url, JSON.stringify(body), {}, defaultCallbackRetryPolicy.timeoutMs);
    return {
      ok: answer.status === 200 && answer.body === community.config.confirmation,
      body: answer.body,
      ...(answer.status === undefined ? {} : { status: answer.status }),
    };
  }

  /**
   * Sends any body (object or raw string) to the community's callback URL, with the usual retries unless
   * `maxRetries` says otherwise: replays (same event_id), wrong secrets, malformed payloads.
   */
  async sendCallback(groupId: number, body: unknown, options: { maxRetries?: number } = {}): Promise<VkCallbackDelivery> {
    const url = this.store.community(groupId).config.callbackUrl;
    if (!url) throw new Error(`VK fake: community ${groupId} has no callback URL`);
    return this.sender.deliver(url, groupId, body, options);
  }

  /** The callback body of an event the fake already sent, ready to replay (same event_id). */
  callbackBody(eventId: string): unknown {
    const found = this.sender.deliveries.find((d) => d.eventId === eventId);
    if (!found) throw new Error(`VK fake: no callback with event_id ${eventId}`);
    return found.body;
  }

  /** A callback envelope as VK builds it, for tests that send it themselves or mutate it first. */
  envelope(groupId: number, type: string, object: unknown): Record<string, unknown> {
    const community = this.store.community(groupId);
    return {
      type,
      event_id: randomBytes(20).toString('hex'),
      v: VK_FAKE_API_VERSION,
      object,
      group_id: groupId,
      ...(community.config.secret === undefined ? {} : { secret: community.config.secret }),
    };
  }

  // ---- faults -------------------------------------------------------------------------------------------------

  /** The next `times` calls of `method` (`*` = any) fail with a VK error code (6, 9, 10, 14, 901, …). */
  failNext(method: string, errorCode: number, times = 1): void {
    this.faults.add(method, { kind: 'error', errorCode }, times);
  }

  /** Turns VK's per-token limit on (e.g. `{perSecond: 20}`) or off (undefined). */
  setRateLimit(options: VkRateLimitOptions | undefined): void {
    this.limiter.configure(options);
  }

  /** Requests that came over the per-token limit (whether or not they were refused). */
  rateLimitViolations(token?: string): number {
    return this.limiter.violations(token);
  }

  // ---- the record ---------------------------------------------------------------------------------------------

  /** Calls `listener` with every API call as it arrives (before it is answered; `result` is filled in later). */
  onCall(listener: (call: VkApiCallRecord) => void): void {
    this.callListeners.push(listener);
  }

  /** Every API call, oldest first, optionally of one method. */
  calls(method?: string): VkApiCallRecord[] {
    return method === undefined ? [...this.record] : this.record.filter((c) => c.method === method);
  }

  /** Messages the community sent to a peer through `messages.send` (each delivered message once). */
  sentMessages(peerId: number, groupId?: number): VkMessage[] {
    return [...this.store.communities.values()]
      .filter((c) => groupId === undefined || c.config.id === groupId)
      .flatMap((c) => c.messages)
      .filter((m) => m.peer_id === peerId && m.out === 1 && m.admin_author_id === undefined);
  }

  /** The whole history of a community (optionally with one peer). */
  messages(groupId: number, peerId?: number): VkMessage[] {
    return this.store.community(groupId).messages.filter((m) => peerId === undefined || m.peer_id === peerId);
  }

  /** Every callback delivery with its attempts. */
  callbacks(type?: string): VkCallbackDelivery[] {
    return this.sender.deliveries.filter((d) => type === undefined || d.type === type);
  }

  /** Resolves when no callback delivery is under way. */
  idle(): Promise<void> {
    return this.sender.idle();
  }

  // ---- HTTP ---------------------------------------------------------------------------------------------------

  private emit(community: CommunityState, type: string, object: unknown): Promise<VkCallbackDelivery | undefined> {
    const url = community.config.callbackUrl;
    if (!url) return Promise.resolve(undefined);
    return this.sender.deliver(url, community.config.id, this.envelope(community.config.id, type, object));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', this.baseUrl);
    if (url.pathname.startsWith('/method/') && (req.method === 'GET' || req.method === 'POST')) {
      await this.handleMethod(decodeURIComponent(url.pathname.slice('/method/'.length)), url, req, body, res);
      return;
    }
    if (url.pathname.startsWith('/upload/') && req.method === 'POST') {
      sendJson(res, handleUpload(this.store, url.pathname, body, req.headers['content-type']));
      return;
    }
    const media = req.method === 'GET' ? this.store.media.get(url.pathname) : undefined;
    if (media) {
      res.writeHead(200, { 'content-type': media.mime, 'content-length': media.bytes.length });
      res.end(media.bytes);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }

  private async handleMethod(method: string, url: URL, req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    const params: Record<string, string> = Object.fromEntries(url.searchParams.entries());
    if ((req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params[k] = v;
    }
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const token = params['access_token'] ?? bearer;
    delete params['access_token'];
    const entry: VkApiCallRecord = { method, params, token, at: Date.now(), result: { response: undefined } };
    this.record.push(entry);
    for (const listener of this.callListeners) listener(entry);

    const fault = this.faults.take(method);
    const ended = await playTransportFault(fault, req, res);
    if (ended) {
      entry.result = ended;
      return;
    }
    try {
      if (fault?.kind === 'error') throw new VkApiError(fault.errorCode, undefined, captchaExtras(fault.errorCode, this.baseUrl));
      if (token !== undefined && this.limiter.check(token)) throw new VkApiError(6);
      if (!params['v']) throw new VkApiError(8);
      const groupId = token === undefined ? undefined : this.store.tokens.get(token);
      if (groupId === undefined) {
        throw new VkApiError(5, undefined, {}, token === undefined ? 'User authorization failed: no access_token passed.' : undefined);
      }
      const handler = vkMethods[method];
      if (!handler) throw new VkApiError(3);
      const response = handler({
        params,
        community: this.store.community(groupId),
        store: this.store,
        onCommunityMessage: (community, message) => {
          if (community.config.echoReplies !== false) void this.emit(community, 'message_reply', message);
        },
      });
      entry.result = { response };
      sendJson(res, { response });
    } catch (err) {
      if (!(err instanceof VkApiError)) throw err;
      const error: VkErrorBody = {
        error_code: err.code,
        error_msg: err.message,
        request_params: [
          { key: 'method', value: method },
          { key: 'oauth', value: '1' },
          ...Object.entries(params).map(([key, value]) => ({ key, value })),
        ],
        ...err.extra,
      };
      entry.result = { error };
      sendJson(res, { error });
    }
  }
}

function captchaExtras(code: number, baseUrl: string): Record<string, unknown> {
  if (code !== 14) return {};
  const sid = randomBytes(6).toString('hex');
  return { captcha_sid: sid, captcha_img: `${baseUrl}/captcha.php?sid=${sid}` };
}

function sendJson(res: ServerResponse, value: unknown): void {
  const json = JSON.stringify(value);
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}
