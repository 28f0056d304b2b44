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
});
