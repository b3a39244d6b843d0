import { GatewayErrorHttpStatus } from '@parley/contracts';
import type { HttpStatusMap } from '@parley/observability';

/** Error code → HTTP status, as docs/api/console-api.md lists them (merged over the defaults). */
export const CONSOLE_API_STATUS_MAP: HttpStatusMap = {
  ...GatewayErrorHttpStatus,
  VALIDATION_FAILED: 400,
  CONTRACT_VIOLATION: 400,
  EMPTY_REPLY: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_A_LINE_MEMBER: 403,
  NOT_ASSIGNED_TO_YOU: 403,
  CANNOT_INITIATE: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  ALREADY_ASSIGNED: 409,
  CONVERSATION_CLOSED: 409,
  RECIPIENT_BLOCKED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNAVAILABLE: 503,
  TIMEOUT: 504,
};
