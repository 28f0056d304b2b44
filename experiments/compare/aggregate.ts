import { sameOptimizations } from './matrix.js';
import { COMPARE_METRICS, type CompareAggregate, type CompareMetric, type CompareRunRow, type MetricStats } from './results.js';
import { metricStats, percentChange } from './stats.js';

/**
 * What the runner knows of a (workload, error level, SLA, variant) besides its runs: the planner, its resources and
 * its plan; the aggregate adds the statistics and the comparisons.
 */
export type CellInfo = Omit<
  CompareAggregate,
  'completedRuns' | 'metrics' | 'baselineVariant' | 'deltaPct' | 'estimateErrorPct' | 'slaAttainment' | 'boundRatio' | 'optimizationEffectPct'
>;

/** The cells one table compares: same workload, SLA and prediction-error level. */
function sameCell(a: { workload: string; sla: string; predictionError: number }, b: { workload: string; sla: string; predictionError: number }): boolean {
  return a.workload === b.workload && a.sla === b.sla && a.predictionError === b.predictionError;
}

/**
 * Aggregates the runs of every cell (statistics over completed runs only: a failed run's makespan measures the
 * failure, not the plan) and adds:
 * - Δ% against the baseline planner's variant of the same workload, SLA and error level, at the same resources when
 *   there is one, with the same optimizations when that variant exists, else the one without optimizations;
 * - the optimization passes' own effect: Δ% against the same planner without passes;
 * - the estimate error (the planner's estimate against the graded mean) and SLA attainment (share of runs within the
 *   estimate at the SLA planned for; a run that did not complete missed it);
 * - the mean ratio of makespan and GB-s to their lower bounds on the same truth draw.
 */
export function aggregateCells(cells: readonly CellInfo[], rows: readonly CompareRunRow[], baselinePlanner: string): CompareAggregate[] {
  const withStats = cells.map((cell) => {
    const all = rows.filter((r) => sameCell(r, cell) && r.variant === cell.variant);
    const completed = all.filter((r) => r.status === 'completed');
    const metrics = Object.fromEntries(COMPARE_METRICS.map((m) => [m, metricStats(completed.map((r) => r[m]))])) as Record<CompareMetric, MetricStats>;
    return { cell, metrics, completed, all };
  });
  const deltas = (metrics: Record<CompareMetric, MetricStats>, against: Record<CompareMetric, MetricStats>) =>
    Object.fromEntries(COMPARE_METRICS.map((m) => [m, percentChange(metrics[m].mean, against[m].mean)])) as Record<CompareMetric, number | null>;
  return withStats.map(({ cell, metrics, completed, all }): CompareAggregate => {
    // With one baseline variant per size (`wukong@1024`, `wukong@2048`), a variant is held against the one at its own sizes.
    const baselines = withStats.filter((o) => sameCell(o.cell, cell) && o.cell.planner === baselinePlanner);
    const atOwnSizes = baselines.filter((o) => sameResources(o.cell, cell));
    const candidates = atOwnSizes.length > 0 ? atOwnSizes : baselines;
    const baseline =
      candidates.find((o) => sameOptimizations(o.cell.optimizations, cell.optimizations)) ??
      candidates.find((o) => o.cell.optimizations.length === 0);
    const withoutPasses =
      cell.optimizations.length === 0
        ? undefined
        : withStats.find((o) => sameCell(o.cell, cell) && o.cell.planner === cell.planner && o.cell.optimizations.length === 0 && sameResources(o.cell, cell));
    const nullDeltas = Object.fromEntries(COMPARE_METRICS.map((m) => [m, null])) as Record<CompareMetric, number | null>;
    return {
      ...cell,
      completedRuns: completed.length,
      metrics,
      baselineVariant: baseline?.cell.variant ?? null,
      deltaPct: baseline ? deltas(metrics, baseline.metrics) : nullDeltas,
      estimateErrorPct: percentChange(cell.estimatedMakespanMs, metrics.makespanMs.mean),
      slaAttainment: all.length === 0 ? null : completed.filter((r) => r.makespanMs <= cell.estimatedMakespanMs).length / all.length,
      boundRatio: { makespanMs: meanRatio(completed, 'makespanMs', 'lowerBoundMakespanMs'), gbSeconds: meanRatio(completed, 'gbSeconds', 'lowerBoundGbSeconds') },
      optimizationEffectPct: withoutPasses ? deltas(metrics, withoutPasses.metrics) : null,
    };
  });
}

function sameResources(a: CellInfo, b: CellInfo): boolean {
  return a.resources.length === b.resources.length && a.resources.every((r, i) => r.memoryMb === b.resources[i]!.memoryMb && r.vCpus === b.resources[i]!.vCpus);
}

/** Mean over rows of value / bound; null without a row or where a bound is missing or zero. */
function meanRatio(rows: readonly CompareRunRow[], value: 'makespanMs' | 'gbSeconds', bound: 'lowerBoundMakespanMs' | 'lowerBoundGbSeconds'): number | null {
  const ratios: number[] = [];
  for (const r of rows) {
    const b = r[bound];
    if (b === null || !(b > 0)) return null;
    ratios.push(r[value] / b);
  }
  return ratios.length === 0 ? null : ratios.reduce((a, v) => a + v, 0) / ratios.length;
}
