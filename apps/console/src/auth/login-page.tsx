import { useState, type FormEvent } from 'react';
import { errorMessage, type ApiClient } from '../api/client';
import type { Session } from './session-store';

interface Props {
  api: ApiClient;
  notice: string | undefined;
  onLoggedIn(session: Session): void;
}

export function LoginPage({ api, notice, onLoggedIn }: Props) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const result = await api.login(email.trim(), password);
      onLoggedIn({ token: result.accessToken, operator: result.operator });
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  return (
    <main className="login">
      <form className="login-card" onSubmit={submit} data-testid="login-form">
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true" />
          Parley
        </div>
        <p className="muted">Sign in to answer your customers.</p>
        {notice && <p className="notice">{notice}</p>}
        <label className="field">
          <span>Email</span>
          <input
            type="email"
            autoComplete="username"
            required
            autoFocus
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            data-testid="login-email"
          />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            data-testid="login-password"
          />
        </label>
        {error && (
          <p className="error" role="alert" data-testid="login-error">
            {error}
          </p>
        )}
        <button type="submit" className="button primary wide" disabled={busy} data-testid="login-submit">
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
