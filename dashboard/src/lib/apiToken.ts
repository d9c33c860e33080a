// The API's bearer token for the dashboard's write actions (strategy switches, parameters, the
// kill switch). A person pastes it once — it is PMML_API_TOKEN or the content of
// <data_dir>/api_token — and it is kept in this browser's localStorage under "pmml.apiToken".
// It is never part of the build: reads need no token, and without one a change answers 401.
import { useSyncExternalStore } from "react";

const KEY = "pmml.apiToken";
const listeners = new Set<() => void>();

export function getApiToken(): string {
  try {
    return localStorage.getItem(KEY) ?? "";
  } catch {
    return "";
  }
}

export function setApiToken(token: string): void {
  const value = token.trim();
  if (value) localStorage.setItem(KEY, value);
  else localStorage.removeItem(KEY);
  listeners.forEach((l) => l());
}

/** The headers of a state-changing request. */
export function authHeaders(): Record<string, string> {
  const token = getApiToken();
  return token ? { Authorization: `Bearer ${token}` } : {};
}

export function useApiToken(): string {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      window.addEventListener("storage", listener);
      return () => {
        listeners.delete(listener);
        window.removeEventListener("storage", listener);
      };
    },
    getApiToken,
    () => "",
  );
}
