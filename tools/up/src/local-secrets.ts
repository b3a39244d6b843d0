import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface LocalSecrets {
  /** AES-256-GCM key for messenger credentials at rest (base64, 32 bytes). */
  secretKey: string;
  /** HMAC key of console access tokens. */
  authSecret: string;
  adminEmail: string;
  adminPassword: string;
  /** True when this run created them (the admin password is printed only then). */
  created: boolean;
}

/**
 * Secrets of the local system, made at the first `npm run up` and kept in `<stateDir>/secrets.json` (mode 0600),
 * so restarts keep decrypting stored tokens and the admin keeps their password. Environment variables win.
 */
export async function loadLocalSecrets(stateDir: string, env: NodeJS.ProcessEnv): Promise<LocalSecrets> {
  const file = path.join(stateDir, 'secrets.json');
  let stored: Omit<LocalSecrets, 'created'> | undefined;
  try {
    stored = JSON.parse(await readFile(file, 'utf8')) as Omit<LocalSecrets, 'created'>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const created = stored === undefined;
  const secrets = stored ?? {
    secretKey: randomBytes(32).toString('base64'),
    authSecret: randomBytes(32).toString('base64url'),
    adminEmail: 'admin@parley.local',
    adminPassword: randomBytes(9).toString('base64url'),
  };
  if (created) await writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return {
    secretKey: env['PARLEY_SECRET_KEY'] ?? secrets.secretKey,
    authSecret: env['PARLEY_AUTH_SECRET'] ?? secrets.authSecret,
    adminEmail: env['PARLEY_ADMIN_EMAIL'] ?? secrets.adminEmail,
    adminPassword: env['PARLEY_ADMIN_PASSWORD'] ?? secrets.adminPassword,
    created,
  };
}
