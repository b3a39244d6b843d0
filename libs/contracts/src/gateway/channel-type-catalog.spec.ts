import { ChannelTypeCatalog, checkChannelSettings } from './channel-type-catalog';

describe('ChannelTypeCatalog / checkChannelSettings', () => {
  const vk = { groupId: '42', confirmation: ' abc ', secret: ' s3 ', token: 'vk-token' };

  it('accepts VK settings: a numeric groupId becomes its string, text trimmed, secrets as given', () => {
    expect(checkChannelSettings('vk', { ...vk, groupId: 42 })).toEqual({ ok: true, settings: { ...vk, confirmation: 'abc' } });
  });

  it('names each bad, missing or unknown field, never its value', () => {
    const result = checkChannelSettings('vk', { groupId: 'club42', token: 'vk-token', extra: 'leaked?' });
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems.map((p) => p.field).sort()).toEqual(['confirmation', 'extra', 'groupId', 'secret']);
    expect(JSON.stringify(problems)).not.toContain('club42');
  });

  it('checks Telegram bot tokens and webchat origin lists', () => {
    expect(checkChannelSettings('telegram', { botToken: '123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw' }).ok).toBe(true);
    expect(checkChannelSettings('telegram', { botToken: 'not-a-token' }).ok).toBe(false);
    expect(checkChannelSettings('webchat', { allowedOrigins: ['https://shop.example'] }).ok).toBe(true);
    expect(checkChannelSettings('webchat', { allowedOrigins: ['javascript:alert(1)'] }).ok).toBe(false);
  });

  it('marks only types with a gateway as connectable, and secret fields as such', () => {
    const connectable = Object.values(ChannelTypeCatalog).filter((t) => t.connectable).map((t) => t.type);
    expect(connectable).toEqual(['vk', 'telegram', 'viber', 'facebook', 'instagram']);
    expect(ChannelTypeCatalog.facebook.settings.filter((f) => f.kind === 'secret').map((f) => f.key)).toEqual(['pageAccessToken', 'appSecret', 'verifyToken']);
    expect(ChannelTypeCatalog.instagram.settings.filter((f) => f.kind === 'secret').map((f) => f.key)).toEqual(['accessToken', 'appSecret', 'verifyToken']);
    expect(ChannelTypeCatalog.vk.settings.filter((f) => f.kind === 'secret').map((f) => f.key)).toEqual(['secret', 'token']);
  });
});
