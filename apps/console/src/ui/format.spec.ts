import { channelLabel, formatListTime, formatSize, initials } from './format';

describe('format', () => {
  it('formats sizes', () => {
    expect(formatSize(512)).toBe('512 B');
    expect(formatSize(1536)).toBe('1.5 KB');
    expect(formatSize(250 * 1024)).toBe('250 KB');
    expect(formatSize(3 * 1024 * 1024)).toBe('3.0 MB');
  });

  it('shows the time for today and the date otherwise', () => {
    const now = new Date('2025-03-10T15:00:00');
    expect(formatListTime('2025-03-10T09:05:00', now, 'en-GB')).toBe('09:05');
    expect(formatListTime('2025-03-01T09:05:00', now, 'en-GB')).toBe('1 Mar');
    expect(formatListTime('garbage', now)).toBe('');
  });

  it('makes initials and channel labels', () => {
    expect(initials('Ivan Petrov')).toBe('IP');
    expect(initials('anna')).toBe('A');
    expect(initials('  ')).toBe('?');
    expect(channelLabel('vk')).toBe('VK');
    expect(channelLabel('line')).toBe('LINE');
  });
});
