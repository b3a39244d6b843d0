import { useCallback, useState, type FormEvent, type ReactNode } from 'react';
import { useApi } from '../../api/api-context';
import { errorMessage } from '../../api/client';
import type { Channel, ChannelSettingField, ChannelTypeInfo } from '../../api/types';
import { channelTypeMessages, commonChannelMessages, fieldMessages, fillTemplate } from '../../i18n/channel-messages';
import { FormError } from '../../ui/form-error';
import { useLoad } from '../../ui/use-load';
import { emptyValues, fieldTestId, settingsFromValues, type FormValues } from './channel-settings-form';

/** Connect any messenger console-api offers (`GET /api/channel-types`): the fields come from there, the labels from the catalogue. */
export function ChannelConnectForm({ lineId, onConnected }: { lineId: string; onConnected(channel: Channel): void }) {
  const { api } = useApi();
  const types = useLoad(useCallback(() => api.listChannelTypes(), [api]));
  const [chosen, setChosen] = useState<string | undefined>();
  const common = commonChannelMessages();
  const list = types.data ?? [];
  const current = list.find((t) => t.type === chosen) ?? list[0];

  return (
    <section className="card">
      <FormError message={types.error} testId="channel-types-error" />
      {list.length > 1 && (
        <label className="field">
          <span>{common.typeLabel}</span>
          <select value={current?.type} onChange={(e) => setChosen(e.target.value)} data-testid="channel-type-select">
            {list.map((t) => (
              <option key={t.type} value={t.type}>
                {channelTypeMessages(t.type).name}
              </option>
            ))}
          </select>
        </label>
      )}
      {current && <TypeForm key={current.type} lineId={lineId} info={current} onConnected={onConnected} />}
    </section>
  );
}

function TypeForm({ lineId, info, onConnected }: { lineId: string; info: ChannelTypeInfo; onConnected(channel: Channel): void }) {
  const { api } = useApi();
  const type = info.type;
  const messages = channelTypeMessages(type);
  const common = commonChannelMessages();
  const [values, setValues] = useState<FormValues>(() => emptyValues(info.settings));
  const [name, setName] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const settings = settingsFromValues(info.settings, values);
      const texts = Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, String(v)]));
      const channel = await api.connectChannel(lineId, type, name.trim() || fillTemplate(messages.defaultName, texts), settings);
      setValues(emptyValues(info.settings));
      setName('');
      onConnected(channel);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <h2>{messages.connectTitle}</h2>
      {messages.help && <p className="muted small">{messages.help}</p>}
      <form className="form" onSubmit={submit} data-testid={`${type}-form`} autoComplete="off">
        {info.settings.map((field, i) => (
          <SettingInput
            key={field.key}
            type={type}
            field={field}
            value={values[field.key] ?? ''}
            onChange={(value) => setValues((v) => ({ ...v, [field.key]: value }))}
            after={i === 0 ? <NameInput type={type} value={name} onChange={setName} /> : undefined}
          />
        ))}
        {info.settings.length === 0 && <NameInput type={type} value={name} onChange={setName} />}
        <FormError message={error} testId={`${type}-error`} />
        <button type="submit" className="button primary" disabled={busy} data-testid={`${type}-submit`}>
          {busy ? fillTemplate(common.checking, { messenger: messages.name }) : common.connect}
        </button>
      </form>
    </>
  );
}

function NameInput({ type, value, onChange }: { type: string; value: string; onChange(value: string): void }) {
  const common = commonChannelMessages();
  return (
    <label className="field">
      <span>{common.nameLabel}</span>
      <input value={value} placeholder={common.namePlaceholder} onChange={(e) => onChange(e.target.value)} data-testid={`${type}-name`} />
    </label>
  );
}

interface SettingInputProps {
  type: string;
  field: ChannelSettingField;
  value: string | boolean;
  onChange(value: string | boolean): void;
  after?: ReactNode;
}

function SettingInput({ type, field, value, onChange, after }: SettingInputProps) {
  const { label, placeholder } = fieldMessages(type, field.key);
  const testId = fieldTestId(type, field);
  let input: ReactNode;
  if (field.kind === 'boolean') {
    input = <input type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} data-testid={testId} />;
  } else if (field.kind === 'list') {
    input = <textarea value={String(value)} required={field.required} placeholder={placeholder} onChange={(e) => onChange(e.target.value)} data-testid={testId} />;
  } else {
    const secret = field.kind === 'secret';
    input = (
      <input
        type={secret ? 'password' : 'text'}
        autoComplete={secret ? 'new-password' : 'off'}
        value={String(value)}
        required={field.required}
        placeholder={placeholder}
        inputMode={field.numeric ? 'numeric' : undefined}
        maxLength={field.maxLength}
        onChange={(e) => onChange(e.target.value)}
        data-testid={testId}
      />
    );
  }
  return (
    <>
      <label className="field">
        <span>{label}</span>
        {input}
      </label>
      {after}
    </>
  );
}
