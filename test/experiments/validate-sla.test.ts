import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceRecord } from '../../core/trace-records.js';
import { runValidation } from '../../experiments/validate/validate.js';
import { startTestRedis } from '../support/redis-server.js';

let redis: { url: string; stop: () => Promise<void> };
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const slaOf = (records: readonly TraceRecord[]) => records.flatMap((r) => (r.type === 'run' ? [r.sla] : []));

describe('bench validate --sla', () => {
  it('reaches the real runs: fit and test runs are planned for the SLA given, and the report says which', { timeout: 120_000 }, async () => {
    const fitSlas: string[] = [];
    const testSlas: string[] = [];
    const report = await runValidation({
      workloads: ['tree_reduction'],
      planners: ['uniform'],
      optimizations: [],
      sla: { kind: 'percentile', percentile: 90 },
      warmUpRuns: 0,
      fitRuns: 1,
      testRuns: 1,
      simulations: 1,
      seed: 'sla',
      redisUrl: redis.url,
      onFitRun: (_workload, _planner, records) => fitSlas.push(...slaOf(records)),
      onTestRun: (pair) => testSlas.push(...slaOf(pair.measured), ...slaOf(pair.simulated)),
    });
    expect(fitSlas).toEqual(['p90']);
    expect(testSlas).toEqual(['p90', 'p90']);
    expect(report.options.sla).toEqual({ kind: 'percentile', percentile: 90 });
  });
});
