import { ConsoleApiConfig } from '../console-api.config';
import { AccessTokenService } from './access-token.service';

function service(secret = 'x'.repeat(32), ttl = 3600): AccessTokenService {
  const config = Object.assign(new ConsoleApiConfig(), { PARLEY_AUTH_SECRET: secret, PARLEY_TOKEN_TTL_SECONDS: ttl });
  return new AccessTokenService(config);
}

describe('AccessTokenService', () => {
  const operator = { id: '0b7f4c9e-8d1a-4f7e-9a57-5d0e7f1d2c3b', role: 'operator' as const };

  it('issues HS256 JWTs it verifies', () => {
    const tokens = service();
    const token = tokens.issue(operator, 1_000_000);
    expect(token.split('.')).toHaveLength(3);
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(tokens.verify(token, 1_000_000)).toEqual({ sub: operator.id, role: 'operator', iat: 1000, exp: 4600 });
  });

  it('refuses expired tokens, other keys, tampered payloads and garbage', () => {
    const tokens = service();
    const token = tokens.issue(operator, 1_000_000);
    expect(tokens.verify(token, 4_600_000)).toBeUndefined();
    expect(service('y'.repeat(32)).verify(token, 1_000_000)).toBeUndefined();
    const [h, , s] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: operator.id, role: 'admin', iat: 1000, exp: 4600 })).toString('base64url');
    expect(tokens.verify(`${h}.${forged}.${s}`, 1_000_000)).toBeUndefined();
    expect(tokens.verify('a.b', 1_000_000)).toBeUndefined();
    expect(tokens.verify('', 1_000_000)).toBeUndefined();
  });

  it('generates a key when none is configured', () => {
    const config = Object.assign(new ConsoleApiConfig(), { PARLEY_AUTH_SECRET: undefined });
    const tokens = new AccessTokenService(config);
    expect(tokens.generatedKey).toBe(true);
    expect(tokens.verify(tokens.issue(operator))).toMatchObject({ sub: operator.id });
  });
});
