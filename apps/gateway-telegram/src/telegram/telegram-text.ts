/**
 * Splits a reply into sendMessage-sized parts (≤ `max` UTF-16 units each), preferring a paragraph break, then a
 * line break, then a space in the second half of a part, and never cutting a surrogate pair in two.
 */
export function splitTelegramText(text: string, max: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = -1;
    for (const sep of ['\n\n', '\n', ' ']) {
      const at = rest.lastIndexOf(sep, max - sep.length);
      if (at >= max / 2) {
        cut = at + sep.length;
        break;
      }
    }
    if (cut < 0) {
      cut = max;
      const code = rest.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut -= 1; // a high surrogate: keep the pair together
    }
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts.filter((p) => p.trim() !== '');
}
