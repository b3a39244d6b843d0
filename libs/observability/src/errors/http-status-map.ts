/** Error code → HTTP status. Codes absent from the table answer 500. */
export type HttpStatusMap = Readonly<Record<string, number>>;

export const DEFAULT_HTTP_STATUS_MAP: HttpStatusMap = {
  CONTRACT_VIOLATION: 400,
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  CONCURRENCY_CONFLICT: 409,
  UNAVAILABLE: 503,
  TIMEOUT: 504,
};

/** Codes for Nest's own `HttpException`s (unknown route, wrong method, body too large…). */
export const HTTP_STATUS_CODES: Readonly<Record<number, string>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  429: 'RATE_LIMITED',
  500: 'INTERNAL',
  502: 'BAD_GATEWAY',
  503: 'UNAVAILABLE',
  504: 'TIMEOUT',
};

export function statusForCode(code: string, map: HttpStatusMap = DEFAULT_HTTP_STATUS_MAP): number {
  return map[code] ?? 500;
}
