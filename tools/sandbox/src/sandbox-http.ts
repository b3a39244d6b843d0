import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';

/* The sandbox pages' JSON API helpers (VK and Telegram). */

export const MAX_BODY_BYTES = 30 * 1024 * 1024;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, 'too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (chunks.length === 0) return resolve({});
      try {
        const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
        resolve(value as Record<string, unknown>);
      } catch {
        reject(new HttpError(400, 'the body must be a JSON object'));
      }
    });
    req.on('error', reject);
  });
}

export function stringField(body: Record<string, unknown>, name: string): string {
  const v = body[name];
  if (typeof v !== 'string') throw new HttpError(400, `${name} must be a string`);
  return v;
}

export function optionalString(body: Record<string, unknown>, name: string): string {
  const v = body[name];
  return typeof v === 'string' ? v : '';
}

export function fileList(body: Record<string, unknown>): Array<{ name: string; mime: string; bytes: Buffer }> {
  const files = body['files'];
  if (files === undefined) return [];
  if (!Array.isArray(files)) throw new HttpError(400, 'files must be a list');
  return files.map((f: unknown) => {
    const file = (typeof f === 'object' && f !== null ? f : {}) as Record<string, unknown>;
    const name = typeof file['name'] === 'string' && file['name'] !== '' ? file['name'] : 'file';
    const mime = typeof file['mime'] === 'string' && file['mime'] !== '' ? file['mime'] : 'application/octet-stream';
    if (typeof file['base64'] !== 'string') throw new HttpError(400, 'each file needs base64 content');
    return { name, mime, bytes: Buffer.from(file['base64'], 'base64') };
  });
}

/** Passes a request through to a fake's own server (its API, upload and media paths), at `path` (default: the same). */
export function proxyTo(baseUrl: string, req: IncomingMessage, res: ServerResponse, path = req.url ?? '/'): void {
  const target = new URL(path, baseUrl);
  const upstream = httpRequest(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', () => {
    // The fake dropped the connection on purpose (a `drop` fault) or is stopping: do the same.
    req.socket.destroy();
  });
  req.pipe(upstream);
}
