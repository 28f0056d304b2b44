import { Redis } from 'ioredis';

/** The Redis URL of a run: the explicit one, else `$OCTOPLAN_REDIS_URL`; an error says what to set when neither is. */
export function resolveRedisUrl(explicit?: string): string {
  const url = explicit ?? process.env.OCTOPLAN_REDIS_URL;
  if (!url) throw new Error('no Redis URL: pass one (e.g. redis://127.0.0.1:6390) or set OCTOPLAN_REDIS_URL');
  return url;
}

/**
 * Opens a connection and waits until it is ready. `name` shows in `CLIENT LIST` and in errors, so a failure names the
 * worker at fault. Reconnection is bounded: a worker whose Redis is gone fails instead of hanging.
 */
export async function connectRedis(url: string, name: string): Promise<Redis> {
  const client = new Redis(url, {
    connectionName: name.replace(/[^\w.:-]/g, '_'),
    lazyConnect: true,
    maxRetriesPerRequest: 2,
    retryStrategy: (times) => (times > 5 ? null : Math.min(50 * times, 500)),
  });
  // Without a listener ioredis prints every transient error; failures surface through the rejected commands instead.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (e) {
    client.disconnect();
    throw new Error(`${name}: cannot connect to Redis at ${url}: ${(e as Error).message}`);
  }
  return client;
}

/** Closes a connection politely (QUIT), falling back to dropping it when Redis is unreachable. */
export async function closeRedis(client: Redis): Promise<void> {
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}
