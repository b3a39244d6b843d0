import { useState } from 'react';
import { useApi } from '../../api/api-context';
import { errorMessage } from '../../api/client';
import type { Line, Operator } from '../../api/types';
import { FormError } from '../../ui/form-error';

interface Props {
  line: Line;
  operators: Operator[] | undefined;
  operatorsError: string | undefined;
  onSaved(line: Line): void;
}

export function LineMembers({ line, operators, operatorsError, onSaved }: Props) {
  const { api } = useApi();
  const [selected, setSelected] = useState<ReadonlySet<string>>(() => new Set(line.memberIds));
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  function toggle(id: string) {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  }

  async function save() {
    setBusy(true);
    setError(undefined);
    try {
      onSaved(await api.setLineMembers(line.id, [...selected]));
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  return (
    <div className="line-members" data-testid="line-members">
      <FormError message={operatorsError} testId="line-members-operators-error" />
      {!operators && !operatorsError && <p className="muted small">Loading operators…</p>}
      <ul className="plain-list checkbox-list">
        {operators?.map((o) => (
          <li key={o.id}>
            <label className="checkbox">
              <input
                type="checkbox"
                checked={selected.has(o.id)}
                onChange={() => toggle(o.id)}
                data-testid="line-member-checkbox"
                data-operator-id={o.id}
                data-operator-email={o.email}
              />
              <span>{o.name}</span>
              <span className="muted small">
                {o.email} · {o.role}
              </span>
            </label>
          </li>
        ))}
      </ul>
      <FormError message={error} testId="line-members-error" />
      <button type="button" className="button primary small" disabled={busy || !operators} onClick={save} data-testid="line-members-save">
        {busy ? 'Saving…' : 'Save members'}
      </button>
    </div>
  );
}
