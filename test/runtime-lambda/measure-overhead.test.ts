import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureOverheadDetailed } from '../../runtime-lambda/measure-overhead.js';
import { startTestRedis } from '../support/redis-server.js';

let redis: { url: string; stop: () => Promise<void> };
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.stop();
});

describe('orchestration overhead per task on a warm worker', () => {
  // The figure itself is reported by `npm run bench:perf` (speed is benchmarked, not asserted in tests).
  it('is measured over a real run, one sample per chain step after the warm-up', async () => {
    const m = await measureOverheadDetailed({ redisUrl: redis.url, steps: 120, warmupSteps: 20 });
    expect(m.samplesMs).toHaveLength(99);
    // Every sample includes a real INCR round trip, so none can be free.
    expect(Math.min(...m.samplesMs)).toBeGreaterThan(0);
    expect(m.medianMs).toBeGreaterThanOrEqual(Math.min(...m.samplesMs));
    expect(m.medianMs).toBeLessThanOrEqual(Math.max(...m.samplesMs));
  });
});
