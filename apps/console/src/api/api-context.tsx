import { createContext, useContext } from 'react';
import type { Session } from '../auth/session-store';
import type { ApiClient } from './client';

export interface ApiContextValue {
  api: ApiClient;
  session: Session;
}

export const ApiContext = createContext<ApiContextValue | undefined>(undefined);

/** The API client and the signed-in operator; only valid inside the signed-in shell. */
export function useApi(): ApiContextValue {
  const value = useContext(ApiContext);
  if (!value) throw new Error('useApi() outside the signed-in shell');
  return value;
}
