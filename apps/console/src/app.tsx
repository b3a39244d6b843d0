import { useCallback, useMemo, useState } from 'react';
import { ApiContext } from './api/api-context';
import { createApiClient } from './api/client';
import { LoginPage } from './auth/login-page';
import { clearSession, loadSession, saveSession, type Session } from './auth/session-store';
import { Shell } from './features/workspace/shell';

export function App() {
  const [session, setSession] = useState<Session | undefined>(() => loadSession());
  const [notice, setNotice] = useState<string | undefined>();

  const logout = useCallback((reason?: string) => {
    clearSession();
    setSession(undefined);
    setNotice(reason);
    window.location.hash = '#/';
  }, []);

  const api = useMemo(
    () =>
      createApiClient({
        getToken: () => session?.token,
        onUnauthorized: () => logout('Your session has expired. Please sign in again.'),
      }),
    [session, logout],
  );

  if (!session) {
    return (
      <LoginPage
        api={api}
        notice={notice}
        onLoggedIn={(next) => {
          saveSession(next);
          setNotice(undefined);
          setSession(next);
        }}
      />
    );
  }
  return (
    <ApiContext.Provider value={{ api, session }}>
      <Shell onLogout={() => logout()} />
    </ApiContext.Provider>
  );
}
