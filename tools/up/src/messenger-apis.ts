import type { SystemPorts, SystemProcessName } from './start-system';

/** One messenger API base the launcher passes to a gateway: the given URL, or its sandbox's fake. */
export interface MessengerApi {
  /** The messenger's name in the launcher's output. */
  messenger: string;
  /** The variable the gateway reads; set for `npm run up`, the gateway gets it and the sandbox is not needed. */
  variable: string;
  gateway: SystemProcessName;
  /** The process serving a fake of this API when the variable is not set. */
  sandbox: SystemProcessName;
  sandboxUrl(ports: SystemPorts): string;
}

/**
 * Every messenger API base of the system, one line each. A new gateway adds its line here (and its processes to
 * start-system's list), e.g. Meta's (Graph API) META_API_URL.
 */
export const MESSENGER_APIS = [
  { messenger: 'VK', variable: 'VK_API_URL', gateway: 'gateway-vk', sandbox: 'sandbox', sandboxUrl: (p) => `http://localhost:${p.sandbox}/method` },
  { messenger: 'Telegram', variable: 'TELEGRAM_API_URL', gateway: 'gateway-telegram', sandbox: 'sandbox', sandboxUrl: (p) => `http://localhost:${p.sandbox}` },
  { messenger: 'Viber', variable: 'VIBER_API_URL', gateway: 'gateway-viber', sandbox: 'sandbox', sandboxUrl: (p) => `http://localhost:${p.sandbox}/viber/pa` },
] as const satisfies readonly MessengerApi[];

export type MessengerApiVariable = (typeof MESSENGER_APIS)[number]['variable'];

export interface MessengerApiChoice {
  messenger: string;
  variable: string;
  gateway: SystemProcessName;
  sandbox: SystemProcessName;
  /** The base the gateway is given. */
  url: string;
  /** `given`: from the variable; `sandbox`: the sandbox's fake (the sandbox process then runs). */
  source: 'given' | 'sandbox';
}

/**
 * Which API base each messenger uses: the variable's value when it is set (not empty), else its sandbox. A value
 * that is not an http(s) URL is refused here, naming the variable, before anything starts.
 */
export function chooseMessengerApis(vars: Readonly<Record<string, string | undefined>>, ports: SystemPorts): MessengerApiChoice[] {
  return MESSENGER_APIS.map((api: MessengerApi) => {
    const { messenger, variable, gateway, sandbox } = api;
    const given = vars[variable];
    if (given === undefined || given === '') return { messenger, variable, gateway, sandbox, url: api.sandboxUrl(ports), source: 'sandbox' };
    let parsed: URL | undefined;
    try {
      parsed = new URL(given);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
      throw new Error(`${variable} must be an http(s) URL of the ${messenger} API, got "${given}"`);
    }
    return { messenger, variable, gateway, sandbox, url: given, source: 'given' };
  });
}

/** The API variables of one process (a gateway gets its messenger's base; others get none). */
export function messengerApiEnv(choices: readonly MessengerApiChoice[], process: SystemProcessName): Record<string, string> {
  const env: Record<string, string> = {};
  for (const choice of choices) if (choice.gateway === process) env[choice.variable] = choice.url;
  return env;
}

/** True for a sandbox process no messenger uses (every messenger it fakes was given a URL): it is not started. */
export function isUnusedSandbox(choices: readonly MessengerApiChoice[], process: SystemProcessName): boolean {
  const serves = choices.filter((c) => c.sandbox === process);
  return serves.length > 0 && serves.every((c) => c.source === 'given');
}

/** The launcher's line for one messenger, e.g. `VK API: sandbox (http://localhost:3200/method)`. */
export function describeMessengerApi(choice: MessengerApiChoice): string {
  return choice.source === 'sandbox'
    ? `${choice.messenger} API: sandbox (${choice.url}); set ${choice.variable} to use another`
    : `${choice.messenger} API: ${choice.url} (from ${choice.variable}); its sandbox is not started`;
}
