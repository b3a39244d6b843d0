import { parseViberJson } from './viber-json';

describe('parseViberJson', () => {
  it('keeps message_token values above 2^53 exact: tokens differing in the last digits stay different', () => {
    const a = parseViberJson('{"event":"message","message_token":5753750845017966998}') as Record<string, unknown>;
    const b = parseViberJson('{"event":"message","message_token":5753750845017966999}') as Record<string, unknown>;
    expect(a['message_token']).toBe('5753750845017966998');
    expect(b['message_token']).toBe('5753750845017966999');
    expect(a['message_token']).not.toBe(b['message_token']);
    // What a plain JSON.parse makes of them: the same number.
    expect(JSON.parse('5753750845017966998')).toBe(JSON.parse('5753750845017966999'));
  });

  it('leaves strings, small numbers, floats and negatives alone; nested and array tokens are kept', () => {
    const raw =
      '{"timestamp":1457764197627,"s":"quote \\" 12345678901234567890 in a string","loc":{"lat":50.76,"lon":-6.11e1},' +
      '"list":[9007199254740993,-9007199254740993],"silent":false,"n":null}';
    expect(parseViberJson(raw)).toEqual({
      timestamp: 1457764197627,
      s: 'quote " 12345678901234567890 in a string',
      loc: { lat: 50.76, lon: -61.1 },
      list: ['9007199254740993', '-9007199254740993'],
      silent: false,
      n: null,
    });
  });

  it('throws on invalid JSON', () => {
    expect(() => parseViberJson('{"message_token":')).toThrow(SyntaxError);
    expect(() => parseViberJson('not json')).toThrow(SyntaxError);
  });
});
