import type { ChannelSettingField } from '../../api/types';

/** The form's values: strings for text/secret/list (one item per line), booleans for checkboxes. */
export type FormValues = Record<string, string | boolean>;

export function emptyValues(fields: readonly ChannelSettingField[]): FormValues {
  return Object.fromEntries(fields.map((f) => [f.key, f.kind === 'boolean' ? false : '']));
}

/** `<type>-<slug>`: the field's DOM/test id (slug defaults to the key in kebab-case). */
export function fieldTestId(type: string, field: ChannelSettingField): string {
  return `${type}-${field.slug ?? field.key.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}`;
}

/** The `settings` to send: text trimmed (secrets as typed), lists split by line, empty optional fields left out. */
export function settingsFromValues(fields: readonly ChannelSettingField[], values: FormValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const value = values[field.key];
    if (field.kind === 'boolean') {
      if (value === true || field.required) out[field.key] = value === true;
      continue;
    }
    const text = typeof value === 'string' ? value : '';
    if (field.kind === 'list') {
      const items = text.split('\n').map((s) => s.trim()).filter((s) => s !== '');
      if (items.length > 0) out[field.key] = items;
      continue;
    }
    const cleaned = field.kind === 'secret' ? text : text.trim();
    if (cleaned !== '') out[field.key] = cleaned;
  }
  return out;
}
