import { isSecretKey, redact, REDACTED, scrubString, secretKeyMatcher } from './redact';

describe('redact', () => {
  it('censors secret-named keys at any depth, in arrays too', () => {
    const input = {
      channel: 'vk',
      connection: {
        credentials: { groupId: 1 },
        settings: { access_token: 'vk1.a.abc', app_secret: 's3cr3t', confirmation: 'c0nf1rm' },
      },
      headers: [{ Authorization: 'Bearer xyz' }, { 'X-Viber-Auth-Token': 'viber-token' }],
      deep: { a: { b: { c: { d: { botToken: '123456:AAE' } } } } },
      password: 'hunter2',
      DATABASE_PASSWORD: 'pg',
      text: 'hello',
    };
    const out = redact(input) as typeof input;
    expect(out.connection.credentials).toBe(REDACTED);
    expect(out.connection.settings).toEqual({ access_token: REDACTED, app_secret: REDACTED, confirmation: REDACTED });
    expect(out.headers).toEqual([{ Authorization: REDACTED }, { 'X-Viber-Auth-Token': REDACTED }]);
    expect(out.deep.a.b.c.d.botToken).toBe(REDACTED);
    expect(out.password).toBe(REDACTED);
    expect(out.DATABASE_PASSWORD).toBe(REDACTED);
    expect(out.text).toBe('hello');
    expect(JSON.stringify(out)).not.toMatch(/vk1\.a\.abc|s3cr3t|c0nf1rm|xyz|viber-token|123456:AAE|hunter2/);
  });

  it('never mutates the input', () => {
    const input = { token: 't', nested: { secret: 's' } };
    redact(input);
    expect(input).toEqual({ token: 't', nested: { secret: 's' } });
  });

  it('turns errors into plain objects and redacts their own properties and causes', () => {
    const cause = Object.assign(new Error('socket hang up'), { config: { headers: { Authorization: 'Bearer abc' } } });
    const err = Object.assign(new Error('request failed', { cause }), {
      config: { url: 'https://api.vk.com/method/messages.send?access_token=vk1.a.zzz&v=5.199', data: { token: 'x' } },
    });
    const out = redact({ err }) as { err: Record<string, unknown> };
    const text = JSON.stringify(out);
    expect(out.err['type']).toBe('Error');
    expect(out.err['message']).toBe('request failed');
    expect(typeof out.err['stack']).toBe('string');
    expect(text).not.toContain('vk1.a.zzz');
    expect(text).not.toContain('Bearer abc');
    expect(text).toContain('socket hang up');
    expect(text).toContain('v=5.199');
  });

  it('survives cycles, Maps, Sets and buffers', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a['self'] = a;
    const out = redact({ a, m: new Map([['secret', 1]]), s: new Set(['x']), b: Buffer.from('abc') });
    expect(out).toEqual({ a: { name: 'a', self: '[Circular]' }, m: { secret: REDACTED }, s: ['x'], b: '[binary 3 bytes]' });
  });

  it('keeps null and undefined secrets visible as such (absence is not a secret)', () => {
    expect(redact({ token: null, secret: undefined })).toEqual({ token: null, secret: undefined });
  });

  it('scrubs secrets embedded in strings', () => {
    expect(scrubString('GET /method/x?access_token=vk1.a.abc&v=5')).toBe(`GET /method/x?access_token=${REDACTED}&v=5`);
    expect(scrubString('Authorization: Bearer eyJhbGciOi.x.y')).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(scrubString('https://api.telegram.org/bot123456789:AAEhBP0av28hJkLmnOpQrStUvWxYz12345/sendMessage')).toBe(
      `https://api.telegram.org/bot${REDACTED}/sendMessage`,
    );
    expect(scrubString('postgres://parley:pg-pass@localhost:5432/parley')).toBe(`postgres://parley:${REDACTED}@localhost:5432/parley`);
    expect(scrubString('nothing to hide')).toBe('nothing to hide');
  });

  it('accepts extra key names', () => {
    const isSecret = secretKeyMatcher({ extraKeys: ['pin'] });
    expect(redact({ cardPin: '1234', name: 'x' }, isSecret)).toEqual({ cardPin: REDACTED, name: 'x' });
    expect(isSecretKey('cardPin')).toBe(false);
  });
});
