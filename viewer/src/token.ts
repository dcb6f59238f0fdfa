const STORAGE_KEY = 'gsdiff.token';

/** The parts of the browser's objects used here (sessionStorage, location, history, window), so tests pass stand-ins. */
export interface TokenStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}
export interface HashLocation {
  readonly pathname: string;
  readonly search: string;
  readonly hash: string;
}
export interface HashHistory {
  replaceState(data: unknown, unused: string, url: string): void;
}
export interface HashEventTarget {
  addEventListener(type: 'hashchange', listener: () => void): void;
  removeEventListener(type: 'hashchange', listener: () => void): void;
}

/**
 * The server's access token, kept in sessionStorage (gone when the tab closes). A link may carry it as
 * `#token=<token>`: it is stored and the fragment removed from the address bar, so it is not left in history.
 */
export class TokenStore {
  constructor(private readonly storage: TokenStorage) {}

  /** Takes `#token=` from the location when present; returns whether one was taken. */
  takeFromHash(location: HashLocation, history: HashHistory): boolean {
    const params = new URLSearchParams(location.hash.replace(/^#/, ''));
    const token = params.get('token');
    if (!token) return false;
    this.set(token);
    params.delete('token');
    const rest = params.toString();
    history.replaceState(null, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
    return true;
  }

  get(): string | undefined {
    return this.storage.getItem(STORAGE_KEY) ?? undefined;
  }

  set(token: string): void {
    this.storage.setItem(STORAGE_KEY, token.trim());
  }

  clear(): void {
    this.storage.removeItem(STORAGE_KEY);
  }
}

/**
 * Takes a `#token=` added to the address of an open tab: on every `hashchange` the token is stored, the fragment
 * cleared (TokenStore.takeFromHash) and `changed` called, so the viewer loads without a reload. Returns the function
 * that stops listening.
 * @example watchHashToken(window, window.location, window.history, tokens, () => void start())
 */
export function watchHashToken(
  target: HashEventTarget,
  location: HashLocation,
  history: HashHistory,
  tokens: TokenStore,
  changed: () => void,
): () => void {
  const onHashChange = (): void => {
    if (tokens.takeFromHash(location, history)) changed();
  };
  target.addEventListener('hashchange', onHashChange);
  return () => target.removeEventListener('hashchange', onHashChange);
}
