/** A value many views watch (uploads keep going while the user navigates): get, set, subscribe. */
import { useEffect, useState } from 'preact/hooks';

export interface Store<T> {
  get(): T;
  set(next: T): void;
  subscribe(listener: () => void): () => void;
}

export function createStore<T>(initial: T): Store<T> {
  let value = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => value,
    set(next) {
      value = next;
      for (const l of listeners) l();
    },
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
}

export function useStore<T>(store: Store<T>): T {
  const [, rerender] = useState(0);
  useEffect(() => store.subscribe(() => rerender((n) => n + 1)), [store]);
  return store.get();
}

/** Object URLs of images picked in this page, by upload and by asset ID: the API serves no image bytes. */
export const previews = new Map<string, string>();
/** The picked file's name by asset ID (the API names an asset after its upload ID). */
export const fileNames = new Map<string, string>();

/** Which optional routes the API has (`/console/capabilities.json`, probed by the console's server). */
export interface Features {
  realPersonSessions?: boolean;
  webhooks?: boolean;
}
export const features = createStore<Features>({});
