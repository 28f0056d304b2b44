import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCompareMatrix } from '../../experiments/compare/build-matrix.js';
import { writeLoadReport } from '../../experiments/load/load-report.js';
import { loadCsv } from '../../experiments/load/load-table.js';
import { runLoadSweep } from '../../experiments/load/load-sweep.js';

describe('bench load results and report', () => {
  it('writes results, CSV, Markdown and three charts whose data are the sweep', { timeout: 120_000 }, async () => {
    const built = await buildCompareMatrix({ workloads: ['tree_reduction'], planners: ['wukong', 'uniform'], optimizations: ['none'], runs: 1 });
    const { results } = await runLoadSweep({ matrix: built.matrix, loads: [{ kind: 'poisson', ratePerS: 1 }, { kind: 'poisson', ratePerS: 4 }], requests: 20 });
    expect(results.points).toHaveLength(4);
    for (const p of results.points) {
      // 20 requests, the first 2 left out as warm-up.
      expect(p.metrics.measured).toBe(18);
      expect(p.latenciesMs).toHaveLength(p.metrics.completed);
      expect(Math.max(...p.latenciesMs)).toBeCloseTo(p.metrics.latencyMaxMs, 2);
    }
    const csv = loadCsv(results).trim().split('\n');
    expect(csv).toHaveLength(5);
    expect(csv[0]).toContain('latencyP99Ms');
    const dir = await mkdtemp(join(tmpdir(), 'octoplan-load-report-'));
    await writeLoadReport(results, dir, 'bench load test');
    const files = (await readdir(dir)).sort();
    for (const chart of ['latency', 'concurrency', 'latency-cdf']) for (const ext of ['vl.json', 'svg', 'png']) expect(files).toContain(`${chart}.${ext}`);
    const latency = JSON.parse(await readFile(join(dir, 'latency.vl.json'), 'utf8')) as { data: { values: { variant: string; percentile: string; latencyS: number }[] } };
    expect(latency.data.values).toHaveLength(8);
    const p99 = latency.data.values.find((v) => v.variant === 'uniform' && v.percentile === 'p99')!;
    const point = results.points.find((p) => p.variant === 'uniform' && p.load === '1/s')!;
    expect(p99.latencyS).toBeCloseTo(point.metrics.latencyP99Ms / 1000, 9);
    expect(await readFile(join(dir, 'load.md'), 'utf8')).toContain('Regenerate: `bench load test`');
  });

  it('compares dispatch strategies: a point per variant × strategy × load, the worst wait, and the p99/attainment chart', { timeout: 120_000 }, async () => {
    const built = await buildCompareMatrix({ workloads: ['tree_reduction', 'wordcount'], planners: ['wukong'], optimizations: ['none'], runs: 1, platform: 'test/experiments/fixtures/account-limit-8.json' });
    const { results } = await runLoadSweep({
      matrix: built.matrix,
      loads: [{ kind: 'poisson', ratePerS: 2 }, { kind: 'poisson', ratePerS: 8 }],
      requests: 30,
      // By name: a sweep is plain data, so its cells can run on other threads (experiments/cells).
      dispatch: [{ strategy: 'fifo' }, { strategy: 'edf' }],
    });
    expect(results.points.map((p) => `${p.variant}@${p.load}`)).toEqual(['wukong · fifo@2/s', 'wukong · fifo@8/s', 'wukong · edf@2/s', 'wukong · edf@8/s']);
    for (const p of results.points) expect(p.peakLiveInvocations).toBeLessThanOrEqual(8);
    // At 8/s the 8 slots are saturated: invocations wait, and the worst wait is reported.
    const busy = results.points.find((p) => p.variant === 'wukong · fifo' && p.load === '8/s')!;
    expect(busy.throttles).toBeGreaterThan(0);
    expect(busy.maxSlotWaitMs).toBeGreaterThan(0);
    expect(loadCsv(results).split('\n')[0]).toContain('dispatch');
    const dir = await mkdtemp(join(tmpdir(), 'octoplan-load-dispatch-'));
    await writeLoadReport(results, dir, 'bench load dispatch test');
    const chart = JSON.parse(await readFile(join(dir, 'dispatch.vl.json'), 'utf8')) as { data: { values: { strategy: string; offeredPerS: number; p99S: number; attainment: number }[] } };
    const edf8 = chart.data.values.find((v) => v.strategy === 'edf' && v.offeredPerS === 8)!;
    const point = results.points.find((p) => p.variant === 'wukong · edf' && p.load === '8/s')!;
    expect(edf8.p99S).toBeCloseTo(point.metrics.latencyP99Ms / 1000, 9);
    expect(edf8.attainment).toBe(point.metrics.slaAttainment);
    expect(await readFile(join(dir, 'load.md'), 'utf8')).toContain('dispatch.svg');
  });
});
