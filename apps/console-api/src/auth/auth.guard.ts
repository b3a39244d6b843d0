import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ParleyError } from '@parley/contracts';
import type { OperatorRole } from '../operators/operator.model';
import { OperatorsService } from '../operators/operators.service';
import { AccessTokenService } from './access-token.service';
import type { AuthenticatedRequest } from './auth.decorators';
import { QUERY_TOKEN_KEY, ROLES_KEY } from './auth.metadata';

interface HttpRequestLike extends AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, unknown>;
}

/** `Bearer` token (or `?access_token=` where allowed) → the operator, loaded fresh; then the route's roles. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(AccessTokenService) private readonly tokens: AccessTokenService,
    @Inject(OperatorsService) private readonly operators: OperatorsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<HttpRequestLike>();
    const allowQuery = this.reflector.getAllAndOverride<boolean | undefined>(QUERY_TOKEN_KEY, [context.getHandler(), context.getClass()]);
    const token = bearerToken(request.headers['authorization']) ?? (allowQuery ? queryToken(request.query['access_token']) : undefined);
    if (!token) throw new ParleyError('UNAUTHENTICATED', 'an access token is required (Authorization: Bearer <token>)');
    const claims = this.tokens.verify(token);
    if (!claims) throw new ParleyError('UNAUTHENTICATED', 'the access token is invalid or expired');
    const operator = await this.operators.get(claims.sub);
    if (!operator) throw new ParleyError('UNAUTHENTICATED', 'the operator of this token no longer exists');
    request.operator = operator;
    const roles = this.reflector.getAllAndOverride<OperatorRole[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]);
    if (roles && roles.length > 0 && !roles.includes(operator.role)) {
      throw new ParleyError('FORBIDDEN', `this needs the role ${roles.join(' or ')}`);
    }
    return true;
  }
}

export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value ? /^Bearer\s+(\S+)$/i.exec(value) : null;
  return match?.[1];
}

function queryToken(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
