import { jest } from '@jest/globals';
import { TokenStore, watchHashToken, type HashHistory, type HashLocation } from '../../viewer/src/token.js';

/**
 * The viewer's token from the address: `#token=` at load, and added later to an open tab (`hashchange`), which
 * loads the viewer without a reload. Location, history and storage are stand-ins (no DOM here).
 */
class MemoryStorage {
  private readonly m = new Map<string, string>();
  getItem(k: string): string | null {
    return this.m.get(k) ?? null;
  }
  setItem(k: string, v: string): void {
    this.m.set(k, v);
  }
  removeItem(k: string): void {
    this.m.delete(k);
  }
}

function fakeLocation(hash: string): {
  location: { pathname: string; search: string; hash: string };
  history: HashHistory;
  replaced: string[];
} {
  const replaced: string[] = [];
  const location: HashLocation & { hash: string } = { pathname: '/', search: '', hash };
  const history: HashHistory = {
    replaceState: (_d: unknown, _t: string, url: string) => {
      replaced.push(url);
      location.hash = url.includes('#') ? url.slice(url.indexOf('#')) : '';
    },
  };
  return { location, history, replaced };
}

describe('TokenStore.takeFromHash', () => {
  it('stores the token and removes it from the address, keeping other fragment parameters', () => {
    const tokens = new TokenStore(new MemoryStorage());
    const { location, history, replaced } = fakeLocation('#token=abc%2F1&x=2');
    expect(tokens.takeFromHash(location, history)).toBe(true);
    expect(tokens.get()).toBe('abc/1');
    expect(replaced).toEqual(['/#x=2']);
  });

  it('takes nothing from an address without a token', () => {
    const tokens = new TokenStore(new MemoryStorage());
    const { location, history } = fakeLocation('#x=1');
    expect(tokens.takeFromHash(location, history)).toBe(false);
    expect(tokens.get()).toBeUndefined();
  });
});

describe('watchHashToken', () => {
  it('takes a token added to an open tab and says so once; a fragment without one changes nothing', () => {
    const tokens = new TokenStore(new MemoryStorage());
    const { location, history } = fakeLocation('');
    const target = new EventTarget();
    const changed = jest.fn();
    const stop = watchHashToken(target, location, history, tokens, changed);

    location.hash = '#other=1';
    target.dispatchEvent(new Event('hashchange'));
    expect(changed).not.toHaveBeenCalled();

    location.hash = '#token=new-token';
    target.dispatchEvent(new Event('hashchange'));
    expect(changed).toHaveBeenCalledTimes(1);
    expect(tokens.get()).toBe('new-token');
    expect(location.hash).toBe('');

    stop();
    location.hash = '#token=later';
    target.dispatchEvent(new Event('hashchange'));
    expect(changed).toHaveBeenCalledTimes(1);
    expect(tokens.get()).toBe('new-token');
  });
});
