import { createServer } from 'node:net';
import type { SystemPorts } from './start-system';

/** The variable that moves each port of `npm run up`. */
export const PORT_VARIABLES: Readonly<Record<keyof SystemPorts, string>> = {
  consoleApi: 'PARLEY_CONSOLE_PORT',
  gatewayVk: 'PARLEY_GATEWAY_VK_PORT',
  gatewayTelegram: 'PARLEY_GATEWAY_TELEGRAM_PORT',
  gatewayViber: 'PARLEY_GATEWAY_VIBER_PORT',
  conversationService: 'PARLEY_CONVERSATION_SERVICE_PORT',
  contactService: 'PARLEY_CONTACT_SERVICE_PORT',
  routingService: 'PARLEY_ROUTING_SERVICE_PORT',
  outboundDispatcher: 'PARLEY_OUTBOUND_DISPATCHER_PORT',
  sandbox: 'PARLEY_SANDBOX_PORT',
  nats: 'PARLEY_NATS_PORT',
  postgres: 'PARLEY_POSTGRES_PORT',
};

const PORT_OWNERS: Readonly<Record<keyof SystemPorts, string>> = {
  consoleApi: 'console-api',
  gatewayVk: 'gateway-vk',
  gatewayTelegram: 'gateway-telegram',
  gatewayViber: 'gateway-viber',
  conversationService: 'conversation-service',
  contactService: 'contact-service',
  routingService: 'routing-service',
  outboundDispatcher: 'outbound-dispatcher',
  sandbox: 'the messenger sandbox',
  nats: 'the local nats-server',
  postgres: 'the embedded Postgres',
};

/** Every port from its variable, else the default; a value that is not a TCP port is refused, naming the variable. */
export function portsFromEnv(env: Readonly<Record<string, string | undefined>>, defaults: SystemPorts): SystemPorts {
  const ports = { ...defaults };
  for (const key of Object.keys(PORT_VARIABLES) as Array<keyof SystemPorts>) {
    const name = PORT_VARIABLES[key];
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const port = Number(raw);
    if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`${name} must be a TCP port, got "${raw}"`);
    ports[key] = port;
  }
  return ports;
}

export interface PortUse {
  key: keyof SystemPorts;
  port: number;
  /** Who listens there (a process name). */
  owner: string;
  variable: string;
}

/**
 * The ports this run will listen on: every service, the sandbox when it runs, the local nats-server and the
 * embedded Postgres unless NATS_URL / DATABASE_URL name others.
 */
export function portsToListenOn(ports: SystemPorts, uses: { sandbox: boolean; nats: boolean; postgres: boolean }): PortUse[] {
  return (Object.keys(PORT_VARIABLES) as Array<keyof SystemPorts>)
    .filter((key) => (key === 'sandbox' ? uses.sandbox : key === 'nats' ? uses.nats : key === 'postgres' ? uses.postgres : true))
    .map((key) => ({ key, port: ports[key], owner: PORT_OWNERS[key], variable: PORT_VARIABLES[key] }));
}

function canListen(port: number): Promise<'free' | 'in use' | 'not allowed'> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') resolve('in use');
      else if (err.code === 'EACCES') resolve('not allowed');
      else reject(err);
    });
    // No host: the wildcard address, which collides with a listener on 0.0.0.0, :: or 127.0.0.1 alike.
    probe.listen(port, () => probe.close(() => resolve('free')));
  });
}

/**
 * Checks before anything starts that each port can be listened on (two uses of one port count as a clash), and
 * fails with one message naming every port in the way, who needs it and the variable that moves it.
 */
export async function assertPortsFree(uses: readonly PortUse[]): Promise<void> {
  const problems: string[] = [];
  const seen = new Map<number, PortUse>();
  for (const use of uses) {
    const first = seen.get(use.port);
    if (first) {
      problems.push(`port ${use.port} is set for both ${first.owner} and ${use.owner}: set ${use.variable} to another port`);
      continue;
    }
    seen.set(use.port, use);
    const state = await canListen(use.port);
    if (state !== 'free') {
      problems.push(`port ${use.port} (${use.owner}) is ${state === 'in use' ? 'already in use' : 'not allowed for this user'}: stop what listens there or set ${use.variable}=<another port>`);
    }
  }
  if (problems.length > 0) throw new Error(`cannot listen on every port it needs:\n  ${problems.join('\n  ')}`);
}
