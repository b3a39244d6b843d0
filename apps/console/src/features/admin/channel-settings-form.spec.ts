import type { ChannelSettingField } from '../../api/types';
import { channelTypeMessages, fieldMessages, fillTemplate } from '../../i18n/channel-messages';
import { emptyValues, fieldTestId, settingsFromValues } from './channel-settings-form';

const vk: ChannelSettingField[] = [
  { key: 'groupId', kind: 'text', required: true, numeric: true, slug: 'community-id' },
  { key: 'secret', kind: 'secret', required: true },
];

describe('channel connect form helpers', () => {
  it('builds settings: text trimmed, secrets as typed, lists by line, empty optionals left out', () => {
    const fields: ChannelSettingField[] = [
      ...vk,
      { key: 'allowedOrigins', kind: 'list', required: true },
      { key: 'sendAsOperator', kind: 'boolean', required: false },
      { key: 'title', kind: 'text', required: false },
    ];
    const values = { ...emptyValues(fields), groupId: ' 42 ', secret: ' s3 ', allowedOrigins: 'https://a.example\n\n https://b.example ' };
    expect(settingsFromValues(fields, values)).toEqual({ groupId: '42', secret: ' s3 ', allowedOrigins: ['https://a.example', 'https://b.example'] });
    expect(settingsFromValues(fields, { ...values, sendAsOperator: true })).toMatchObject({ sendAsOperator: true });
  });

  it('names test ids by slug or kebab-case key', () => {
    expect(vk.map((f) => fieldTestId('vk', f))).toEqual(['vk-community-id', 'vk-secret']);
    expect(fieldTestId('facebook', { key: 'pageAccessToken', kind: 'secret', required: true })).toBe('facebook-page-access-token');
  });

  it('labels fields from the ru/en catalogue, falling back to English and then to the key', () => {
    expect(fieldMessages('vk', 'groupId', 'ru').label).toBe('ID сообщества');
    expect(fieldMessages('vk', 'groupId', 'en').label).toBe('Community id');
    expect(fieldMessages('viber', 'authToken', 'ru').label).toBe('Токен бота');
    expect(fieldMessages('facebook', 'pageAccessToken', 'ru').label).toBe('Маркер доступа страницы');
    expect(fieldMessages('vk', 'someNewField', 'ru').label).toBe('Some new field'); // no catalogue entry: from the key
    expect(channelTypeMessages('viber', 'en').name).toBe('Viber');
    expect(fillTemplate(channelTypeMessages('vk', 'en').defaultName, { groupId: '42' })).toBe('VK community 42');
  });
});
