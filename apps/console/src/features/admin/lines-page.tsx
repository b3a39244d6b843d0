import { useCallback, useState, type FormEvent } from 'react';
import { useApi } from '../../api/api-context';
import { errorMessage } from '../../api/client';
import type { Line, Operator, SessionRuleMode } from '../../api/types';
import { routeHref } from '../../routing/routes';
import { FormError } from '../../ui/form-error';
import { useLoad } from '../../ui/use-load';
import { LineMembers } from './line-members';
import { describeSessionRule, parseReopenHours } from './session-rule';

export function LinesPage() {
  const { api } = useApi();
  const lines = useLoad(useCallback(() => api.listLines(), [api]));
  const operators = useLoad(useCallback(() => api.listOperators(), [api]));
  const [editing, setEditing] = useState<string | undefined>();

  const replaceLine = (line: Line) => lines.setData((list) => (list ?? []).map((l) => (l.id === line.id ? line : l)));

  return (
    <div className="admin-page" data-testid="lines-page">
      <header className="page-header">
        <h1>Lines &amp; channels</h1>
        <p className="muted">A line is a queue of conversations. Its members answer them; its channels bring them in.</p>
      </header>
      <div className="admin-grid">
        <section className="card">
          <h2>Lines</h2>
          <FormError message={lines.error} testId="lines-error" />
          {lines.loading && !lines.data && <p className="muted">Loading…</p>}
          {lines.data && lines.data.length === 0 && <p className="muted">No lines yet. Create the first one.</p>}
          <ul className="plain-list line-list">
            {lines.data?.map((line) => (
              <li key={line.id} className="line-row" data-testid="line-row" data-line-id={line.id}>
                <div className="line-summary">
                  <div>
                    <strong data-testid="line-name">{line.name}</strong>
                    <div className="muted small">{describeSessionRule(line.sessionRule)}</div>
                    <div className="muted small" data-testid="line-member-count">
                      {memberNames(line, operators.data)}
                    </div>
                  </div>
                  <div className="row-actions">
                    <button
                      type="button"
                      className="button small"
                      onClick={() => setEditing(editing === line.id ? undefined : line.id)}
                      data-testid="line-members-button"
                      aria-expanded={editing === line.id}
                    >
                      Members
                    </button>
                    <a className="button small" href={routeHref({ page: 'channels', lineId: line.id })} data-testid="line-channels-link">
                      Channels
                    </a>
                  </div>
                </div>
                {editing === line.id && (
                  <LineMembers
                    line={line}
                    operators={operators.data}
                    operatorsError={operators.error}
                    onSaved={(saved) => {
                      replaceLine(saved);
                      setEditing(undefined);
                    }}
                  />
                )}
              </li>
            ))}
          </ul>
        </section>
        <CreateLineForm onCreated={(line) => lines.setData((list) => [...(list ?? []), line])} />
      </div>
    </div>
  );
}

function memberNames(line: Line, operators: Operator[] | undefined): string {
  if (line.memberIds.length === 0) return 'No members yet';
  if (!operators) return `${line.memberIds.length} member(s)`;
  const names = line.memberIds.map((id) => operators.find((o) => o.id === id)?.name ?? 'unknown operator');
  return `Members: ${names.join(', ')}`;
}

function CreateLineForm({ onCreated }: { onCreated(line: Line): void }) {
  const { api } = useApi();
  const [name, setName] = useState('');
  const [mode, setMode] = useState<SessionRuleMode>('reopen');
  const [hours, setHours] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const parsed = parseReopenHours(hours);
    if (parsed.error) {
      setError(parsed.error);
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const sessionRule = parsed.hours ? { mode, reopenWithinHours: parsed.hours } : { mode };
      const line = await api.createLine({ name: name.trim(), sessionRule });
      onCreated(line);
      setName('');
      setHours('');
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card">
      <h2>Create a line</h2>
      <form className="form" onSubmit={submit} data-testid="line-form">
        <label className="field">
          <span>Name</span>
          <input required value={name} onChange={(e) => setName(e.target.value)} placeholder="Support" data-testid="line-name-input" />
        </label>
        <fieldset className="field">
          <legend>When a customer writes after the conversation was closed</legend>
          <label className="radio">
            <input type="radio" name="mode" checked={mode === 'reopen'} onChange={() => setMode('reopen')} data-testid="line-mode-reopen" />
            Reopen the closed conversation
          </label>
          <label className="radio">
            <input type="radio" name="mode" checked={mode === 'new'} onChange={() => setMode('new')} data-testid="line-mode-new" />
            Open a new conversation linked to the previous one
          </label>
        </fieldset>
        <label className="field">
          <span>Reopen window, hours (optional)</span>
          <input inputMode="numeric" value={hours} onChange={(e) => setHours(e.target.value)} placeholder="e.g. 24" data-testid="line-reopen-hours" />
        </label>
        <FormError message={error} testId="line-error" />
        <button type="submit" className="button primary" disabled={busy} data-testid="line-submit">
          {busy ? 'Creating…' : 'Create line'}
        </button>
      </form>
    </section>
  );
}
