import { Redis, type RedisOptions } from 'ioredis';
import { describeThrown } from '../../../common/index.js';
import { serverError } from '../../errors.js';

/**
 * A queue URL as it may be shown: the password (and a user name) replaced, so logs and errors never carry it.
 * @example redactUrl('redis://:secret@10.0.0.5:6379/0') // 'redis://***@10.0.0.5:6379/0'
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password || u.username) {
      u.username = '***';
      u.password = '';
    }
    return u.toString().replace('***:@', '***@');
  } catch {
    return '(unparsable URL)';
  }
}

/**
 * What is wrong with a queue URL, or undefined when it is `redis://[:password@]host[:port][/db]` or `rediss://…`
 * (TLS). The configuration (server/config) names the setting; `got` never carries the password.
 */
export function queueUrlProblem(url: string): { expected: string; got: string } | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { expected: 'redis://host:port[/db]', got: JSON.stringify(url) };
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    return { expected: 'a redis:// or rediss:// URL', got: redactUrl(url) };
  if (u.pathname && u.pathname !== '/' && !/^\/\d{1,2}$/.test(u.pathname))
    return { expected: 'a database number as the path', got: u.pathname };
  return undefined;
}

/**
 * Checks a `--queue` value (see queueUrlProblem).
 * @throws SRV_ERR_CONFIG naming the flag and what was expected
 */
export function checkQueueUrl(url: string, setting = '--queue'): string {
  const problem = queueUrlProblem(url);
  if (problem)
    throw serverError('SRV_ERR_CONFIG', `${setting}: expected ${problem.expected}, got ${problem.got}`, {
      field: setting,
    });
  return url;
}

export interface ConnectOptions {
  /** What the connection is for (named in logs and errors). */
  readonly role: string;
  /** Give up the first connection after this long (default 5000 ms). */
  readonly timeoutMs?: number;
}

/**
 * Opens one Redis connection and proves it answers (PING) before returning. Later outages are retried by ioredis
 * forever (BullMQ's requirement: `maxRetriesPerRequest: null`), so a Redis restart is ridden out, not fatal.
 * @throws SRV_ERR_QUEUE_UNAVAILABLE naming the (redacted) URL when Redis cannot be reached in time
 */
export async function connectRedis(url: string, o: ConnectOptions): Promise<Redis> {
  checkQueueUrl(url);
  const timeoutMs = o.timeoutMs ?? 5000;
  const options: RedisOptions = {
    lazyConnect: true,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    connectionName: `gsdiff-${o.role}`,
    retryStrategy: (times) => Math.min(200 * times, 2000),
  };
  const redis = new Redis(url, options);
  // Errors while reconnecting are expected during a Redis restart; they surface through the commands that wait.
  redis.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.connect().then(() => redis.ping()),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (e) {
    redis.disconnect();
    throw serverError(
      'SRV_ERR_QUEUE_UNAVAILABLE',
      `${redactUrl(url)}: cannot reach the Redis job queue (${o.role}): ${describeThrown(e)}`,
      { url: redactUrl(url), role: o.role },
      e,
    );
  } finally {
    clearTimeout(timer);
  }
  return redis;
}
