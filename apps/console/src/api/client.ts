import type {
  ApiErrorBody,
  Attachment,
  Channel,
  ChannelTypeInfo,
  ContactDetails,
  Conversation,
  ConversationStatus,
  LoginResponse,
  Line,
  Message,
  Operator,
  ReplyRequest,
  Role,
  SessionRule,
} from './types';

/** An error answer of console-api (`{error: {code, message}}`), or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return 'Something went wrong';
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = (value as { error: unknown }).error;
  return typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string';
}

export interface ClientOptions {
  getToken(): string | undefined;
  /** Called on 401 for an authenticated request (expired token): the app logs out. */
  onUnauthorized(): void;
  fetchImpl?: typeof fetch;
}

export interface ConversationQuery {
  lineId?: string;
  status?: ConversationStatus;
  assigneeId?: string;
  contactId?: string;
}

/** The bytes of an attachment; the token goes in the query because `<img src>` and links cannot send headers. */
export function attachmentUrl(id: string, token: string | undefined): string {
  return withAccessToken(`/api/attachments/${encodeURIComponent(id)}`, token);
}

/**
 * `<img src>` and download links cannot send the Authorization header, so console-api URLs (such as a contact's
 * `avatarUrl`, `/api/attachments/<id>`) carry the token as `access_token`. Other URLs are returned unchanged.
 */
export function withAccessToken(url: string, token: string | undefined): string {
  if (!token || !url.startsWith('/api/')) return url;
  return `${url}${url.includes('?') ? '&' : '?'}${new URLSearchParams({ access_token: token }).toString()}`;
}

/** Typed access to console-api (docs/api/console-api.md). */
export function createApiClient(options: ClientOptions) {
  const doFetch = options.fetchImpl ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));

  async function request<T>(method: string, path: string, body?: unknown, form?: FormData): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const token = options.getToken();
    if (token) headers['Authorization'] = `Bearer ${token}`;
    let payload: BodyInit | undefined;
    if (form) payload = form;
    else if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    let response: Response;
    try {
      response = await doFetch(path, { method, headers, body: payload });
    } catch {
      throw new ApiError(0, 'NETWORK', 'Cannot reach the Parley server. Check your connection and try again.');
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      if (response.status === 401 && token) options.onUnauthorized();
      if (isErrorBody(parsed)) throw new ApiError(response.status, parsed.error.code, parsed.error.message, parsed.error.details);
      throw new ApiError(response.status, `HTTP_${response.status}`, `The server answered ${response.status} ${response.statusText}`.trim());
    }
    return parsed as T;
  }

  const id = encodeURIComponent;

  return {
    login: (email: string, password: string) => request<LoginResponse>('POST', '/api/auth/login', { email, password }),
    me: () => request<Operator>('GET', '/api/me'),

    listOperators: () => request<Operator[]>('GET', '/api/operators'),
    createOperator: (input: { email: string; name: string; password: string; role: Role }) =>
      request<Operator>('POST', '/api/operators', input),
    updateOperator: (operatorId: string, input: { name?: string; role?: Role }) =>
      request<Operator>('PATCH', `/api/operators/${id(operatorId)}`, input),

    listLines: () => request<Line[]>('GET', '/api/lines'),
    createLine: (input: { name: string; sessionRule: SessionRule }) => request<Line>('POST', '/api/lines', input),
    updateLine: (lineId: string, input: { name?: string; sessionRule?: SessionRule }) =>
      request<Line>('PATCH', `/api/lines/${id(lineId)}`, input),
    setLineMembers: (lineId: string, operatorIds: string[]) =>
      request<Line>('PUT', `/api/lines/${id(lineId)}/members`, { operatorIds }),

    listChannels: (lineId: string) => request<Channel[]>('GET', `/api/channels?lineId=${id(lineId)}`),
    listChannelTypes: () => request<ChannelTypeInfo[]>('GET', '/api/channel-types'),
    connectChannel: (lineId: string, type: string, name: string, settings: Record<string, unknown>) =>
      request<Channel>('POST', `/api/lines/${id(lineId)}/channels`, { type, name, settings }),
    updateChannel: (channelId: string, input: { name?: string; active?: boolean }) =>
      request<Channel>('PATCH', `/api/channels/${id(channelId)}`, input),
    deleteChannel: (channelId: string) => request<void>('DELETE', `/api/channels/${id(channelId)}`),

    listConversations: (query: ConversationQuery) => {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
      return request<Conversation[]>('GET', `/api/conversations?${params.toString()}`);
    },
    getConversation: (conversationId: string) => request<Conversation>('GET', `/api/conversations/${id(conversationId)}`),
    listMessages: (conversationId: string) => request<Message[]>('GET', `/api/conversations/${id(conversationId)}/messages`),
    accept: (conversationId: string) => request<Conversation>('POST', `/api/conversations/${id(conversationId)}/accept`),
    close: (conversationId: string) => request<Conversation>('POST', `/api/conversations/${id(conversationId)}/close`),
    reply: (conversationId: string, reply: ReplyRequest) =>
      request<Message>('POST', `/api/conversations/${id(conversationId)}/replies`, reply),
    upload: (file: File) => {
      const form = new FormData();
      form.append('file', file, file.name);
      return request<Attachment>('POST', '/api/attachments', undefined, form);
    },
    getContact: (contactId: string) => request<ContactDetails>('GET', `/api/contacts/${id(contactId)}`),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
