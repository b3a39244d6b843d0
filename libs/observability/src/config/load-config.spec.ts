import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min } from 'class-validator';
import { ConfigValidationError, describeConfig, loadConfig } from './load-config';
import { ServiceConfig } from './service-config';

class GatewayConfig extends ServiceConfig {
  @IsUrl({ require_tld: false, protocols: ['postgres', 'postgresql'] })
  DATABASE_URL!: string;

  @IsString()
  @Matches(/^[a-f0-9]{32}$/)
  VK_APP_SECRET!: string;

  @IsInt()
  @Min(1)
  @Max(100)
  MAX_IN_FLIGHT: number = 16;

  @IsBoolean()
  WEBHOOK_VERIFY: boolean = true;

  @IsOptional()
  @IsIn(['a', 'b'])
  MODE?: 'a' | 'b';

  @IsString({ each: true })
  ALLOWED_ORIGINS: string[] = [];
}

const valid = {
  DATABASE_URL: 'postgres://parley@localhost:5432/parley',
  VK_APP_SECRET: '0123456789abcdef0123456789abcdef',
};

function failure(env: Record<string, string>): ConfigValidationError {
  try {
    loadConfig(GatewayConfig, env);
  } catch (err: unknown) {
    if (err instanceof ConfigValidationError) return err;
    throw err;
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig', () => {
  it('applies defaults from initialisers, including inherited ones', () => {
    const config = loadConfig(GatewayConfig, valid);
    expect(config).toBeInstanceOf(GatewayConfig);
    expect(config).toMatchObject({ PORT: 3000, HOST: '0.0.0.0', LOG_LEVEL: 'info', MAX_IN_FLIGHT: 16, WEBHOOK_VERIFY: true });
    expect(config.MODE).toBeUndefined();
  });

  it('converts numbers, booleans and lists', () => {
    const config = loadConfig(GatewayConfig, {
      ...valid,
      PORT: '8080',
      MAX_IN_FLIGHT: ' 32 ',
      WEBHOOK_VERIFY: 'false',
      ALLOWED_ORIGINS: 'https://a.example, https://b.example',
      LOG_LEVEL: 'debug',
    });
    expect(config.PORT).toBe(8080);
    expect(config.MAX_IN_FLIGHT).toBe(32);
    expect(config.WEBHOOK_VERIFY).toBe(false);
    expect(config.ALLOWED_ORIGINS).toEqual(['https://a.example', 'https://b.example']);
    expect(config.LOG_LEVEL).toBe('debug');
    expect(loadConfig(GatewayConfig, { ...valid, WEBHOOK_VERIFY: '0' }).WEBHOOK_VERIFY).toBe(false);
    expect(loadConfig(GatewayConfig, { ...valid, WEBHOOK_VERIFY: 'YES' }).WEBHOOK_VERIFY).toBe(true);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig(GatewayConfig, { ...valid, PORT: '' }).PORT).toBe(3000);
    expect(failure({ ...valid, DATABASE_URL: '  ' }).variables).toEqual(['DATABASE_URL']);
  });

  it('reads only the class properties, not the rest of the environment', () => {
    const config = loadConfig(GatewayConfig, { ...valid, PATH: '/usr/bin', HOME: '/root' });
    expect(Object.keys(config)).not.toContain('PATH');
  });

  it('names every offending variable in one error', () => {
    const err = failure({ PORT: 'eighty', MAX_IN_FLIGHT: '1000', WEBHOOK_VERIFY: 'maybe', LOG_LEVEL: 'loud', MODE: 'c' });
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.variables.sort()).toEqual(
      ['DATABASE_URL', 'LOG_LEVEL', 'MAX_IN_FLIGHT', 'MODE', 'PORT', 'VK_APP_SECRET', 'WEBHOOK_VERIFY'].sort(),
    );
    expect(err.message).toContain('GatewayConfig');
    expect(err.message).toMatch(/DATABASE_URL is missing/);
    expect(err.message).toMatch(/VK_APP_SECRET is missing/);
    expect(err.message).toMatch(/PORT must be a number/);
    expect(err.message).toMatch(/MAX_IN_FLIGHT must not be greater than 100/);
    expect(err.message).toMatch(/WEBHOOK_VERIFY must be a boolean/);
    expect(err.options.details).toEqual({ variables: err.variables });
  });

  it('never prints the values, secret or not', () => {
    const secret = 'not-a-hex-secret-but-still-secret';
    const err = failure({ ...valid, VK_APP_SECRET: secret, DATABASE_URL: 'mysql://root:pw-123@db/x', MODE: 'zzz-mode' });
    expect(err.variables.sort()).toEqual(['DATABASE_URL', 'MODE', 'VK_APP_SECRET']);
    const printed = `${err.message} ${JSON.stringify(err.problems)} ${err.stack ?? ''}`;
    expect(printed).not.toContain(secret);
    expect(printed).not.toContain('pw-123');
    expect(printed).not.toContain('zzz-mode');
  });

  it('describes a config for the boot log with secrets censored', () => {
    const config = loadConfig(GatewayConfig, { ...valid, DATABASE_URL: 'postgres://parley:pg-pass@localhost:5432/parley' });
    const described = describeConfig(config);
    expect(described['VK_APP_SECRET']).toBe('[REDACTED]');
    expect(JSON.stringify(described)).not.toContain('pg-pass');
    expect(described['PORT']).toBe(3000);
  });
});
