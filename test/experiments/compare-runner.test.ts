import { mean, sampleStandardDeviation } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { MEDIAN } from '../../core/sla.js';
import { buildCompareMatrix, type CompareChoices } from '../../experiments/compare/build-matrix.js';
import { availableOptimizations } from '../../experiments/compare/choices.js';
import { COMPARE_CSV_COLUMNS, compareCsv } from '../../experiments/compare/csv.js';
import { COMPARE_METRICS, withoutTiming, type CompareResults } from '../../experiments/compare/results.js';
import { runCompare } from '../../experiments/compare/runner.js';

/** A tiny comparison: tree_reduction with 8 leaves (15 tasks), a short history, two simulated runs per cell. */
const TINY: CompareChoices = {
  workloads: ['tree_reduction'],
  planners: ['wukong', 'uniform'],
  optimizations: ['none'],
  runs: 2,
  historyRuns: 3,
  seed: 7,
  params: { tree_reduction: { leaves: 8 }, gemm: { blocks: 2 } },
};

async function compare(choices: CompareChoices): Promise<CompareResults> {
  return runCompare((await buildCompareMatrix(choices)).matrix);
}

function cellRows(results: CompareResults, variant: string, workload = 'tree_reduction') {
  return results.runs.filter((r) => r.variant === variant && r.workload === workload);
}

describe('compare runner', () => {
  it('is deterministic: the same seed gives byte-identical results apart from timing; another seed differs', async () => {
    const a = await compare(TINY);
    const b = await compare(TINY);
    expect(JSON.stringify(withoutTiming(a))).toBe(JSON.stringify(withoutTiming(b)));
    expect(a.timing.planning).toHaveLength(2);
    expect(a.runs).toHaveLength(4);
    expect(a.aggregates.map((x) => x.variant)).toEqual(['wukong', 'uniform']);
    expect(a.toolkit.name).toBe('octoplan');
    const c = await compare({ ...TINY, seed: 8 });
    expect(JSON.stringify(withoutTiming(c))).not.toBe(JSON.stringify(withoutTiming(a)));
  });

  it('adding a planner variant or a workload leaves the other cells unchanged', async () => {
    const base = await compare(TINY);
    const more = await compare({ ...TINY, planners: ['non-uniform', 'wukong', 'uniform'], workloads: ['gemm', 'tree_reduction'] });
    for (const variant of ['wukong', 'uniform']) {
      expect(cellRows(more, variant)).toEqual(cellRows(base, variant));
      expect(more.aggregates.find((x) => x.workload === 'tree_reduction' && x.variant === variant)).toEqual(
        base.aggregates.find((x) => x.variant === variant),
      );
    }
    expect(more.seeds.history.tree_reduction).toBe(base.seeds.history.tree_reduction);
  });

  it('aggregates are the mean and sample std of the runs, and Δ% is the ratio of means against wukong', async () => {
    const results = await compare(TINY);
    const uniform = results.aggregates.find((x) => x.variant === 'uniform')!;
    expect(uniform.baselineVariant).toBe('wukong');
    for (const metric of COMPARE_METRICS) {
      const u = cellRows(results, 'uniform').map((r) => r[metric]);
      const w = cellRows(results, 'wukong').map((r) => r[metric]);
      expect(uniform.metrics[metric].mean).toBeCloseTo(mean(u), 9);
      expect(uniform.metrics[metric].std).toBeCloseTo(sampleStandardDeviation(u), 9);
      if (mean(w) === 0) expect(uniform.deltaPct[metric]).toBeNull();
      else expect(uniform.deltaPct[metric]).toBeCloseTo((mean(u) / mean(w) - 1) * 100, 9);
    }
    expect(results.aggregates.find((x) => x.variant === 'wukong')!.deltaPct.makespanMs).toBe(0);
    const row = results.runs[0]!;
    expect(row.storageMb).toBe((row.uploadedBytes + row.downloadedBytes) / 1e6);
  });

  it('CSV has one row per cell whose columns and values match the JSON', async () => {
    const results = await compare(TINY);
    const [header, ...lines] = compareCsv(results).trimEnd().split('\n');
    expect(header!.split(',')).toEqual(COMPARE_CSV_COLUMNS);
    expect(lines).toHaveLength(results.aggregates.length);
    lines.forEach((line, i) => {
      const cells = Object.fromEntries(line.split(',').map((v, col) => [COMPARE_CSV_COLUMNS[col]!, v]));
      const a = results.aggregates[i]!;
      expect(cells.variant).toBe(a.variant);
      expect(cells.resourcesMb).toBe(a.resources.map((r) => r.memoryMb).join('/'));
      expect(Number(cells.estimatedMakespanMs)).toBe(a.estimatedMakespanMs);
      for (const m of COMPARE_METRICS) {
        expect(Number(cells[`${m}Mean`])).toBe(a.metrics[m].mean);
        expect(Number(cells[`${m}Std`])).toBe(a.metrics[m].std);
        expect(cells[`${m}DeltaPct`]).toBe(a.deltaPct[m] === null ? '' : String(a.deltaPct[m]));
      }
    });
  });

  it('unknown workload, planner and optimization names are errors listing the valid ones', async () => {
    await expect(buildCompareMatrix({ workloads: ['nope'] })).rejects.toThrow(/unknown workload 'nope'.*tree_reduction.*gemm/);
    await expect(buildCompareMatrix({ planners: ['nope'] })).rejects.toThrow(/unknown planner 'nope'.*wukong.*uniform/);
    await expect(buildCompareMatrix({ optimizations: ['pre-nope'] })).rejects.toThrow(/unknown optimization 'pre-nope'.*none, all.*pre-warm/);
  });

  it('variant labels and defaults: each planner without and with all optimizations', async () => {
    const { matrix } = await buildCompareMatrix({});
    expect(matrix.workloads).toHaveLength(6);
    expect(matrix.slas).toEqual([MEDIAN]);
    expect(matrix.variants.map((v) => v.label)).toEqual(['wukong', 'wukong+opt', 'uniform', 'uniform+opt', 'non-uniform', 'non-uniform+opt']);
  });

  it('with optimizations: +opt variants plan with every pass, are never estimated longer, and run', async () => {
    const results = await compare({ ...TINY, planners: ['uniform'], optimizations: ['none', 'all'] });
    const plain = results.aggregates.find((x) => x.variant === 'uniform')!;
    const optimized = results.aggregates.find((x) => x.variant === 'uniform+opt')!;
    expect(optimized.optimizations).toEqual(availableOptimizations());
    expect(optimized.optimizations.length).toBeGreaterThan(0);
    expect(optimized.estimatedMakespanMs).toBeLessThanOrEqual(plain.estimatedMakespanMs * (1 + 1e-9));
    expect(optimized.completedRuns).toBe(2);
    expect(optimized.baselineVariant).toBeNull();
  });
});
