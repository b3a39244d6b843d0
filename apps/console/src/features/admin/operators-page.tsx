import { useCallback, useState, type FormEvent } from 'react';
import { useApi } from '../../api/api-context';
import { errorMessage } from '../../api/client';
import type { Operator, Role } from '../../api/types';
import { roleHints, roleLabels, roles } from '../../auth/roles';
import { FormError } from '../../ui/form-error';
import { useLoad } from '../../ui/use-load';

export function OperatorsPage() {
  const { api, session } = useApi();
  const operators = useLoad(useCallback(() => api.listOperators(), [api]));
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('operator');
  const [error, setError] = useState<string | undefined>();
  const [created, setCreated] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [changing, setChanging] = useState<string | undefined>();
  const [rowError, setRowError] = useState<string | undefined>();

  async function changeRole(operator: Operator, next: Role) {
    setChanging(operator.id);
    setRowError(undefined);
    try {
      const updated = await api.updateOperator(operator.id, { role: next });
      operators.setData((list) => (list ?? []).map((o) => (o.id === updated.id ? updated : o)));
    } catch (err) {
      setRowError(errorMessage(err));
    } finally {
      setChanging(undefined);
    }
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setCreated(undefined);
    try {
      const operator = await api.createOperator({ email: email.trim(), name: name.trim(), password, role });
      operators.setData((list) => [...(list ?? []), operator]);
      setCreated(`${operator.name} can now sign in as ${operator.email}.`);
      setEmail('');
      setName('');
      setPassword('');
      setRole('operator');
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="admin-page" data-testid="operators-page">
      <header className="page-header">
        <h1>Operators</h1>
        <p className="muted">
          People who answer customers. Operators see the lines they are added to; supervisors and administrators see
          every line.
        </p>
      </header>
      <div className="admin-grid">
        <section className="card">
          <h2>All operators</h2>
          <FormError message={operators.error} testId="operators-error" />
          <FormError message={rowError} testId="operator-role-error" />
          {operators.loading && !operators.data && <p className="muted">Loading…</p>}
          {operators.data && (
            <table className="table" data-testid="operators-table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Email</th>
                  <th>Role</th>
                </tr>
              </thead>
              <tbody>
                {operators.data.map((o) => (
                  <tr key={o.id} data-testid="operator-row" data-operator-id={o.id}>
                    <td>{o.name}</td>
                    <td>{o.email}</td>
                    <td>
                      {o.id === session.operator.id ? (
                        <span className={`badge badge-role-${o.role}`} title="You cannot change your own role">
                          {roleLabels[o.role]}
                        </span>
                      ) : (
                        <select
                          value={o.role}
                          disabled={changing === o.id}
                          title={roleHints[o.role]}
                          aria-label={`Role of ${o.name}`}
                          onChange={(e) => void changeRole(o, e.target.value as Role)}
                          data-testid="operator-row-role"
                        >
                          {roles.map((r) => (
                            <option key={r} value={r}>
                              {roleLabels[r]}
                            </option>
                          ))}
                        </select>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section className="card">
          <h2>Add an operator</h2>
          <form onSubmit={submit} className="form" data-testid="operator-form">
            <label className="field">
              <span>Name</span>
              <input required value={name} onChange={(e) => setName(e.target.value)} data-testid="operator-name" />
            </label>
            <label className="field">
              <span>Email</span>
              <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} data-testid="operator-email" />
            </label>
            <label className="field">
              <span>Password</span>
              <input
                type="password"
                required
                autoComplete="new-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                data-testid="operator-password"
              />
            </label>
            <label className="field">
              <span>Role</span>
              <select value={role} onChange={(e) => setRole(e.target.value as Role)} data-testid="operator-role">
                {roles.map((r) => (
                  <option key={r} value={r}>
                    {roleLabels[r]}
                  </option>
                ))}
              </select>
              <span className="muted small" data-testid="operator-role-hint">
                {roleHints[role]}
              </span>
            </label>
            <FormError message={error} testId="operator-error" />
            {created && (
              <p className="success" data-testid="operator-created">
                {created}
              </p>
            )}
            <button type="submit" className="button primary" disabled={busy} data-testid="operator-submit">
              {busy ? 'Adding…' : 'Add operator'}
            </button>
          </form>
        </section>
      </div>
    </div>
  );
}
