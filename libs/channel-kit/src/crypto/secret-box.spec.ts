import { randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32).toString('base64'));

  it('round-trips a value and never stores the plaintext', () => {
    const stored = box.encrypt('vk1.a.token', 'c1:token');
    expect(stored).not.toContain('vk1.a.token');
    expect(box.decrypt(stored, 'c1:token')).toBe('vk1.a.token');
  });

  it('uses a fresh IV for every value', () => {
    expect(box.encrypt('same', 'c1:token')).not.toBe(box.encrypt('same', 'c1:token'));
  });

  it('refuses a value bound to other data, a tampered value and another key', () => {
    const stored = box.encrypt('secret', 'c1:token');
    expect(() => box.decrypt(stored, 'c2:token')).toThrow(/authentication/);
    const parts = stored.split('.');
    const tampered = [parts[0], parts[1], parts[2], Buffer.from('x').toString('base64url')].join('.');
    expect(() => box.decrypt(tampered, 'c1:token')).toThrow(/authentication/);
    expect(() => new SecretBox(randomBytes(32).toString('base64')).decrypt(stored, 'c1:token')).toThrow(/authentication/);
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => new SecretBox(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
  });
});
