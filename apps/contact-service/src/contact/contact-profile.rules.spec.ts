import { initialProfile, placeholderName, profileName } from './contact-profile.rules';

describe('contact profile rules', () => {
  it('names an unknown customer after the channel until the profile is known', () => {
    expect(placeholderName('vk', '42')).toBe('VK user 42');
    expect(placeholderName('telegram', '7')).toBe('Telegram user 7');
    expect(placeholderName('webchat', 'abc')).toBe('Web chat visitor abc');
  });

  it('starts with the placeholder and a pending fetch when the gateway gave no name', () => {
    expect(initialProfile('vk', '42', {})).toEqual({ displayName: 'VK user 42', nameSource: 'placeholder', profileStatus: 'pending' });
    expect(initialProfile('vk', '42', { displayName: '   ' }).nameSource).toBe('placeholder');
  });

  it('uses a name hint at once and skips the fetch when there is no avatar to copy', () => {
    expect(initialProfile('viber', 'u1', { displayName: ' Anna ' })).toEqual({
      displayName: 'Anna',
      nameSource: 'hint',
      profileStatus: 'not_needed',
    });
  });

  it('still fetches when the hint has an avatar (only the gateway copies it into the attachment store)', () => {
    expect(initialProfile('vk', '1', { displayName: 'Anna', avatarUrl: 'https://vk.example/a.jpg' })).toMatchObject({
      displayName: 'Anna',
      profileStatus: 'pending',
    });
  });

  it('takes a fetched name only when it is not blank, bounded to 200 characters', () => {
    expect(profileName(' Ivan Petrov ')).toBe('Ivan Petrov');
    expect(profileName('  ')).toBeUndefined();
    expect(profileName('x'.repeat(300))).toHaveLength(200);
  });
});
