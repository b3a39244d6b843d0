import { useState, type FormEvent } from 'react';
import { useApi } from '../../api/api-context';
import { errorMessage } from '../../api/client';
import type { Channel } from '../../api/types';
import { FormError } from '../../ui/form-error';

const empty = { groupId: '', name: '', confirmation: '', secret: '', token: '' };

export function VkConnectForm({ lineId, onConnected }: { lineId: string; onConnected(channel: Channel): void }) {
  const { api } = useApi();
  const [form, setForm] = useState(empty);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const set = (key: keyof typeof empty) => (value: string) => setForm((f) => ({ ...f, [key]: value }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const channel = await api.connectVk(lineId, form.name.trim() || `VK community ${form.groupId.trim()}`, {
        groupId: form.groupId.trim(),
        confirmation: form.confirmation.trim(),
        secret: form.secret,
        token: form.token.trim(),
      });
      setForm(empty);
      onConnected(channel);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card">
      <h2>Connect VK community</h2>
      <p className="muted small">
        In your community: Manage → API usage. Create an access key with the “messages”, “photos” and “docs” rights, then open
        Callback API for the confirmation string and set a secret key.
      </p>
      <form className="form" onSubmit={submit} data-testid="vk-form" autoComplete="off">
        <Field label="Community id" value={form.groupId} onChange={set('groupId')} testId="vk-community-id" required inputMode="numeric" placeholder="e.g. 218765432" />
        <Field label="Name in Parley" value={form.name} onChange={set('name')} testId="vk-name" placeholder="e.g. Shop VK" />
        <Field label="Confirmation string" value={form.confirmation} onChange={set('confirmation')} testId="vk-confirmation" required />
        <Field label="Secret key" value={form.secret} onChange={set('secret')} testId="vk-secret" required secret />
        <Field label="Community token" value={form.token} onChange={set('token')} testId="vk-token" required secret />
        <FormError message={error} testId="vk-error" />
        <button type="submit" className="button primary" disabled={busy} data-testid="vk-submit">
          {busy ? 'Checking with VK…' : 'Connect'}
        </button>
      </form>
    </section>
  );
}

interface FieldProps {
  label: string;
  value: string;
  onChange(value: string): void;
  testId: string;
  required?: boolean;
  secret?: boolean;
  placeholder?: string;
  inputMode?: 'numeric';
}

function Field({ label, value, onChange, testId, required, secret, placeholder, inputMode }: FieldProps) {
  return (
    <label className="field">
      <span>{label}</span>
      <input
        type={secret ? 'password' : 'text'}
        autoComplete={secret ? 'new-password' : 'off'}
        value={value}
        required={required}
        placeholder={placeholder}
        inputMode={inputMode}
        onChange={(e) => onChange(e.target.value)}
        data-testid={testId}
      />
    </label>
  );
}
