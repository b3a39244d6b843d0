import { applyDecorators, createParamDecorator, SetMetadata, UseGuards, type ExecutionContext } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Operator, OperatorRole } from '../operators/operator.model';
import { AuthGuard } from './auth.guard';
import { QUERY_TOKEN_KEY, ROLES_KEY } from './auth.metadata';

/** Requires a valid access token (Bearer header) and, when roles are given, one of those roles. */
export function Authenticated(...roles: readonly OperatorRole[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(ROLES_KEY, roles),
    UseGuards(AuthGuard),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'UNAUTHENTICATED: missing, invalid or expired token' }),
    ...(roles.length > 0 ? [ApiForbiddenResponse({ description: `FORBIDDEN: needs role ${roles.join(' or ')}` })] : []),
  );
}

/** Also accepts `?access_token=` (for `<img src>` and download links). Only on GET routes that return bytes. */
export const AllowQueryToken = (): MethodDecorator => SetMetadata(QUERY_TOKEN_KEY, true);

export interface AuthenticatedRequest {
  operator?: Operator;
}

/** The operator the access token belongs to (set by `AuthGuard`). */
export const CurrentOperator = createParamDecorator((_data: unknown, ctx: ExecutionContext): Operator => {
  const operator = ctx.switchToHttp().getRequest<AuthenticatedRequest>().operator;
  if (!operator) throw new Error('CurrentOperator used on a route without @Authenticated()');
  return operator;
});
