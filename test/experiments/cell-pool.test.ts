import { describe, expect, it } from 'vitest';
import { poolExecutor } from '../../experiments/cells/local-pool.js';
import { decodeValue, encodeValue } from '../../experiments/cells/queue/value-codec.js';
import { buildCompareMatrix } from '../../experiments/compare/build-matrix.js';
import { compareCells } from '../../experiments/compare/compare-cell.js';
import { withoutTiming } from '../../experiments/compare/results.js';
import { runCompare } from '../../experiments/compare/runner.js';
import { runLoadSweep } from '../../experiments/load/load-sweep.js';
import { etaClock } from '../../experiments/cli/cell-options.js';
import { bench } from '../cli/run-bench.js';

describe('cells on a worker-thread pool', () => {
  it('gives the same JSON as one cell after another, whichever thread ran which cell', async () => {
    const { matrix } = await buildCompareMatrix({ workloads: ['gemm', 'wordcount'], runs: 2, predictionErrors: [0, 0.25] });
    expect(compareCells(matrix)).toHaveLength(2 * 2 * 6);
    const done: number[] = [];
    const local = await runCompare(matrix);
    const pooled = await runCompare(matrix, { executor: poolExecutor(2), onProgress: (p) => done.push(p.done) });
    expect(JSON.stringify(withoutTiming(pooled))).toBe(JSON.stringify(withoutTiming(local)));
    // Progress counts cells across threads, once each.
    expect(done).toEqual(Array.from({ length: 24 }, (_v, i) => i + 1));
    expect(pooled.timing.planning).toHaveLength(24);
  }, 120_000);

  it('a load sweep gives the same points on two threads as on one (but for wall time), dispatch strategies by name', async () => {
    const { matrix } = await buildCompareMatrix({ workloads: ['gemm', 'wordcount'], planners: ['wukong', 'uniform'], optimizations: ['none'], runs: 1 });
    const spec = { matrix, loads: [{ kind: 'poisson', ratePerS: 1 }, { kind: 'poisson', ratePerS: 4 }] as const, requests: 20, dispatch: [{ strategy: 'fifo' }, { strategy: 'edf' }] };
    const strip = (results: { points: readonly { wallMs: number }[] }) => JSON.stringify({ ...results, points: results.points.map(({ wallMs: _w, ...p }) => p) });
    const local = await runLoadSweep(spec);
    const pooled = await runLoadSweep({ ...spec, executor: poolExecutor(2) });
    expect(local.results.points.map((p) => `${p.variant}@${p.load}`)).toEqual([
      'wukong · fifo@1/s', 'wukong · fifo@4/s', 'wukong · edf@1/s', 'wukong · edf@4/s',
      'uniform · fifo@1/s', 'uniform · fifo@4/s', 'uniform · edf@1/s', 'uniform · edf@4/s',
    ]);
    expect(strip(pooled.results)).toBe(strip(local.results));
  }, 120_000);

  it('a user error in a worker thread is still one line', async () => {
    const result = await bench(['compare', '--workloads', 'gemm,wordcount', '--belief-scale', 'nosuchfn=2', '--runs', '1', '--jobs', '2', '--no-progress']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/--belief-scale: no workload of the comparison has a function 'nosuchfn'/)]);
  }, 60_000);

  it('--jobs is a whole number of at least 1; --sweep and --resume need --queue', async () => {
    for (const [args, message] of [
      [['--jobs', '0'], /--jobs must be a whole number of at least 1/],
      [['--resume', 'x'], /--resume names a sweep on a queue; give --queue/],
      [['--jobs', '2', '--queue', 'redis://127.0.0.1:1'], /give --jobs or --queue, not both/],
    ] as const) {
      const result = await bench(['compare', '--workloads', 'gemm', '--no-progress', ...args]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(message);
    }
  }, 60_000);
});

describe('cell values across the queue', () => {
  it('keep NaN, ±Infinity and -0, which plain JSON loses', () => {
    const value = { a: NaN, b: [Infinity, -Infinity, -0, 0, 1.5], c: null, d: 'x' };
    const back = decodeValue<typeof value>(encodeValue(value));
    expect(back.a).toBeNaN();
    expect(back.b.map((n) => Object.is(n, -0) ? '-0' : String(n))).toEqual(['Infinity', '-Infinity', '-0', '0', '1.5']);
    expect(back.c).toBeNull();
  });
});

describe('the ETA of a sweep', () => {
  it('extrapolates the pace so far, and says nothing before the first cell or after the last', () => {
    let nowMs = 0;
    const eta = etaClock(() => nowMs);
    expect(eta.text(0, 10)).toBe('');
    nowMs = 2_000;
    expect(eta.text(4, 10)).toBe(' ETA 3 s');
    expect(eta.text(10, 10)).toBe('');
  });
});
