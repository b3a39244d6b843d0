import type { Operator } from '../api/types';

/** The signed-in operator, kept in sessionStorage: it ends with the browser tab, as a shared-desk console should. */
export interface Session {
  token: string;
  operator: Operator;
}

const KEY = 'parley.console.session';

export function loadSession(storage: Storage = sessionStorage): Session | undefined {
  const raw = storage.getItem(KEY);
  if (!raw) return undefined;
  try {
    const value = JSON.parse(raw) as Partial<Session>;
    if (typeof value.token === 'string' && value.operator && typeof value.operator.id === 'string') {
      return { token: value.token, operator: value.operator };
    }
  } catch {
    // A damaged entry is treated as signed out.
  }
  storage.removeItem(KEY);
  return undefined;
}

export function saveSession(session: Session, storage: Storage = sessionStorage): void {
  storage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(storage: Storage = sessionStorage): void {
  storage.removeItem(KEY);
}
