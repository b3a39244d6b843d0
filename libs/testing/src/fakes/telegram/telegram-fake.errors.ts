/** The Bot API's error descriptions the fake answers (the strings Telegram itself sends). */
export const TgErrors = {
  unauthorized: 'Unauthorized',
  notFound: 'Not Found',
  chatNotFound: 'Bad Request: chat not found',
  userNotFound: 'Bad Request: user not found',
  chatIdEmpty: 'Bad Request: chat_id is empty',
  textEmpty: 'Bad Request: message text is empty',
  textTooLong: 'Bad Request: message is too long',
  captionTooLong: 'Bad Request: message caption is too long',
  replyNotFound: 'Bad Request: message to be replied not found',
  noPhoto: 'Bad Request: there is no photo in the request',
  noDocument: 'Bad Request: there is no document in the request',
  wrongFile: 'Bad Request: wrong file identifier/HTTP URL specified',
  fileTypeMismatch: 'Bad Request: type of file mismatch',
  invalidFileId: 'Bad Request: invalid file_id',
  fileTooBig: 'Bad Request: file is too big',
  entityTooLarge: 'Request Entity Too Large',
  blocked: 'Forbidden: bot was blocked by the user',
  cantInitiate: "Forbidden: bot can't initiate conversation with a user",
  webhookConflict: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
  internal: 'Internal Server Error',
} as const;

/** Thrown by method handlers; the server answers HTTP `code` with `{ok:false, error_code, description, parameters?}`. */
export class TgApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly retryAfter?: number,
  ) {
    super(description);
    this.name = 'TgApiError';
  }

  static badRequest(detail: string): TgApiError {
    return new TgApiError(400, `Bad Request: ${detail}`);
  }

  static tooManyRequests(retryAfter: number): TgApiError {
    return new TgApiError(429, `Too Many Requests: retry after ${retryAfter}`, retryAfter);
  }

  /** The error body, as Telegram sends it. */
  body(): { ok: false; error_code: number; description: string; parameters?: { retry_after: number } } {
    return {
      ok: false,
      error_code: this.code,
      description: this.description,
      ...(this.retryAfter === undefined ? {} : { parameters: { retry_after: this.retryAfter } }),
    };
  }
}

/** A default description for an injected error code. */
export function defaultDescription(code: number, retryAfter: number | undefined): string {
  if (code === 429) return `Too Many Requests: retry after ${retryAfter ?? 1}`;
  if (code === 401) return TgErrors.unauthorized;
  if (code === 403) return TgErrors.blocked;
  if (code === 404) return TgErrors.notFound;
  if (code === 400) return 'Bad Request: injected fault';
  if (code >= 500) return TgErrors.internal;
  return `Error ${code}`;
}
