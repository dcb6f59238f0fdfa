const STORAGE_KEY = 'gsdiff.token';

/**
 * The server's access token, kept in sessionStorage (gone when the tab closes). A link may carry it as
 * `#token=<token>`: it is stored and the fragment removed from the address bar, so it is not left in history.
 */
export class TokenStore {
  constructor(private readonly storage: Storage) {}

  /** Takes `#token=` from the location when present; returns whether one was taken. */
  takeFromHash(location: Location, history: History): boolean {
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
