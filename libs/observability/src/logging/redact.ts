/**
 * Redaction of secrets before anything is written to a log. Pino's own `redact` option needs the path of every
 * secret in advance; messenger payloads and errors (an axios error carries its request headers) nest secrets at
 * depths nobody lists, so we walk the value and censor by key name instead.
 */

export const REDACTED = '[REDACTED]';

/**
 * Key names that hold secrets: messenger access tokens, app secrets, passwords, auth headers, cookies, API keys,
 * VK's callback `confirmation` code, webhook signatures. Matched case-insensitively anywhere in the key, so
 * `access_token`, `botToken`, `X-Viber-Auth-Token`, `appSecret`, `DATABASE_PASSWORD` are all caught.
 */
const SECRET_KEY_PATTERN =
  /token|secret|passw(?:or)?d|pwd|authori[sz]ation|cookie|api[-_]?key|private[-_]?key|credential|confirmation|signature|session[-_]?key/i;

/**
 * Secrets that hide inside strings: `access_token=…` in a URL or query string, a `Bearer …` header value, a
 * Telegram bot token in an API path (`/bot123456:AAE…/sendMessage`), a password in a connection URL.
 */
const STRING_SCRUBBERS: ReadonlyArray<readonly [RegExp, string]> = [
  [/((?:[?&;\s"']|^)[\w.-]*(?:token|secret|passw(?:or)?d|pwd|api[-_]?key|signature|confirmation)[\w.-]*=)[^&\s"';]+/gi, `$1${REDACTED}`],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, `$1 ${REDACTED}`],
  [/\bbot\d{5,}:[A-Za-z0-9_-]{20,}/g, `bot${REDACTED}`],
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]+:)[^@/?#\s]+@/gi, `$1${REDACTED}@`],
];

const MAX_DEPTH = 12;

export interface RedactOptions {
  /** More key names to censor, matched case-insensitively as substrings (e.g. `['pin', 'otp']`). */
  extraKeys?: readonly string[];
}

export type SecretKeyMatcher = (key: string) => boolean;

export function secretKeyMatcher(options: RedactOptions = {}): SecretKeyMatcher {
  const extra = (options.extraKeys ?? []).map((k) => k.toLowerCase());
  if (extra.length === 0) return (key) => SECRET_KEY_PATTERN.test(key);
  return (key) => {
    if (SECRET_KEY_PATTERN.test(key)) return true;
    const lower = key.toLowerCase();
    return extra.some((k) => lower.includes(k));
  };
}

/** Whether a key name denotes a secret (the default set, no extras). */
export const isSecretKey: SecretKeyMatcher = secretKeyMatcher();

/** Censors secrets embedded in a free-text string (log messages, URLs, error messages). */
export function scrubString(text: string): string {
  let out = text;
  for (const [pattern, replacement] of STRING_SCRUBBERS) out = out.replace(pattern, replacement);
  return out;
}

/**
 * Returns a copy of `value` in which every property whose key looks secret is replaced by `[REDACTED]` at any
 * depth, strings are scrubbed, errors become plain objects (`type`, `message`, `stack`, own properties, `cause`),
 * cycles become `[Circular]`. The input is never mutated.
 */
export function redact(value: unknown, isSecret: SecretKeyMatcher = isSecretKey): unknown {
  return walk(value, isSecret, new WeakSet<object>(), 0);
}

function walk(value: unknown, isSecret: SecretKeyMatcher, seen: WeakSet<object>, depth: number): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date || value instanceof RegExp) return value;
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return `[binary ${value.byteLength} bytes]`;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => walk(item, isSecret, seen, depth + 1));
    if (value instanceof Map) {
      return walkEntries(Array.from(value.entries(), ([k, v]) => [String(k), v] as const), isSecret, seen, depth);
    }
    if (value instanceof Set) return Array.from(value, (item) => walk(item, isSecret, seen, depth + 1));
    if (value instanceof Error) return walkEntries(errorEntries(value), isSecret, seen, depth);
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      const json: unknown = toJSON.call(value);
      if (json !== value) return walk(json, isSecret, seen, depth + 1);
    }
    return walkEntries(Object.entries(value), isSecret, seen, depth);
  } finally {
    seen.delete(value);
  }
}

function walkEntries(
  entries: ReadonlyArray<readonly [string, unknown]>,
  isSecret: SecretKeyMatcher,
  seen: WeakSet<object>,
  depth: number,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    out[key] = isSecret(key) && item !== undefined && item !== null ? REDACTED : walk(item, isSecret, seen, depth + 1);
  }
  return out;
}

function errorEntries(error: Error): Array<readonly [string, unknown]> {
  const entries: Array<readonly [string, unknown]> = [
    ['type', error.constructor.name],
    ['message', error.message],
  ];
  if (error.stack !== undefined) entries.push(['stack', error.stack]);
  for (const [key, item] of Object.entries(error)) {
    if (key !== 'message' && key !== 'stack') entries.push([key, item]);
  }
  if (error.cause !== undefined) entries.push(['cause', error.cause]);
  return entries;
}
