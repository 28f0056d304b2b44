import { fc, it as fcIt } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { TruthChoice } from '../../core/compare-results.js';
import { ConfigError } from '../../core/errors.js';
import { buildCompareMatrix, type CompareChoices } from '../../experiments/compare/build-matrix.js';
import type { CompareMatrix } from '../../experiments/compare/matrix.js';
import { formatCompareTables } from '../../experiments/compare/report-table.js';
import type { CompareResults, CompareRunRow } from '../../experiments/compare/results.js';
import { runCompare } from '../../experiments/compare/runner.js';

/** tree_reduction with 8 leaves (15 tasks) and gemm with 2×2 blocks (5 tasks): fast enough for properties. */
const SMALL: CompareChoices = {
  planners: ['wukong', 'uniform'],
  optimizations: ['none'],
  runs: 3,
  historyRuns: 4,
  seed: 11,
  params: { tree_reduction: { leaves: 8 }, gemm: { blocks: 2 } },
};

async function compare(choices: CompareChoices): Promise<CompareResults> {
  return runCompare((await buildCompareMatrix(choices)).matrix);
}

/** A run row without the fields that name its variant: what must match between two identical plans. */
function outcome(row: CompareRunRow): string {
  const { variant: _variant, runId: _runId, ...rest } = row;
  return JSON.stringify(rest);
}

describe('belief and truth in bench compare', () => {
  it('defaults to an honest truth: a generated history is graded against fresh draws from the workload model', async () => {
    const results = await compare({ ...SMALL, workloads: ['tree_reduction'] });
    expect(results.matrix.truth).toEqual({ choice: 'auto' });
    expect(results.truth.tree_reduction).toMatchObject({ kind: 'generator', selfEvaluation: false, replayRunIds: [] });
    expect(results.truth.tree_reduction!.trainingRunIds).toHaveLength(4);
    const table = formatCompareTables(results);
    expect(table).toMatch(/truth: generator, fresh per-task draws from the workload's behaviour model; start-ups and transfers from the platform model; belief: 4 training run\(s\)/);
    expect(table).not.toMatch(/SELF-EVALUATION/);
  });

  it('--truth replay holds out a seeded share of the history that the planner never sees, and cycles through it', async () => {
    const results = await compare({ ...SMALL, workloads: ['tree_reduction'], truth: 'replay', historyRuns: 10, runs: 4 });
    const truth = results.truth.tree_reduction!;
    expect(truth.kind).toBe('replay');
    expect(truth.replayRunIds).toHaveLength(3); // 30 % of 10
    expect(truth.trainingRunIds).toHaveLength(7);
    expect(truth.trainingRunIds.filter((id) => truth.replayRunIds.includes(id))).toEqual([]);
    expect(results.historyRuns.tree_reduction).toBe(7);
    const wukong = results.runs.filter((r) => r.variant === 'wukong');
    expect(wukong.map((r) => r.truthRun)).toEqual([...truth.replayRunIds, truth.replayRunIds[0]]);
    // The split is seeded: another seed holds out other runs (of another generated history).
    const other = await compare({ ...SMALL, workloads: ['tree_reduction'], truth: 'replay', historyRuns: 10, seed: 12 });
    expect(other.truth.tree_reduction!.replayRunIds).not.toEqual(truth.replayRunIds);
  });

  it('--truth predictions is labelled as self-evaluation in the results and the table', async () => {
    const results = await compare({ ...SMALL, workloads: ['tree_reduction'], truth: 'predictions' });
    expect(results.truth.tree_reduction).toMatchObject({ kind: 'predictions', selfEvaluation: true });
    expect(formatCompareTables(results)).toMatch(/SELF-EVALUATION: plans are graded against draws from their own predictions/);
  });

  fcIt.prop(
    {
      workload: fc.constantFrom('tree_reduction', 'gemm'),
      truth: fc.constantFrom<TruthChoice>('generator', 'predictions', 'replay'),
      planner: fc.constantFrom('wukong', 'uniform', 'non-uniform'),
      seed: fc.integer({ min: 0, max: 10_000 }),
    },
    { numRuns: 12 },
  )('two variants producing identical plans give byte-identical run rows, under any truth', async ({ workload, truth, planner, seed }) => {
    const built = await buildCompareMatrix({ ...SMALL, workloads: [workload], truth, seed, runs: 2 });
    // The same planner twice under two labels: the plans are identical, so only the dice could tell them apart.
    const matrix: CompareMatrix = {
      ...built.matrix,
      variants: [
        { label: 'first', planner, optimizations: [] },
        { label: 'second', planner, optimizations: [] },
      ],
    };
    const results = await runCompare(matrix);
    const first = results.runs.filter((r) => r.variant === 'first').map(outcome);
    const second = results.runs.filter((r) => r.variant === 'second').map(outcome);
    expect(first).toHaveLength(2);
    expect(second).toEqual(first);
  });

  it('paired draws: different plans of one cell are graded on the same truth (same lower bounds, same replayed runs)', async () => {
    const results = await compare({ ...SMALL, workloads: ['gemm'], planners: ['wukong', 'uniform', 'non-uniform'], truth: 'replay' });
    for (const run of [0, 1, 2]) {
      const rows = results.runs.filter((r) => r.run === run);
      expect(new Set(rows.map((r) => r.truthRun)).size).toBe(1);
    }
    // wukong and uniform are offered the same resources, so their bounds of a draw are the same numbers.
    const bound = (variant: string) => results.runs.filter((r) => r.variant === variant).map((r) => r.lowerBoundMakespanMs);
    expect(bound('uniform')).toEqual(bound('wukong'));
    for (const row of results.runs) expect(row.makespanMs).toBeGreaterThanOrEqual(row.lowerBoundMakespanMs!);
  });

  it('a deliberately wrong belief (one function believed twice as fast) makes the graded makespan worse than the estimate', async () => {
    const right = await compare({ ...SMALL, workloads: ['gemm'], planners: ['uniform'], runs: 5 });
    const wrong = await compare({ ...SMALL, workloads: ['gemm'], planners: ['uniform'], runs: 5, beliefScale: { multiply_chunks: 0.5 } });
    const estimate = (r: CompareResults) => r.aggregates[0]!;
    // The belief changed, the truth did not: the same draws, and the estimate is now too optimistic.
    expect(wrong.runs.map((r) => r.lowerBoundMakespanMs)).toEqual(right.runs.map((r) => r.lowerBoundMakespanMs));
    expect(estimate(wrong).estimatedMakespanMs).toBeLessThan(estimate(right).estimatedMakespanMs);
    expect(estimate(wrong).metrics.makespanMs.mean!).toBeGreaterThan(estimate(wrong).estimatedMakespanMs);
    expect(estimate(wrong).estimateErrorPct!).toBeLessThan(-10);
    expect(estimate(wrong).slaAttainment).toBe(0);
    const table = formatCompareTables(wrong);
    expect(table).toMatch(/perturbed: execution times scaled: multiply_chunks ×0\.5/);
    expect(table).toMatch(/est\. err/);
    expect(table).toContain(`${estimate(wrong).estimateErrorPct!.toFixed(1)}%`);
  });

  it('--prediction-error plans each level on its own belief and grades every level on the same truth', async () => {
    const results = await compare({ ...SMALL, workloads: ['gemm'], planners: ['uniform', 'non-uniform'], predictionErrors: [0, 0.5] });
    expect(results.aggregates.map((a) => `${a.variant}@${a.predictionError}`)).toEqual([
      'uniform@0',
      'non-uniform@0',
      'uniform@0.5',
      'non-uniform@0.5',
    ]);
    const bounds = (level: number) => results.runs.filter((r) => r.predictionError === level).map((r) => r.lowerBoundMakespanMs);
    expect(bounds(0.5)).toEqual(bounds(0));
    const estimate = (variant: string, level: number) =>
      results.aggregates.find((a) => a.variant === variant && a.predictionError === level)!.estimatedMakespanMs;
    expect(estimate('non-uniform', 0.5)).not.toBe(estimate('non-uniform', 0));
    expect(formatCompareTables(results)).toMatch(/perturbed: prediction error CV 0\.5/);
  });

  it('bad input is one clear error naming the fix', async () => {
    await expect(compare({ ...SMALL, workloads: ['gemm'], truth: 'replay', holdout: 0 })).rejects.toThrow(
      /--truth replay: workload 'gemm' has no held-out run to replay .*use --truth generator/,
    );
    await expect(compare({ ...SMALL, workloads: ['gemm'], replayRun: 'no-such-run' })).rejects.toThrow(
      /--replay-run 'no-such-run': workload 'gemm' has no such run; its runs: gemm-s\d+-r0/,
    );
    await expect(compare({ ...SMALL, workloads: ['gemm'], predictionErrors: [0, -0.1] })).rejects.toThrow(ConfigError);
    await expect(compare({ ...SMALL, workloads: ['gemm'], predictionErrors: [-0.1] })).rejects.toThrow(/--prediction-error: -0\.1 is not a coefficient of variation/);
    await expect(compare({ ...SMALL, workloads: ['gemm'], truth: 'generator', replayRun: 'x' })).rejects.toThrow(/--replay-run applies to --truth replay/);
    await expect(compare({ ...SMALL, workloads: ['gemm'], truth: 'replay', holdout: 4 })).rejects.toThrow(/no run would be left to plan from/);
    await expect(compare({ ...SMALL, workloads: ['gemm'], beliefScale: { multiply: 0.5 } })).rejects.toThrow(
      /--belief-scale: no workload of the comparison has a function 'multiply' \(functions: aggregate_results, multiply_chunks\)/,
    );
  });
});
