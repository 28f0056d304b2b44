import { Redis } from 'ioredis';
import { ConfigError } from '../../../core/errors.js';

/** The one BullMQ queue every sweep's cells go through, so a `bench worker` needs no sweep name. */
export const CELL_QUEUE = 'cells';
/** Prefix of every key the queue and the sweeps keep in Redis (`octoplan:cells:…`, `octoplan:sweep:…`). */
export const KEY_PREFIX = 'octoplan';

/** The Redis key of a sweep's record (its cells' digest, count, toolkit, creation time). */
export function sweepKey(sweep: string): string {
  return `${KEY_PREFIX}:sweep:${sweep}`;
}

/** A cell's job id: the sweep and the cell's place in it (BullMQ ids may not hold ':'). */
export function cellJobId(sweep: string, index: number): string {
  return `${sweep}.${index}`;
}

/** A sweep name: letters, digits, '.', '_' and '-' (it becomes part of Redis keys and job ids). */
export function checkSweepName(name: string): string {
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(name)) throw new ConfigError(`sweep name '${name}': use letters, digits, '.', '_' and '-' only (at most 100)`);
  return name;
}

/** `redis://HOST:PORT[/DB]` checked; anything else is one line saying what is expected. */
export function checkQueueUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`--queue '${url}' is not a URL: give redis://HOST:PORT`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new ConfigError(`--queue '${url}': give a redis:// (or rediss://) URL`);
  return url;
}

/**
 * Connects to the queue's Redis once, quickly, to fail with one clear line when it is unreachable (BullMQ itself
 * retries for ever, which would look like a hang). Returns the connection for the caller's own keys.
 */
export async function connectQueueRedis(url: string, who: string): Promise<Redis> {
  checkQueueUrl(url);
  const client = new Redis(url, {
    connectionName: who,
    lazyConnect: true,
    connectTimeout: 3_000,
    maxRetriesPerRequest: 1,
    // Bounded while connecting; the caller's own keys are few and short-lived after that.
    retryStrategy: (times) => (times > 2 ? null : 200 * times),
  });
  // Without a listener ioredis prints every transient error; the last one says why connecting failed (ECONNREFUSED)
  // better than the rejected command does ('Connection is closed').
  let lastError: string | undefined;
  client.on('error', (e: Error) => (lastError = e.message));
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    client.disconnect();
    const why = lastError ?? ((e as Error).message || 'connection failed');
    throw new ConfigError(`cannot reach Redis at ${url} (${why}): start redis-server there or fix --queue`);
  }
  return client;
}

/** BullMQ's connection options for the same URL (its blocking clients need unbounded retries per request). */
export function bullConnection(url: string): { url: string; maxRetriesPerRequest: null } {
  return { url, maxRetriesPerRequest: null };
}
