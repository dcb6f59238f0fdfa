import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../../../common/index.js';
import { serverError } from '../../errors.js';
import { KEYS } from './queueKeys.js';
import { redactUrl } from './connectRedis.js';

const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2])
elseif redis.call('exists', KEYS[1]) == 0 then return redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]) and 1 or 0
else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * The one-server-per-queue lock: the server that relays worker output is the only writer of its store, so a second
 * `gsdiff serve` on the same queue is refused. A crashed server's lock expires after `ttlMs`; a restart waits that
 * long for it instead of failing.
 */
export class ServerLock {
  private timer: NodeJS.Timeout | undefined;
  private renewing = false;
  private constructor(
    private readonly redis: Redis,
    private readonly token: string,
    private readonly ttlMs: number,
    private readonly log: Logger,
  ) {}

  /**
   * Takes the lock, waiting up to `ttlMs` for a stale one to expire.
   * @throws SRV_ERR_CONFLICT when another live server keeps holding it
   */
  static async acquire(redis: Redis, url: string, ttlMs: number, log: Logger): Promise<ServerLock> {
    const token = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    const deadline = Date.now() + ttlMs + 1000;
    for (;;) {
      if ((await redis.set(KEYS.serverLock, token, 'PX', ttlMs, 'NX')) === 'OK') break;
      if (Date.now() > deadline) {
        const holder = await redis.get(KEYS.serverLock);
        throw serverError(
          'SRV_ERR_CONFLICT',
          `${redactUrl(url)}: another gsdiff serve (${holder ?? 'unknown'}) relays this queue: expected one server per queue`,
          { url: redactUrl(url), holder: holder ?? 'unknown' },
        );
      }
      log.warn({ holder: await redis.get(KEYS.serverLock) }, 'queue: waiting for the previous server lock to expire');
      await new Promise((r) => setTimeout(r, 1000));
    }
    const lock = new ServerLock(redis, token, ttlMs, log);
    lock.timer = setInterval(() => void lock.renew(), Math.max(200, Math.floor(ttlMs / 3)));
    lock.timer.unref();
    return lock;
  }

  private async renew(): Promise<void> {
    // During a Redis outage the call waits for the reconnection: one at a time, not one per tick.
    if (this.renewing) return;
    this.renewing = true;
    try {
      const ok = await this.redis.eval(RENEW, 1, KEYS.serverLock, this.token, this.ttlMs);
      if (ok === 0) this.log.error('queue: the server lock is held by another server: two servers share this queue');
    } catch (e) {
      this.log.warn(
        { err: e instanceof Error ? e.message : String(e) },
        'queue: server lock not renewed (Redis down?)',
      );
    } finally {
      this.renewing = false;
    }
  }

  async release(): Promise<void> {
    clearInterval(this.timer);
    await this.redis.eval(RELEASE, 1, KEYS.serverLock, this.token).catch(() => undefined);
  }
}
