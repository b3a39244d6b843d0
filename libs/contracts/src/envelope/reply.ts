import { IsBoolean, IsObject, IsOptional, IsString, Matches } from 'class-validator';

/**
 * Coded domain errors travel as data, never as exceptions across the wire. Codes are SCREAMING_SNAKE_CASE and,
 * like subjects, never change meaning. Edges map them: console-api to HTTP statuses, messaging to error replies.
 */
export interface ErrorBody {
  code: string;
  message: string;
  /** Whether the same request may succeed later (rate limit, timeout, dependency down). */
  retryable: boolean;
  /** When the caller should retry, if the callee knows (e.g. a messenger's `retry_after`). */
  retryAfterMs?: number;
  details?: Record<string, unknown>;
}

/** The reply to a command or query: success with the definition's reply data, or a coded error. */
export type Reply<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

export class ErrorBodyShape {
  @IsString()
  @Matches(/^[A-Z][A-Z0-9_]*$/)
  code!: string;

  @IsString()
  message!: string;

  @IsBoolean()
  retryable!: boolean;

  @IsOptional()
  retryAfterMs?: number;

  @IsOptional()
  @IsObject()
  details?: Record<string, unknown>;
}

/** Error codes that any service may answer with; domain-specific codes live beside their commands. */
export const CommonErrorCodes = {
  CONTRACT_VIOLATION: 'CONTRACT_VIOLATION',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  FORBIDDEN: 'FORBIDDEN',
  UNAVAILABLE: 'UNAVAILABLE',
  TIMEOUT: 'TIMEOUT',
  INTERNAL: 'INTERNAL',
} as const;

/**
 * The domain error every service throws: `ParleyError<'CONVERSATION_NOT_ASSIGNED'>` etc. Messaging turns it into an
 * error reply; console-api maps the code to an HTTP status.
 */
export class ParleyError<TCode extends string = string> extends Error {
  constructor(
    readonly code: TCode,
    message: string,
    readonly options: { retryable?: boolean; retryAfterMs?: number; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ParleyError';
  }

  get retryable(): boolean {
    return this.options.retryable ?? false;
  }

  toBody(): ErrorBody {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.options.retryAfterMs === undefined ? {} : { retryAfterMs: this.options.retryAfterMs }),
      ...(this.options.details === undefined ? {} : { details: this.options.details }),
    };
  }

  static fromBody(body: ErrorBody): ParleyError {
    return new ParleyError(body.code, body.message, {
      retryable: body.retryable,
      ...(body.retryAfterMs === undefined ? {} : { retryAfterMs: body.retryAfterMs }),
      ...(body.details === undefined ? {} : { details: body.details }),
    });
  }
}
