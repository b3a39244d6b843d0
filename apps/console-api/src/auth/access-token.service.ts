import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ConsoleApiConfig } from '../console-api.config';
import type { OperatorRole } from '../operators/operator.model';

/** What an access token says (JWT claims). */
export interface AccessClaims {
  /** Operator id. */
  sub: string;
  role: OperatorRole;
  iat: number;
  exp: number;
}

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

/** HS256 JWTs written with node:crypto (no dependency): `header.payload.signature`, base64url. */
@Injectable()
export class AccessTokenService {
  private readonly key: Buffer;
  private readonly ttlSeconds: number;
  /** True when PARLEY_AUTH_SECRET is unset and a random key was generated (tokens die with the process). */
  readonly generatedKey: boolean;

  constructor(@Inject(ConsoleApiConfig) config: ConsoleApiConfig) {
    this.generatedKey = !config.PARLEY_AUTH_SECRET;
    this.key = config.PARLEY_AUTH_SECRET ? Buffer.from(config.PARLEY_AUTH_SECRET, 'utf8') : randomBytes(32);
    this.ttlSeconds = config.PARLEY_TOKEN_TTL_SECONDS;
  }


  issue(operator: { id: string; role: OperatorRole }, now = Date.now()): string {
    const iat = Math.floor(now / 1000);
    const claims: AccessClaims = { sub: operator.id, role: operator.role, iat, exp: iat + this.ttlSeconds };
    const body = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    return `${body}.${this.sign(body)}`;
  }

  /** The claims of a valid, unexpired token; undefined otherwise (never throws on garbage). */
  verify(token: string, now = Date.now()): AccessClaims | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [header, payload, signature] = parts as [string, string, string];
    if (header !== HEADER) return undefined;
    const expected = Buffer.from(this.sign(`${header}.${payload}`), 'base64url');
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let claims: unknown;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    if (!isClaims(claims) || claims.exp * 1000 <= now) return undefined;
    return claims;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}

function isClaims(value: unknown): value is AccessClaims {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v['sub'] === 'string' &&
    (v['role'] === 'admin' || v['role'] === 'supervisor' || v['role'] === 'operator') &&
    typeof v['iat'] === 'number' &&
    typeof v['exp'] === 'number'
  );
}
