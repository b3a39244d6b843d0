import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { defaultDescription, TgApiError, TgErrors } from './telegram-fake.errors';
import type { TgRateLimiter } from './telegram-fake.faults';
import type { FaultQueue, TransportFault } from '../shared/fault-queue';
import { playTransportFault } from '../shared/fault-queue';
import { listenFakeHttp } from '../shared/fake-http-server';
import { MAX_DOWNLOAD_BYTES, TgDescribed, tgMethods, type TgMethodContext } from './telegram-fake.methods';
import { parseRequest, type TgRequest } from './telegram-fake.params';
import { tgSendMethods } from './telegram-fake.send-methods';
import type { TgBotState, TgFakeStore } from './telegram-fake.store';
import type { TgApiCallRecord, TgBotSentMessage, TgFault, TgUpdateRecord } from './telegram-fake.types';

/** Requests larger than this are refused with 413 before they are parsed (a 50 MB document plus its form). */
const MAX_REQUEST_BYTES = 52 * 1024 * 1024;

const handlers = { ...tgMethods, ...tgSendMethods };

/** What the HTTP side needs from the fake. */
export interface TgHttpDeps {
  store: TgFakeStore;
  faults: FaultQueue<TgFault | TransportFault>;
  limiter: TgRateLimiter;
  requireHttpsWebhook: boolean;
  record(call: TgApiCallRecord): void;
  webhookChanged(bot: TgBotState): void;
  settle(record: TgUpdateRecord, status: TgUpdateRecord['status']): void;
  botSent(sent: TgBotSentMessage): void;
  waitForUpdate(bot: TgBotState, ms: number): Promise<void>;
}

/**
 * The Bot API over HTTP: `/bot<token>/<method>` (GET or POST; query, JSON, form or multipart parameters; method
 * names are case-insensitive) and file downloads at `/file/bot<token>/<file_path>`. Every answer is JSON
 * `{ok:true,result}` or `{ok:false,error_code,description,parameters?}` with the HTTP status equal to error_code.
 */
export async function handleTelegramHttp(deps: TgHttpDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://fake.invalid');
  const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
  if (file && (req.method === 'GET' || req.method === 'HEAD')) {
    serveFile(deps, decodeURIComponent(file[1] ?? ''), decodeURIComponent(file[2] ?? ''), res);
    return;
  }
  const call = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
  if (!call) {
    sendJson(res, 404, new TgApiError(404, TgErrors.notFound).body());
    return;
  }
  const token = decodeURIComponent(call[1] ?? '');
  const method = call[2] ?? '';
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_REQUEST_BYTES) {
    sendJson(res, 413, new TgApiError(413, TgErrors.entityTooLarge).body());
    req.resume();
    return;
  }
  const body = await readBody(req, MAX_REQUEST_BYTES);
  if (!body) {
    sendJson(res, 413, new TgApiError(413, TgErrors.entityTooLarge).body());
    return;
  }
  let parsed: TgRequest = { params: {}, files: {} };
  let parseError: TgApiError | undefined;
  try {
    parsed = parseRequest(url, req.headers['content-type'], body);
  } catch (err) {
    if (!(err instanceof TgApiError)) throw err;
    parseError = err;
  }
  const entry: TgApiCallRecord = {
    method,
    token,
    httpMethod: req.method ?? 'GET',
    params: { ...parsed.params },
    files: Object.fromEntries(
      Object.entries(parsed.files).map(([name, f]) => [name, { size: f.bytes.length, ...(f.fileName ? { fileName: f.fileName } : {}), ...(f.mime ? { mime: f.mime } : {}) }]),
    ),
    at: Date.now(),
    status: 0,
    response: undefined,
  };
  deps.record(entry);

  const fault = deps.faults.take(method);
  const ended = await playTransportFault(fault, req, res);
  if (ended) {
    if ('httpStatus' in ended) entry.status = ended.httpStatus;
    return;
  }
  try {
    if (fault?.kind === 'error') {
      throw new TgApiError(fault.errorCode, fault.description ?? defaultDescription(fault.errorCode, fault.retryAfter), fault.errorCode === 429 ? (fault.retryAfter ?? 1) : fault.retryAfter);
    }
    const bot = deps.store.bots.get(token);
    if (!bot || bot.revoked) throw new TgApiError(401, TgErrors.unauthorized);
    const handler = handlers[method.toLowerCase()];
    if (!handler) throw new TgApiError(404, TgErrors.notFound);
    if (parseError) throw parseError;
    const result: unknown = await handler(context(deps, bot, parsed));
    const answer = result instanceof TgDescribed ? { ok: true, result: result.result, description: result.description } : { ok: true, result };
    entry.status = 200;
    entry.response = answer;
    sendJson(res, 200, answer);
  } catch (err) {
    if (!(err instanceof TgApiError)) throw err;
    entry.status = err.code;
    entry.response = err.body();
    sendJson(res, err.code, err.body());
  }
}

function context(deps: TgHttpDeps, bot: TgBotState, req: TgRequest): TgMethodContext {
  return {
    bot,
    req,
    store: deps.store,
    requireHttpsWebhook: deps.requireHttpsWebhook,
    limit: (chatId) => {
      const verdict = deps.limiter.check(bot.token, chatId);
      if (verdict?.refuse) throw TgApiError.tooManyRequests(verdict.retryAfter);
    },
    webhookChanged: () => deps.webhookChanged(bot),
    settle: (record, status) => deps.settle(record, status),
    botSent: (sent) => deps.botSent({ token: bot.token, ...sent }),
    waitForUpdate: (ms) => deps.waitForUpdate(bot, ms),
  };
}

function serveFile(deps: TgHttpDeps, token: string, filePath: string, res: ServerResponse): void {
  const bot = deps.store.bots.get(token);
  if (!bot || bot.revoked) {
    sendJson(res, 401, new TgApiError(401, TgErrors.unauthorized).body());
    return;
  }
  const file = deps.store.filesByPath.get(`${token}/${filePath}`);
  if (!file || file.bytes.length > MAX_DOWNLOAD_BYTES) {
    sendJson(res, 404, new TgApiError(404, TgErrors.notFound).body());
    return;
  }
  res.writeHead(200, { 'content-type': file.mime, 'content-length': file.bytes.length }).end(file.bytes);
}

/** The body, or undefined when it grew past `limit` (the rest is drained). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
    });
    req.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const json = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

/** Listens on 127.0.0.1:`port` (0 = a free one) and answers with the deps `current()` gives (503 until then). */
export function listenTelegramHttp(port: number, current: () => TgHttpDeps | undefined): Promise<{ server: Server; baseUrl: string }> {
  return listenFakeHttp(
    port,
    (req, res) => {
      const deps = current();
      return deps && handleTelegramHttp(deps, req, res);
    },
    (res, err) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error_code: 500, description: err instanceof Error ? err.message : 'Internal Server Error' }));
    },
  );
}
