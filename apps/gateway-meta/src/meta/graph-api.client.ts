import { ParleyError, SendErrorCodes } from '@parley/contracts';

/** A Graph API refusal: `{error:{message,type,code,error_subcode,fbtrace_id}}` with its HTTP status. */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    readonly subcode: number | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'GraphError';
  }
}

export interface GraphClientOptions {
  /** `https://graph.facebook.com` or `https://graph.instagram.com` (no version). */
  baseUrl: string;
  version: string;
  timeoutMs: number;
}

/**
 * A small Graph API client (fetch): versioned paths, the token as a Bearer header (never in a URL that could be
 * logged), Graph errors as `GraphError`, network failures and 5xx as retryable `MESSENGER_UNAVAILABLE`.
 */
export class GraphApiClient {
  constructor(private readonly options: GraphClientOptions) {}

  get<T>(path: string, token: string, params: Record<string, string> = {}): Promise<T> {
    return this.call<T>('GET', path, token, params);
  }

  post<T>(path: string, token: string, body?: Record<string, unknown> | FormData, params: Record<string, string> = {}): Promise<T> {
    return this.call<T>('POST', path, token, params, body);
  }

  delete<T>(path: string, token: string): Promise<T> {
    return this.call<T>('DELETE', path, token, {});
  }

  private async call<T>(method: string, path: string, token: string, params: Record<string, string>, body?: Record<string, unknown> | FormData): Promise<T> {
    const url = new URL(`${this.options.baseUrl.replace(/\/$/, '')}/${this.options.version}${path}`);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    let payload: string | FormData | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    let res: Response;
    try {
      res = await fetch(url, { method, headers, signal: AbortSignal.timeout(this.options.timeoutMs), ...(payload === undefined ? {} : { body: payload }) });
    } catch (err: unknown) {
      throw new ParleyError(SendErrorCodes.MESSENGER_UNAVAILABLE, `Graph API ${method} ${path} failed: ${err instanceof Error ? err.name : 'network error'}`, { retryable: true });
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text) as unknown;
    } catch {
      json = undefined;
    }
    const error = (json as { error?: { code?: unknown; error_subcode?: unknown; message?: unknown } } | undefined)?.error;
    if (res.ok && json !== undefined && !error) return json as T;
    if (error && typeof error.code === 'number') {
      throw new GraphError(res.status, error.code, typeof error.error_subcode === 'number' ? error.error_subcode : undefined, typeof error.message === 'string' ? error.message : 'Graph API error');
    }
    throw new ParleyError(SendErrorCodes.MESSENGER_UNAVAILABLE, `Graph API ${method} ${path} answered HTTP ${res.status}`, { retryable: true, details: { status: res.status } });
  }
}
