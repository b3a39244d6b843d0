import { createServer, type Server } from 'node:net';
import { freePort } from '@parley/testing';
import { assertPortsFree, PORT_VARIABLES, portsFromEnv, portsToListenOn } from './port-check';
import { DEFAULT_PORTS, type SystemPorts } from './start-system';

function listen(port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

const close = (server: Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

async function freeAll(): Promise<SystemPorts> {
  const ports = { ...DEFAULT_PORTS };
  for (const key of Object.keys(ports) as Array<keyof SystemPorts>) ports[key] = await freePort();
  return ports;
}

describe('the ports of `npm run up`', () => {
  it('has a variable for every port and reads them, refusing a value that is not a port', () => {
    expect(Object.keys(PORT_VARIABLES).sort()).toEqual(Object.keys(DEFAULT_PORTS).sort());
    expect(portsFromEnv({ PARLEY_GATEWAY_VIBER_PORT: '4107' }, DEFAULT_PORTS)).toEqual({ ...DEFAULT_PORTS, gatewayViber: 4107 });
    expect(DEFAULT_PORTS.gatewayViber).toBe(3107);
    expect(portsFromEnv({ PARLEY_CONVERSATION_SERVICE_PORT: '4102', PARLEY_CONSOLE_PORT: '' }, DEFAULT_PORTS)).toEqual({
      ...DEFAULT_PORTS,
      conversationService: 4102,
    });
    expect(() => portsFromEnv({ PARLEY_NATS_PORT: 'nats' }, DEFAULT_PORTS)).toThrow('PARLEY_NATS_PORT must be a TCP port, got "nats"');
  });

  it('passes when every port is free', async () => {
    await expect(assertPortsFree(portsToListenOn(await freeAll(), { sandbox: true, nats: true, postgres: true }))).resolves.toBeUndefined();
  });

  it('names a taken port, who needs it and the variable that moves it (a listener on 127.0.0.1 or 0.0.0.0)', async () => {
    const ports = await freeAll();
    const blockers = [await listen(ports.consoleApi, '0.0.0.0'), await listen(ports.nats, '127.0.0.1')];
    try {
      const uses = portsToListenOn(ports, { sandbox: true, nats: true, postgres: true });
      const error = await assertPortsFree(uses).then(() => undefined, (err: unknown) => err as Error);
      expect(error?.message).toContain(`port ${ports.consoleApi} (console-api) is already in use: stop what listens there or set PARLEY_CONSOLE_PORT=<another port>`);
      expect(error?.message).toContain(`port ${ports.nats} (the local nats-server) is already in use`);
      expect(error?.message).toContain('PARLEY_NATS_PORT');
      expect(error?.message).not.toContain(`port ${ports.gatewayVk} `);
      // With NATS_URL given the local nats-server's port is not needed, so it is not checked.
      const withoutNats = portsToListenOn(ports, { sandbox: true, nats: false, postgres: true });
      expect(withoutNats.map((u) => u.key)).not.toContain('nats');
    } finally {
      await Promise.all(blockers.map(close));
    }
  });

  it('reports one port set for two processes', async () => {
    const ports = await freeAll();
    ports.sandbox = ports.consoleApi;
    await expect(assertPortsFree(portsToListenOn(ports, { sandbox: true, nats: false, postgres: false }))).rejects.toThrow(
      `port ${ports.consoleApi} is set for both console-api and the messenger sandbox: set PARLEY_SANDBOX_PORT to another port`,
    );
  });
});
