/**
 * Parses a Viber body without losing integer precision: every integer literal too long to be exact as a JS number
 * (more than 15 digits, e.g. `message_token` 5753750845017966998 > 2^53) becomes a string holding its exact
 * digits before `JSON.parse` sees it. Strings are left untouched (the scan tracks them, escapes included).
 * Other numbers (timestamps in ms, coordinates) stay numbers. Throws SyntaxError on invalid JSON like JSON.parse.
 */
export function parseViberJson(raw: string): unknown {
  return JSON.parse(quoteLongIntegers(raw)) as unknown;
}

const MAX_EXACT_DIGITS = 15;

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

export function quoteLongIntegers(raw: string): string {
  let out = '';
  let copiedUpTo = 0;
  let i = 0;
  while (i < raw.length) {
    const c = raw[i];
    if (c === '"') {
      // Skip the string literal, honouring backslash escapes.
      i++;
      while (i < raw.length && raw[i] !== '"') i += raw[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    if (c === '-' || isDigit(c)) {
      const start = i;
      if (raw[i] === '-') i++;
      while (isDigit(raw[i])) i++;
      const integerEnd = i;
      // A fraction or exponent makes it a float: left to JSON.parse as is.
      const isFloat = raw[i] === '.' || raw[i] === 'e' || raw[i] === 'E';
      while (i < raw.length && /[0-9.eE+-]/.test(raw[i] as string)) i++;
      const digits = integerEnd - start - (raw[start] === '-' ? 1 : 0);
      if (!isFloat && digits > MAX_EXACT_DIGITS) {
        out += `${raw.slice(copiedUpTo, start)}"${raw.slice(start, integerEnd)}"`;
        copiedUpTo = integerEnd;
      }
      continue;
    }
    i++;
  }
  return out + raw.slice(copiedUpTo);
}
