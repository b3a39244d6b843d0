import { ParleyError } from '@parley/contracts';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync, type ValidationError } from 'class-validator';
import { isSecretKey, REDACTED, scrubString } from '../logging/redact';

export type ConfigClass<T extends object> = new () => T;

export interface ConfigProblem {
  /** The environment variable (the config class's property name). */
  variable: string;
  /** What is wrong, e.g. `is missing`, `must be an integer number`. Never contains the value. */
  problems: string[];
}

/** A configuration that does not validate. The message lists every offending variable, never a value. */
export class ConfigValidationError extends ParleyError<'CONFIG_INVALID'> {
  constructor(
    readonly configName: string,
    readonly problems: ConfigProblem[],
  ) {
    super(
      'CONFIG_INVALID',
      `Invalid configuration (${configName}): ` +
        problems.map((p) => `${p.variable} ${p.problems.join(', ')}`).join('; '),
      { details: { variables: problems.map((p) => p.variable) } },
    );
    this.name = 'ConfigValidationError';
  }

  get variables(): string[] {
    return this.problems.map((p) => p.variable);
  }
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/**
 * Reads a typed configuration from environment variables and validates it, once, at boot.
 *
 * The config class names its variables as properties (`PORT`, `DATABASE_URL`), declares their rules with
 * class-validator decorators and their defaults with initialisers. Only the class's own properties are read;
 * an empty variable counts as unset (the default applies). Numbers are converted implicitly; booleans accept
 * true/false, 1/0, yes/no, on/off (class-transformer's implicit conversion would turn "false" into `true`);
 * array properties take comma-separated lists. Every problem is reported at once in a `ConfigValidationError`.
 */
export function loadConfig<T extends object>(
  configClass: ConfigClass<T>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): T {
  const keys = configKeys(configClass);
  const plain: Record<string, unknown> = {};
  const unparsable = new Map<string, string>();
  for (const key of keys) {
    const raw = env[key];
    if (raw === undefined || raw.trim() === '') continue;
    const type: unknown = Reflect.getMetadata('design:type', configClass.prototype, key);
    if (type === Boolean) {
      const lower = raw.trim().toLowerCase();
      if (TRUE.has(lower)) plain[key] = true;
      else if (FALSE.has(lower)) plain[key] = false;
      else unparsable.set(key, 'must be a boolean (true/false, 1/0, yes/no, on/off)');
    } else if (type === Number) {
      const value = Number(raw.trim());
      if (Number.isNaN(value)) unparsable.set(key, 'must be a number');
      else plain[key] = value;
    } else if (type === Array) {
      plain[key] = raw
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
    } else {
      plain[key] = raw;
    }
  }

  const instance = plainToInstance(configClass, plain, { enableImplicitConversion: true, exposeDefaultValues: true });
  const errors = validateSync(instance, {
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
  });

  const problems = new Map<string, string[]>();
  for (const [key, message] of unparsable) problems.set(key, [message]);
  for (const error of flatten(errors)) {
    if (unparsable.has(error.path)) continue;
    const value = (instance as Record<string, unknown>)[error.path.split('.')[0] ?? ''];
    const messages =
      value === undefined
        ? ['is missing']
        : error.messages.map((m) => hideValue(m.replace(new RegExp(`^${escapeRegExp(error.path)}\\s+`), ''), env[error.path]));
    problems.set(error.path, [...(problems.get(error.path) ?? []), ...messages]);
  }
  if (problems.size > 0) {
    const list = [...problems.entries()]
      .map(([variable, messages]) => ({ variable, problems: [...new Set(messages)] }))
      .sort((a, b) => keys.indexOf(a.variable) - keys.indexOf(b.variable));
    throw new ConfigValidationError(configClass.name, list);
  }
  return instance;
}

/** The variables a config class reads: its decorated properties and those with initialisers, parents included. */
export function configKeys<T extends object>(configClass: ConfigClass<T>): string[] {
  const keys = new Set<string>(Object.keys(new configClass()));
  for (const meta of getMetadataStorage().getTargetValidationMetadatas(configClass, '', true, false)) {
    keys.add(meta.propertyName);
  }
  return [...keys];
}

/**
 * A config instance safe to log: values of secret-looking variables (`*_TOKEN`, `*_SECRET`, `*PASSWORD*`, and
 * URLs with credentials) are censored.
 */
export function describeConfig<T extends object>(config: T): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).map(([key, value]) => [
      key,
      isSecretKey(key) && value !== undefined ? REDACTED : typeof value === 'string' ? scrubString(value) : value,
    ]),
  );
}

function flatten(errors: ValidationError[], prefix = ''): Array<{ path: string; messages: string[] }> {
  return errors.flatMap((error) => {
    const path = prefix === '' ? error.property : `${prefix}.${error.property}`;
    const own = error.constraints === undefined ? [] : [{ path, messages: Object.values(error.constraints) }];
    return [...own, ...flatten(error.children ?? [], path)];
  });
}

function hideValue(message: string, raw: string | undefined): string {
  if (raw === undefined || raw.trim().length < 3) return message;
  return message.split(raw).join('[value hidden]');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
