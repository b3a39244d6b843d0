import { splitTelegramText } from './telegram-text';

describe('splitTelegramText', () => {
  it('keeps a text that fits in one part', () => {
    expect(splitTelegramText('hello', 4096)).toEqual(['hello']);
  });

  it('cuts at a paragraph, then a line, then a space, and loses nothing', () => {
    const text = `${'a'.repeat(60)}\n\n${'b'.repeat(30)} ${'c'.repeat(30)}`;
    const parts = splitTelegramText(text, 80);
    expect(parts).toEqual([`${'a'.repeat(60)}\n\n`, `${'b'.repeat(30)} ${'c'.repeat(30)}`]);
    expect(parts.join('')).toBe(text);
  });

  it('cuts a text without spaces at the limit but never inside a surrogate pair', () => {
    const text = `${'x'.repeat(9)}😀${'y'.repeat(5)}`;
    const parts = splitTelegramText(text, 10);
    expect(parts.every((p) => p.length <= 10)).toBe(true);
    expect(parts.join('')).toBe(text);
    expect(parts[1]?.startsWith('😀')).toBe(true);
  });
});
