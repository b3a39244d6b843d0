import { parseMultipart } from '../vk/vk-fake.multipart';
import { TgApiError } from './telegram-fake.errors';

/** A file part of a multipart request. */
export interface TgUploadedFile {
  bytes: Buffer;
  fileName?: string;
  mime?: string;
}

/** A Bot API request, whatever way it came: query string, JSON, x-www-form-urlencoded or multipart/form-data. */
export interface TgRequest {
  params: Record<string, unknown>;
  files: Record<string, TgUploadedFile>;
}

export function parseRequest(url: URL, contentType: string | undefined, body: Buffer): TgRequest {
  const params: Record<string, unknown> = Object.fromEntries(url.searchParams.entries());
  const files: Record<string, TgUploadedFile> = {};
  const type = (contentType ?? '').toLowerCase();
  if (body.length === 0) return { params, files };
  if (type.startsWith('application/json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw TgApiError.badRequest("can't parse JSON object");
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw TgApiError.badRequest("can't parse JSON object");
    Object.assign(params, parsed);
  } else if (type.startsWith('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params[k] = v;
  } else if (type.startsWith('multipart/form-data')) {
    for (const part of parseMultipart(body, contentType)) {
      if (part.filename !== undefined) {
        files[part.name] = { bytes: part.data, fileName: part.filename, ...(part.contentType ? { mime: part.contentType } : {}) };
      } else {
        params[part.name] = part.data.toString('utf8');
      }
    }
  }
  return { params, files };
}

/** An integer parameter (a JSON number or a decimal string); undefined when absent or empty. */
export function intParam(params: Record<string, unknown>, name: string): number | undefined {
  const raw = params[name];
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw === 'number' && Number.isInteger(raw)) return raw;
  if (typeof raw === 'string' && /^-?\d+$/.test(raw.trim())) return Number(raw.trim());
  throw TgApiError.badRequest(`invalid ${name} specified`);
}

export function stringParam(params: Record<string, unknown>, name: string): string | undefined {
  const raw = params[name];
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  throw TgApiError.badRequest(`${name} must be a string`);
}

export function boolParam(params: Record<string, unknown>, name: string): boolean {
  const raw = params[name];
  return raw === true || raw === 'true' || raw === '1' || raw === 1;
}

/** A parameter that is a JSON-serialized object or array in form bodies, a plain value in JSON bodies. */
export function jsonParam(params: Record<string, unknown>, name: string): unknown {
  const raw = params[name];
  if (typeof raw !== 'string') return raw;
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw TgApiError.badRequest(`can't parse ${name} JSON object`);
  }
}

/** `chat_id`: required; private chats are addressed by the user id (an `@username` finds only channels). */
export function chatIdParam(params: Record<string, unknown>): number {
  const raw = params['chat_id'];
  if (raw === undefined || raw === null || raw === '') throw new TgApiError(400, 'Bad Request: chat_id is empty');
  if (typeof raw === 'string' && raw.startsWith('@')) throw new TgApiError(400, 'Bad Request: chat not found');
  const id = intParam(params, 'chat_id');
  if (id === undefined) throw new TgApiError(400, 'Bad Request: chat_id is empty');
  return id;
}
