import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { findRedisServer } from '../../runtime-lambda/redis/local-server.js';
import { startTestRedis } from '../support/redis-server.js';

describe('test redis-server', () => {
  it('is a real, private redis-server on a free loopback port that stops cleanly', async () => {
    expect(findRedisServer()).toBeTruthy();
    const [a, b] = await Promise.all([startTestRedis(), startTestRedis()]);
    try {
      expect(a.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
      expect(a.url).not.toBe(b.url);
      expect(a.url).not.toMatch(/:6379$/);
      const client = new Redis(a.url);
      expect(await client.set('k', 'v')).toBe('OK');
      // Persistence off: nothing is written to disk between tests.
      expect(await client.config('GET', 'save')).toEqual(['save', '']);
      expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'no']);
      const other = new Redis(b.url);
      expect(await other.get('k')).toBeNull();
      other.disconnect();
      client.disconnect();
    } finally {
      await a.stop();
      await b.stop();
    }
    const probe = new Redis(a.url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on('error', () => {});
    await expect(probe.connect()).rejects.toThrow();
    probe.disconnect();
  });
});
