import type { ChannelType } from '../common/channel-type';

/*
 * The one place that says which messengers an admin can connect and what each needs: console-api validates
 * `POST /api/lines/:id/channels` against it and serves it to the console (`GET /api/channel-types`), which draws
 * the connect form from it (labels come from the console's ru/en message catalogue, keyed by type and field).
 * Adding a messenger = one entry here (plus its gateway). No decorators here: the console may read the same data.
 */

export type ChannelSettingKind = 'text' | 'secret' | 'boolean' | 'list';

export interface ChannelSettingField {
  /** Key in `ConnectChannel.settings`. */
  key: string;
  /** `secret`: shown as a password field, never echoed back, stored encrypted by the gateway. `list`: strings. */
  kind: ChannelSettingKind;
  required: boolean;
  /** A `text`/`secret` value (each item of a `list`) must match this regular expression (source, anchored). */
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  /** The value is a number the messenger shows (a community id): a JSON number is accepted and sent as a string. */
  numeric?: boolean;
  /** DOM/test id part: `<type>-<slug>` (default: the key in kebab-case). */
  slug?: string;
}

export interface ChannelTypeSpec {
  type: ChannelType;
  /** false while no gateway serves it: console-api refuses to connect it and the console does not offer it. */
  connectable: boolean;
  settings: readonly ChannelSettingField[];
}

export const ChannelTypeCatalog: Readonly<Record<ChannelType, ChannelTypeSpec>> = {
  vk: {
    type: 'vk',
    connectable: true,
    settings: [
      { key: 'groupId', kind: 'text', required: true, pattern: '^[1-9][0-9]{0,15}$', numeric: true, slug: 'community-id' },
      { key: 'confirmation', kind: 'text', required: true, minLength: 1, maxLength: 256 },
      { key: 'secret', kind: 'secret', required: true, minLength: 1, maxLength: 256 },
      { key: 'token', kind: 'secret', required: true, minLength: 1, maxLength: 1024 },
    ],
  },
  telegram: {
    type: 'telegram',
    connectable: true,
    settings: [{ key: 'botToken', kind: 'secret', required: true, pattern: '^[0-9]{1,20}:[A-Za-z0-9_-]{20,200}$' }],
  },
  viber: {
    type: 'viber',
    connectable: true,
    settings: [
      { key: 'authToken', kind: 'secret', required: true, minLength: 8, maxLength: 256 },
      { key: 'sendAsOperator', kind: 'boolean', required: false },
    ],
  },
  facebook: {
    type: 'facebook',
    connectable: true,
    settings: [
      { key: 'pageId', kind: 'text', required: true, pattern: '^[0-9]{1,32}$', numeric: true },
      { key: 'pageAccessToken', kind: 'secret', required: true, minLength: 8, maxLength: 1024 },
      { key: 'appSecret', kind: 'secret', required: true, minLength: 8, maxLength: 256 },
      { key: 'verifyToken', kind: 'secret', required: true, minLength: 1, maxLength: 256 },
      /** The app has Meta's HUMAN_AGENT permission: operators may answer up to 7 days after the customer's last message. */
      { key: 'humanAgent', kind: 'boolean', required: false },
      /** The channel's language (quick-reply templates in the customer's language). */
      { key: 'language', kind: 'text', required: false, pattern: '^[a-z]{2,3}(-[A-Za-z]{2,4})?$' },
    ],
  },
  instagram: {
    type: 'instagram',
    connectable: true,
    settings: [
      { key: 'accountId', kind: 'text', required: true, pattern: '^[0-9]{1,32}$', numeric: true },
      { key: 'accessToken', kind: 'secret', required: true, minLength: 8, maxLength: 1024 },
      { key: 'appSecret', kind: 'secret', required: true, minLength: 8, maxLength: 256 },
      { key: 'verifyToken', kind: 'secret', required: true, minLength: 1, maxLength: 256 },
      { key: 'humanAgent', kind: 'boolean', required: false },
      { key: 'language', kind: 'text', required: false, pattern: '^[a-z]{2,3}(-[A-Za-z]{2,4})?$' },
    ],
  },
  webchat: {
    type: 'webchat',
    connectable: false,
    settings: [
      { key: 'allowedOrigins', kind: 'list', required: true, pattern: '^https?://[^/\\s]+$' },
      { key: 'title', kind: 'text', required: false, maxLength: 120 },
      { key: 'greeting', kind: 'text', required: false, maxLength: 1000 },
    ],
  },
};

/** One problem with a settings object: the field's key and what is wrong (never its value). */
export interface ChannelSettingsProblem {
  field: string;
  problem: string;
}

/**
 * Checks `settings` against a type's fields: required present, kinds, lengths, patterns; unknown keys refused.
 * Returns the normalised settings (numeric fields as strings, strings trimmed except secrets) or the problems.
 */
export function checkChannelSettings(
  type: ChannelType,
  settings: Readonly<Record<string, unknown>>,
): { ok: true; settings: Record<string, unknown> } | { ok: false; problems: ChannelSettingsProblem[] } {
  const spec = ChannelTypeCatalog[type];
  const problems: ChannelSettingsProblem[] = [];
  const out: Record<string, unknown> = {};
  const known = new Set(spec.settings.map((f) => f.key));
  for (const key of Object.keys(settings)) if (!known.has(key)) problems.push({ field: key, problem: 'is not a setting of this channel type' });
  for (const field of spec.settings) {
    const raw = settings[field.key];
    if (raw === undefined || raw === null || raw === '') {
      if (field.required) problems.push({ field: field.key, problem: 'is required' });
      continue;
    }
    const checked = checkField(field, raw);
    if (typeof checked === 'string') problems.push({ field: field.key, problem: checked });
    else out[field.key] = checked.value;
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, settings: out };
}

function checkField(field: ChannelSettingField, raw: unknown): { value: unknown } | string {
  if (field.kind === 'boolean') return typeof raw === 'boolean' ? { value: raw } : 'must be true or false';
  if (field.kind === 'list') {
    if (!Array.isArray(raw) || raw.length === 0) return 'must be a non-empty list of strings';
    const items: string[] = [];
    for (const item of raw) {
      const one = checkText(field, item);
      if (typeof one === 'string') return `item ${one}`;
      items.push(one.value);
    }
    return { value: items };
  }
  const value = field.numeric && typeof raw === 'number' && Number.isSafeInteger(raw) ? String(raw) : raw;
  return checkText(field, value);
}

function checkText(field: ChannelSettingField, raw: unknown): { value: string } | string {
  if (typeof raw !== 'string') return 'must be a string';
  const value = field.kind === 'secret' ? raw : raw.trim();
  if (field.minLength !== undefined && value.length < field.minLength) return `must be at least ${field.minLength} characters`;
  if (field.maxLength !== undefined && value.length > field.maxLength) return `must be at most ${field.maxLength} characters`;
  if (field.pattern !== undefined && !new RegExp(field.pattern).test(value)) return 'has the wrong format';
  return { value };
}
