import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ParleyError } from '@parley/contracts';
import type { Logger } from '../logging/logger';
import { DEFAULT_HTTP_STATUS_MAP, HTTP_STATUS_CODES, statusForCode, type HttpStatusMap } from './http-status-map';

/** The body of every error answered over HTTP. */
export interface HttpErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

export interface HttpErrorResponse {
  status: number;
  body: HttpErrorBody;
  headers: Record<string, string>;
  /** Whether this is a server fault that must be logged at error level. */
  serverFault: boolean;
}

export interface ParleyExceptionFilterOptions {
  logger: Logger;
  /** Merged over `DEFAULT_HTTP_STATUS_MAP`; add the app's domain codes here. */
  statusMap?: HttpStatusMap;
}

const INTERNAL_MESSAGE = 'Internal server error';

/**
 * Maps any exception to an HTTP answer (pure, so it is unit-tested without a server):
 * - `ParleyError`: status from the table (unknown codes 500), body `{ error: { code, message, details? } }`,
 *   `Retry-After` when the error knows when to retry. A 5xx ParleyError keeps its code but not its message.
 * - Nest's `HttpException` (unknown route, ValidationPipe without our factory…): a code from its status;
 *   `ValidationPipe`'s default message list becomes `VALIDATION_FAILED` with the list as details.
 * - Anything else: 500 `INTERNAL` with a generic message; the details stay in the log.
 */
export function toHttpError(exception: unknown, statusMap: HttpStatusMap = DEFAULT_HTTP_STATUS_MAP): HttpErrorResponse {
  if (exception instanceof ParleyError) {
    const status = statusForCode(exception.code, statusMap);
    const serverFault = status >= 500;
    const details = exception.options.details;
    const headers: Record<string, string> = {};
    if (exception.options.retryAfterMs !== undefined) {
      headers['Retry-After'] = String(Math.max(1, Math.ceil(exception.options.retryAfterMs / 1000)));
    }
    const exposeMessage = !serverFault || status === 503 || status === 504;
    return {
      status,
      headers,
      serverFault,
      body: {
        error: {
          code: exception.code,
          message: exposeMessage ? exception.message : INTERNAL_MESSAGE,
          ...(details === undefined || !exposeMessage ? {} : { details }),
        },
      },
    };
  }

  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const messages = typeof response === 'object' && response !== null ? (response as { message?: unknown }).message : undefined;
    if (status === 400 && Array.isArray(messages) && messages.every((m) => typeof m === 'string')) {
      return {
        status,
        headers: {},
        serverFault: false,
        body: { error: { code: 'VALIDATION_FAILED', message: 'Invalid request', details: { problems: messages } } },
      };
    }
    const serverFault = status >= 500;
    return {
      status,
      headers: {},
      serverFault,
      body: {
        error: {
          code: HTTP_STATUS_CODES[status] ?? (serverFault ? 'INTERNAL' : `HTTP_${status}`),
          message: serverFault ? INTERNAL_MESSAGE : exception.message,
        },
      },
    };
  }

  return { status: 500, headers: {}, serverFault: true, body: { error: { code: 'INTERNAL', message: INTERNAL_MESSAGE } } };
}

/**
 * The HTTP edge's exception filter (install with `app.useGlobalFilters`, which `runService` does). Server faults
 * are logged with the error; client errors are logged at debug.
 */
@Catch()
export class ParleyExceptionFilter implements ExceptionFilter {
  private readonly statusMap: HttpStatusMap;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly options: ParleyExceptionFilterOptions,
  ) {
    this.statusMap = { ...DEFAULT_HTTP_STATUS_MAP, ...options.statusMap };
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const { httpAdapter } = this.adapterHost;
    const http = host.switchToHttp();
    const request: unknown = http.getRequest();
    const response: unknown = http.getResponse();
    const answer = toHttpError(exception, this.statusMap);
    const where = { method: httpAdapter.getRequestMethod(request), url: httpAdapter.getRequestUrl(request) };
    if (answer.serverFault) {
      this.options.logger.error({ err: exception, ...where, status: answer.status }, 'request failed');
    } else {
      this.options.logger.debug({ ...where, status: answer.status, code: answer.body.error.code }, 'request rejected');
    }
    for (const [name, value] of Object.entries(answer.headers)) httpAdapter.setHeader(response, name, value);
    httpAdapter.reply(response, answer.body, answer.status);
  }
}
