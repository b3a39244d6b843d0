import { createReadStream, statSync, type Stats } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Paths the console never owns: the API and the service endpoints answer (or 404) themselves. */
const RESERVED = /^\/(api|health|metrics)(\/|$)/;

type Next = () => void;

function fileStat(file: string): Stats | undefined {
  try {
    const stat = statSync(file);
    return stat.isFile() ? stat : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Serves the console's static build at `/` with SPA fallback (unknown paths get `index.html`), never under
 * `/api`. Hashed assets are cached for a year, `index.html` never. Returns undefined when there is no build.
 */
export function consoleStaticMiddleware(root: string): ((req: IncomingMessage, res: ServerResponse, next: Next) => void) | undefined {
  const base = path.resolve(root);
  const index = path.join(base, 'index.html');
  if (!fileStat(index)) return undefined;
  return (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !req.url) return next();
    const pathname = decodeSafe(new URL(req.url, 'http://localhost').pathname);
    if (pathname === undefined || RESERVED.test(pathname)) return next();
    let file = path.join(base, path.normalize(pathname));
    if (!file.startsWith(base + path.sep) && file !== base) return next();
    let stat = fileStat(file);
    if (!stat) {
      // SPA fallback only for page navigations, not for missing assets.
      if (path.extname(pathname) !== '' && pathname !== '/') return next();
      file = index;
      stat = fileStat(index);
      if (!stat) return next();
    }
    const isIndex = file === index;
    res.statusCode = 200;
    res.setHeader('Content-Type', TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream');
    res.setHeader('Content-Length', String(stat.size));
    res.setHeader('Cache-Control', isIndex ? 'no-cache' : 'public, max-age=31536000, immutable');
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file).on('error', () => res.destroy()).pipe(res);
  };
}

function decodeSafe(pathname: string): string | undefined {
  try {
    const decoded = decodeURIComponent(pathname);
    return decoded.includes('\0') ? undefined : decoded;
  } catch {
    return undefined;
  }
}
