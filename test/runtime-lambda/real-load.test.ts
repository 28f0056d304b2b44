import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEDIAN } from '../../core/sla.js';
import type { WorkerRecord } from '../../core/trace-records.js';
import { octoplanKeys, runRealLoadSweep, type RealLoadSweep } from '../../experiments/load/real-load-sweep.js';
import { runLoadSweep } from '../../experiments/load/load-sweep.js';
import { buildCompareMatrix } from '../../experiments/compare/build-matrix.js';
import { loadCsv } from '../../experiments/load/load-table.js';
import { withOverrides } from '../../simulator/platform-config.js';
import { DEFAULT_PLATFORM_MODEL } from '../../simulator/platform-defaults.js';
import { startTestRedis } from '../support/redis-server.js';

// A small real load through the local gateway: 2 Poisson rates × 4 requests of gemm (5 tasks) under WUKONG, whose
// workers never wait holding a slot (the last upstream runs a fan-in), so a limit of 2 can only delay requests, not
// deadlock them. The second rate is high enough that requests overlap and invocations queue for a slot.

const ACCOUNT_LIMIT = 2;
let redis: { url: string; stop: () => Promise<void> };
let sweep: RealLoadSweep;
beforeAll(async () => {
  redis = await startTestRedis();
  sweep = await runRealLoadSweep({
    workloads: ['gemm'],
    planner: 'wukong',
    optimizations: [],
    sla: MEDIAN,
    seed: 'real-load-test',
    loads: [
      { kind: 'poisson', ratePerS: 1 },
      { kind: 'poisson', ratePerS: 8 },
    ],
    requests: 4,
    warmupFraction: 0,
    platform: withOverrides(DEFAULT_PLATFORM_MODEL, { concurrency: { accountLimit: ACCOUNT_LIMIT } }),
    redisUrl: redis.url,
    keepRecords: true,
    sampleEveryMs: 100,
  });
}, 120_000);
afterAll(async () => {
  await redis?.stop();
}, 30_000);

describe('a real load on the local runtime', () => {
  it('completes every request and leaves no key in Redis', async () => {
    expect(sweep.results.points).toHaveLength(2);
    for (const point of sweep.results.points) {
      expect(point.metrics).toMatchObject({ arrived: 4, measured: 4, completed: 4, failed: 0, timedOut: 0, unfinished: 0 });
      expect(point.latenciesMs).toHaveLength(4);
    }
    expect([...sweep.failures.values()].flatMap((f) => Object.keys(f))).toEqual([]);
    expect(sweep.leftoverKeys).toEqual([]);
    expect(await octoplanKeys(redis.url)).toEqual([]);
  });

  it('has the simulated sweep\'s shape: the same point fields, metrics and CSV columns', async () => {
    const built = await buildCompareMatrix({ workloads: ['gemm'], planners: ['wukong'], optimizations: ['none'], runs: 1, seed: 1 });
    const simulated = (await runLoadSweep({ matrix: built.matrix, loads: [{ kind: 'poisson', ratePerS: 1 }], requests: 4 })).results;
    expect(Object.keys(sweep.results).sort()).toEqual(Object.keys(simulated).sort());
    expect(Object.keys(sweep.results.points[0]!).sort()).toEqual(Object.keys(simulated.points[0]!).sort());
    expect(Object.keys(sweep.results.points[0]!.metrics).sort()).toEqual(Object.keys(simulated.points[0]!.metrics).sort());
    expect(loadCsv(sweep.results).split('\n')[0]).toBe(loadCsv(simulated).split('\n')[0]);
    expect(sweep.results).toMatchObject({ platform: 'local-gateway', accountLimit: ACCOUNT_LIMIT, workloads: ['gemm'], requests: 4 });
    for (const point of sweep.results.points) {
      const m = point.metrics;
      expect(m.throughputPerS).toBeGreaterThan(0);
      expect(m.latencyP50Ms).toBeGreaterThan(0);
      expect(m.latencyP99Ms).toBeGreaterThanOrEqual(m.latencyP50Ms);
      expect(m.latencyMaxMs).toBeGreaterThanOrEqual(m.latencyP99Ms);
      expect(m.queueP50Ms).toBeGreaterThanOrEqual(0);
      expect(m.gbSeconds).toBeGreaterThan(0);
      expect(m.coldStartShare).toBeGreaterThan(0);
      expect(point.series.length).toBeGreaterThanOrEqual(2);
    }
  });

  it('sends the requests at the seeded arrival times and runs one worker record per invocation', () => {
    for (const [key, records] of sweep.records) {
      expect(records).toHaveLength(4);
      const sent = sweep.sent.get(key)!;
      expect(sent.map((a) => a.timeMs)).toEqual([...sent.map((a) => a.timeMs)].sort((a, b) => a - b));
      for (const request of records) {
        const workers = request.filter((r): r is WorkerRecord => r.type === 'worker');
        expect(workers.length).toBeGreaterThan(0);
        expect(request[0]).toMatchObject({ type: 'run', workflow: 'gemm' });
      }
    }
  });

  it('keeps live invocations within the account limit, and makes the excess wait', () => {
    for (const point of sweep.results.points) {
      expect(point.peakLiveInvocations).toBeGreaterThan(0);
      expect(point.peakLiveInvocations).toBeLessThanOrEqual(ACCOUNT_LIMIT);
      for (const sample of point.series) expect(sample.liveInvocations).toBeLessThanOrEqual(ACCOUNT_LIMIT);
    }
    // At 8/s four requests of four parallel multiplications each cannot all have a slot at once.
    expect(sweep.results.points[1]!.throttles).toBeGreaterThan(0);
    expect(sweep.results.points[1]!.metrics.queueP99Ms).toBeGreaterThan(0);
  });
});
