import { chooseMessengerApis, describeMessengerApi, isUnusedSandbox, MESSENGER_APIS, messengerApiEnv } from './messenger-apis';
import { DEFAULT_PORTS } from './start-system';

describe('messenger API bases of `npm run up`', () => {
  it('uses the sandbox for a messenger whose variable is unset or empty, and starts that sandbox', () => {
    for (const vars of [{}, { VK_API_URL: '' }]) {
      const choices = chooseMessengerApis(vars, { ...DEFAULT_PORTS, sandbox: 3999 });
      expect(choices).toEqual([
        expect.objectContaining({ messenger: 'VK', source: 'sandbox', url: 'http://localhost:3999/method' }),
        expect.objectContaining({ messenger: 'Telegram', source: 'sandbox', url: 'http://localhost:3999' }),
        expect.objectContaining({ messenger: 'Viber', source: 'sandbox', url: 'http://localhost:3999/viber/pa' }),
      ]);
      expect(messengerApiEnv(choices, 'gateway-vk')).toEqual({ VK_API_URL: 'http://localhost:3999/method' });
      expect(messengerApiEnv(choices, 'gateway-telegram')).toEqual({ TELEGRAM_API_URL: 'http://localhost:3999' });
      expect(messengerApiEnv(choices, 'gateway-viber')).toEqual({ VIBER_API_URL: 'http://localhost:3999/viber/pa' });
      expect(isUnusedSandbox(choices, 'sandbox')).toBe(false);
      expect(describeMessengerApi(choices[0]!)).toBe('VK API: sandbox (http://localhost:3999/method); set VK_API_URL to use another');
    }
  });

  it('gives the gateway the URL that is set and does not start that messenger’s sandbox', () => {
    const all = { VK_API_URL: 'https://api.vk.com/method', TELEGRAM_API_URL: 'https://api.telegram.org', VIBER_API_URL: 'https://chatapi.viber.com/pa' };
    const choices = chooseMessengerApis(all, DEFAULT_PORTS);
    expect(messengerApiEnv(choices, 'gateway-vk')).toEqual({ VK_API_URL: 'https://api.vk.com/method' });
    expect(messengerApiEnv(choices, 'gateway-telegram')).toEqual({ TELEGRAM_API_URL: 'https://api.telegram.org' });
    expect(messengerApiEnv(choices, 'gateway-viber')).toEqual({ VIBER_API_URL: 'https://chatapi.viber.com/pa' });
    expect(isUnusedSandbox(choices, 'sandbox')).toBe(true);
    // Viber alone on the sandbox keeps it running.
    expect(isUnusedSandbox(chooseMessengerApis({ ...all, VIBER_API_URL: '' }, DEFAULT_PORTS), 'sandbox')).toBe(false);
    // One messenger still on the sandbox keeps the sandbox (it serves both fakes).
    expect(isUnusedSandbox(chooseMessengerApis({ VK_API_URL: 'https://api.vk.com/method' }, DEFAULT_PORTS), 'sandbox')).toBe(false);
    expect(describeMessengerApi(choices[0]!)).toBe('VK API: https://api.vk.com/method (from VK_API_URL); its sandbox is not started');
  });

  it('gives no API variable to a process that is not a gateway, and never skips a process that is not a sandbox', () => {
    const choices = chooseMessengerApis({ VK_API_URL: 'https://api.vk.com/method' }, DEFAULT_PORTS);
    expect(messengerApiEnv(choices, 'console-api')).toEqual({});
    expect(isUnusedSandbox(choices, 'gateway-vk')).toBe(false);
  });

  it('refuses a value that is not an http(s) URL, naming the variable', () => {
    expect(() => chooseMessengerApis({ VK_API_URL: 'api.vk.com/method' }, DEFAULT_PORTS)).toThrow(/^VK_API_URL must be an http\(s\) URL/);
    expect(() => chooseMessengerApis({ VK_API_URL: 'ftp://x/method' }, DEFAULT_PORTS)).toThrow(/VK_API_URL/);
  });

  it('has one entry per variable and per gateway', () => {
    const variables = MESSENGER_APIS.map((a) => a.variable);
    expect(new Set(variables).size).toBe(variables.length);
    expect(new Set(MESSENGER_APIS.map((a) => a.gateway)).size).toBe(MESSENGER_APIS.length);
  });
});
