import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadResults } from '../../experiments/load/load-sweep.js';
import { bench } from '../cli/run-bench.js';
import { startTestRedis } from '../support/redis-server.js';

// `bench run --runtime local --dispatch …` as a user runs it: a real load through a dispatcher in front of the
// gateway, per strategy, against a test Redis; a few tree_reduction requests under WUKONG, account limit 2.

const FROM_SOURCE = { env: { OCTOPLAN_FROM_SOURCE: '1' } };
let redis: { url: string; stop: () => Promise<void> };
let dir: string;
beforeAll(async () => {
  redis = await startTestRedis();
  dir = await mkdtemp(join(tmpdir(), 'octoplan-dispatch-cli-'));
  await writeFile(join(dir, 'limit-2.json'), JSON.stringify({ concurrency: { accountLimit: 2 } }));
});
afterAll(async () => {
  await redis?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('bench run --runtime local --dispatch', () => {
  it('runs each strategy through the dispatcher: every request completes, within the limit, nothing left in Redis', { timeout: 180_000 }, async () => {
    const out = await bench(
      ['run', '--runtime', 'local', '--workloads', 'tree_reduction', '--planner', 'wukong', '--rates', '8', '-n', '8', '--platform', join(dir, 'limit-2.json'), '--dispatch', 'fifo,edf', '--redis', redis.url, '--json', '--no-progress'],
      FROM_SOURCE,
    );
    expect(out.stderr).not.toMatch(/\n\s+at /);
    expect(out.code, out.stderr).toBe(0);
    const results = JSON.parse(out.stdout) as LoadResults & { leftoverKeys: string[] };
    expect(results.leftoverKeys).toEqual([]);
    expect(results.points.map((p) => [p.variant, p.dispatch])).toEqual([
      ['wukong · fifo', 'fifo'],
      ['wukong · edf', 'edf'],
    ]);
    for (const point of results.points) {
      expect(point.metrics.arrived).toBe(8);
      expect(point.metrics.failed + point.metrics.timedOut + point.metrics.unfinished).toBe(0);
      expect(point.peakLiveInvocations).toBeLessThanOrEqual(2);
      // 8 requests at 8/s through 2 slots: some invocations waited in the dispatcher's queue.
      expect(point.throttles).toBeGreaterThan(0);
      expect(point.maxSlotWaitMs).toBeGreaterThan(0);
    }
  });

  it('a dispatch flag without an offered load is one clear line', async () => {
    const out = await bench(['run', '--runtime', 'local', '--dispatch', 'edf'], FROM_SOURCE);
    expect(out.code).not.toBe(0);
    expect(out.stderr).toMatch(/--dispatch is for load runs: give an offered load/);
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });
});
