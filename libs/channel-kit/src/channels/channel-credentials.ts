import type { SecretBox } from '../crypto/secret-box';

/** Associated data binding each encrypted credential to its gateway, channel and field (`gateway-vk:<id>:token`). */
export function credentialBinding(serviceName: string, channelId: string, field: string): string {
  return `${serviceName}:${channelId}:${field}`;
}

/** Encrypts every string field of `secrets` (field → ciphertext). Non-string values are refused. */
export function encryptSecrets(box: SecretBox, serviceName: string, channelId: string, secrets: object): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, value] of Object.entries(secrets)) {
    if (typeof value !== 'string') throw new Error(`secret ${field} must be a string`);
    out[field] = box.encrypt(value, credentialBinding(serviceName, channelId, field));
  }
  return out;
}

/** Decrypts a channel's secrets (once per cache fill, not per request). Never log the result. */
export function decryptSecrets(box: SecretBox, serviceName: string, channelId: string, stored: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, value] of Object.entries(stored)) out[field] = box.decrypt(value, credentialBinding(serviceName, channelId, field));
  return out;
}
