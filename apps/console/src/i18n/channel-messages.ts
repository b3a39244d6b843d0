/*
 * The console's ru/en messages for channel types: the connect form's title, help, field labels and the hint where
 * to paste the webhook URL. The fields themselves come from console-api (`GET /api/channel-types`, i.e.
 * ChannelTypeCatalog in libs/contracts); adding a messenger adds its entry here, not a form.
 */

export type Locale = 'en' | 'ru';

export interface FieldMessages {
  label: string;
  placeholder?: string;
}

export interface ChannelTypeMessages {
  /** Shown on badges and in the type picker. */
  name: string;
  connectTitle: string;
  help: string;
  /** Name used when the admin leaves it empty; `{key}` is replaced by that setting's value. */
  defaultName: string;
  /** After connecting: where the webhook URL goes (empty when Parley registers it itself). */
  webhookHint: string;
  /** What `externalId` is (community, bot, page). */
  externalIdLabel: string;
  fields: Readonly<Record<string, FieldMessages>>;
}

export interface CommonChannelMessages {
  nameLabel: string;
  namePlaceholder: string;
  typeLabel: string;
  connect: string;
  checking: string;
  listHint: string;
}

const en: { common: CommonChannelMessages; types: Readonly<Record<string, ChannelTypeMessages>> } = {
  common: {
    nameLabel: 'Name in Parley',
    namePlaceholder: 'e.g. Shop support',
    typeLabel: 'Messenger',
    connect: 'Connect',
    checking: 'Checking with {messenger}…',
    listHint: 'No channels yet. Connect a messenger account.',
  },
  types: {
    vk: {
      name: 'VK',
      connectTitle: 'Connect VK community',
      help:
        'In your community: Manage → API usage. Create an access key with the “messages”, “photos” and “docs” rights, then open Callback API for the confirmation string and set a secret key.',
      defaultName: 'VK community {groupId}',
      webhookHint: 'Paste this address into your VK community: Manage → API usage → Callback API → Server address, then press “Confirm”.',
      externalIdLabel: 'community',
      fields: {
        groupId: { label: 'Community id', placeholder: 'e.g. 218765432' },
        confirmation: { label: 'Confirmation string' },
        secret: { label: 'Secret key' },
        token: { label: 'Community token' },
      },
    },
    telegram: {
      name: 'Telegram',
      connectTitle: 'Connect Telegram bot',
      help: 'Create a bot with @BotFather and paste its token. Parley registers its webhook with Telegram itself.',
      defaultName: 'Telegram bot',
      webhookHint: '',
      externalIdLabel: 'bot',
      fields: { botToken: { label: 'Bot token', placeholder: '123456789:AA…' } },
    },
    viber: {
      name: 'Viber',
      connectTitle: 'Connect Viber bot',
      help:
        'Paste the token of your Viber bot (Viber Partners portal, bot info). New bots are commercial since February 2024. Parley registers its webhook with Viber itself and gives you the link to put on your site.',
      defaultName: 'Viber bot',
      webhookHint: '',
      externalIdLabel: 'bot',
      fields: { authToken: { label: 'Auth token' }, sendAsOperator: { label: 'Show the operator’s name as the sender' } },
    },
    facebook: {
      name: 'Facebook Messenger',
      connectTitle: 'Connect Facebook page',
      help:
        'In your Meta app (developers.facebook.com): add Messenger, generate a Page access token, copy the App Secret (App settings → Basic) and choose a verify token. Parley checks the token and subscribes the page to the webhook fields itself.',
      defaultName: 'Facebook page {pageId}',
      webhookHint: 'Paste this address as the Callback URL in your Meta app (Messenger → Webhooks) with the same verify token.',
      externalIdLabel: 'page',
      fields: {
        pageId: { label: 'Page id' },
        pageAccessToken: { label: 'Page access token', placeholder: 'EAA…' },
        appSecret: { label: 'App Secret' },
        verifyToken: { label: 'Verify token' },
        humanAgent: { label: 'The app has the Human Agent permission (answer up to 7 days)' },
        language: { label: 'Language of the channel', placeholder: 'e.g. en' },
      },
    },
    instagram: {
      name: 'Instagram',
      connectTitle: 'Connect Instagram professional account',
      help:
        'In your Meta app: add Instagram messaging, generate an access token for the account (Instagram Login or the linked Facebook page), copy the App Secret and choose a verify token.',
      defaultName: 'Instagram {accountId}',
      webhookHint: 'Paste this address as the Callback URL of the Instagram webhooks in your Meta app with the same verify token.',
      externalIdLabel: 'account',
      fields: {
        accountId: { label: 'Instagram account id' },
        accessToken: { label: 'Access token', placeholder: 'IGAA… or EAA…' },
        appSecret: { label: 'App Secret' },
        verifyToken: { label: 'Verify token' },
        humanAgent: { label: 'The app has the Human Agent permission (answer up to 7 days)' },
        language: { label: 'Language of the channel', placeholder: 'e.g. en' },
      },
    },
  },
};

const ru: { common: CommonChannelMessages; types: Readonly<Record<string, ChannelTypeMessages>> } = {
  common: {
    nameLabel: 'Название в Parley',
    namePlaceholder: 'например, Поддержка магазина',
    typeLabel: 'Мессенджер',
    connect: 'Подключить',
    checking: 'Проверяем в {messenger}…',
    listHint: 'Каналов пока нет. Подключите аккаунт мессенджера.',
  },
  types: {
    vk: {
      name: 'ВКонтакте',
      connectTitle: 'Подключить сообщество ВКонтакте',
      help:
        'В сообществе: Управление → Работа с API. Создайте ключ доступа с правами «сообщения», «фотографии» и «документы», затем откройте Callback API: там строка подтверждения и секретный ключ.',
      defaultName: 'Сообщество ВК {groupId}',
      webhookHint: 'Вставьте этот адрес в сообществе: Управление → Работа с API → Callback API → Адрес сервера, затем нажмите «Подтвердить».',
      externalIdLabel: 'сообщество',
      fields: {
        groupId: { label: 'ID сообщества', placeholder: 'например, 218765432' },
        confirmation: { label: 'Строка подтверждения' },
        secret: { label: 'Секретный ключ' },
        token: { label: 'Ключ доступа сообщества' },
      },
    },
    telegram: {
      name: 'Telegram',
      connectTitle: 'Подключить Telegram-бота',
      help: 'Создайте бота через @BotFather и вставьте его токен. Parley сам зарегистрирует вебхук в Telegram.',
      defaultName: 'Telegram-бот',
      webhookHint: '',
      externalIdLabel: 'бот',
      fields: { botToken: { label: 'Токен бота', placeholder: '123456789:AA…' } },
    },
    viber: {
      name: 'Viber',
      connectTitle: 'Подключить Viber-бота',
      help:
        'Вставьте токен вашего Viber-бота (портал Viber Partners, данные бота). С февраля 2024 новые боты коммерческие. Parley сам зарегистрирует вебхук в Viber и даст ссылку для вашего сайта.',
      defaultName: 'Viber-бот',
      webhookHint: '',
      externalIdLabel: 'бот',
      fields: { authToken: { label: 'Токен бота' }, sendAsOperator: { label: 'Показывать имя оператора как отправителя' } },
    },
    facebook: {
      name: 'Facebook Messenger',
      connectTitle: 'Подключить страницу Facebook',
      help:
        'В приложении Meta (developers.facebook.com): добавьте Messenger, создайте маркер доступа страницы, скопируйте секрет приложения (Настройки → Основное) и придумайте маркер подтверждения. Parley проверит маркер и сам подпишет страницу на нужные поля вебхука.',
      defaultName: 'Страница Facebook {pageId}',
      webhookHint: 'Вставьте этот адрес как URL обратного вызова в приложении Meta (Messenger → Webhooks) с тем же маркером подтверждения.',
      externalIdLabel: 'страница',
      fields: {
        pageId: { label: 'ID страницы' },
        pageAccessToken: { label: 'Маркер доступа страницы', placeholder: 'EAA…' },
        appSecret: { label: 'Секрет приложения' },
        verifyToken: { label: 'Маркер подтверждения' },
        humanAgent: { label: 'У приложения есть разрешение Human Agent (ответ до 7 дней)' },
        language: { label: 'Язык канала', placeholder: 'например, ru' },
      },
    },
    instagram: {
      name: 'Instagram',
      connectTitle: 'Подключить профессиональный аккаунт Instagram',
      help:
        'В приложении Meta: добавьте сообщения Instagram, создайте маркер доступа аккаунта (вход через Instagram или связанную страницу Facebook), скопируйте секрет приложения и придумайте маркер подтверждения.',
      defaultName: 'Instagram {accountId}',
      webhookHint: 'Вставьте этот адрес как URL обратного вызова вебхуков Instagram в приложении Meta с тем же маркером подтверждения.',
      externalIdLabel: 'аккаунт',
      fields: {
        accountId: { label: 'ID аккаунта Instagram' },
        accessToken: { label: 'Маркер доступа', placeholder: 'IGAA… или EAA…' },
        appSecret: { label: 'Секрет приложения' },
        verifyToken: { label: 'Маркер подтверждения' },
        humanAgent: { label: 'У приложения есть разрешение Human Agent (ответ до 7 дней)' },
        language: { label: 'Язык канала', placeholder: 'например, ru' },
      },
    },
  },
};

const catalogues = { en, ru } as const;

/** The page's language (`<html lang>`), Russian or English. */
export function currentLocale(): Locale {
  const lang = typeof document === 'undefined' ? 'en' : document.documentElement.lang;
  return lang.toLowerCase().startsWith('ru') ? 'ru' : 'en';
}

export function commonChannelMessages(locale: Locale = currentLocale()): CommonChannelMessages {
  return catalogues[locale].common;
}

/** A type's messages in `locale`, falling back to English, then to the bare type and field keys. */
export function channelTypeMessages(type: string, locale: Locale = currentLocale()): ChannelTypeMessages {
  const found = catalogues[locale].types[type] ?? en.types[type];
  if (found) return found;
  const name = type.charAt(0).toUpperCase() + type.slice(1);
  return { name, connectTitle: `Connect ${name}`, help: '', defaultName: name, webhookHint: '', externalIdLabel: 'account', fields: {} };
}

/** A field's label: the catalogue's, or the key spelt out (`pageAccessToken` → `Page access token`). */
export function fieldMessages(type: string, key: string, locale: Locale = currentLocale()): FieldMessages {
  const found = channelTypeMessages(type, locale).fields[key];
  if (found) return found;
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return { label: words.charAt(0).toUpperCase() + words.slice(1) };
}

/** `{key}` placeholders of a template filled from values (missing ones left empty). */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? '').trim();
}
