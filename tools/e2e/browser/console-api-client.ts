/*
 * The few console-api calls the browser test makes to set things up (docs/api/console-api.md). Plain fetch over
 * HTTP, as an integrator would; every non-2xx answer throws with the API's error body.
 */

export type OperatorRole = 'admin' | 'supervisor' | 'operator';

export interface ApiOperator {
  id: string;
  email: string;
  name: string;
  role: OperatorRole;
}

export interface ApiLine {
  id: string;
  name: string;
  memberIds: string[];
}

export interface ApiChannel {
  id: string;
  type: string;
  lineId: string;
  name: string;
  status: 'active' | 'disconnected';
  externalId: string;
  webhookUrl: string;
}

export interface VkChannelSettings {
  /** The community id as a string (console-api refuses a JSON number). */
  groupId: string;
  confirmation: string;
  secret: string;
  token: string;
}

export class ConsoleApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what} → HTTP ${status}: ${body.slice(0, 500)}`);
    this.name = 'ConsoleApiError';
  }
}

export class ConsoleApiClient {
  private constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  static async login(baseUrl: string, email: string, password: string): Promise<ConsoleApiClient> {
    const answer = await send<{ accessToken: string }>(baseUrl, undefined, 'POST', '/api/auth/login', { email, password });
    return new ConsoleApiClient(baseUrl, answer.accessToken);
  }

  createOperator(input: { email: string; name: string; password: string; role: OperatorRole }): Promise<ApiOperator> {
    return send(this.baseUrl, this.token, 'POST', '/api/operators', input);
  }

  createLine(input: { name: string; sessionRule: { mode: 'reopen' | 'new'; reopenWithinHours?: number } }): Promise<ApiLine> {
    return send(this.baseUrl, this.token, 'POST', '/api/lines', input);
  }

  setLineMembers(lineId: string, operatorIds: string[]): Promise<ApiLine> {
    return send(this.baseUrl, this.token, 'PUT', `/api/lines/${lineId}/members`, { operatorIds });
  }

  connectVk(lineId: string, name: string, settings: VkChannelSettings): Promise<ApiChannel> {
    return send(this.baseUrl, this.token, 'POST', `/api/lines/${lineId}/channels`, { type: 'vk', name, settings });
  }

  /** Parley checks the token with getMe and registers the webhook with setWebhook itself. */
  connectTelegram(lineId: string, name: string, botToken: string): Promise<ApiChannel> {
    return send(this.baseUrl, this.token, 'POST', `/api/lines/${lineId}/channels`, { type: 'telegram', name, settings: { botToken } });
  }
}

async function send<T>(baseUrl: string, token: string | undefined, method: string, route: string, body: unknown): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
  const res = await fetch(new URL(route, baseUrl), {
    method,
    headers,
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  if (!res.ok) throw new ConsoleApiError(res.status, text, `${method} ${route}`);
  return JSON.parse(text) as T;
}
