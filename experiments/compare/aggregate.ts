import { sameOptimizations } from './matrix.js';
import { COMPARE_METRICS, type CompareAggregate, type CompareMetric, type CompareRunRow, type MetricStats } from './results.js';
import { metricStats, percentChange } from './stats.js';

/**
 * What the runner knows of a (workload, SLA, variant) besides its runs: the planner, its resources and its plan; the
 * aggregate adds the statistics and the comparison with the baseline.
 */
export type CellInfo = Omit<CompareAggregate, 'completedRuns' | 'metrics' | 'baselineVariant' | 'deltaPct'>;

/**
 * Aggregates the runs of every cell (statistics over completed runs only: a failed run's makespan measures the
 * failure, not the plan) and adds the Δ% against the baseline planner's variant of the same workload and SLA, with
 * the same optimizations when that variant exists, else the one without optimizations.
 */
export function aggregateCells(cells: readonly CellInfo[], rows: readonly CompareRunRow[], baselinePlanner: string): CompareAggregate[] {
  const sameCell = (a: { workload: string; sla: string }, b: { workload: string; sla: string }) => a.workload === b.workload && a.sla === b.sla;
  const withStats = cells.map((cell) => {
    const completed = rows.filter((r) => sameCell(r, cell) && r.variant === cell.variant && r.status === 'completed');
    const metrics = Object.fromEntries(COMPARE_METRICS.map((m) => [m, metricStats(completed.map((r) => r[m]))])) as Record<CompareMetric, MetricStats>;
    return { cell, metrics, completedRuns: completed.length };
  });
  return withStats.map(({ cell, metrics, completedRuns }): CompareAggregate => {
    const candidates = withStats.filter((o) => sameCell(o.cell, cell) && o.cell.planner === baselinePlanner);
    const baseline =
      candidates.find((o) => sameOptimizations(o.cell.optimizations, cell.optimizations)) ??
      candidates.find((o) => o.cell.optimizations.length === 0);
    const deltaPct = Object.fromEntries(
      COMPARE_METRICS.map((m) => [m, baseline ? percentChange(metrics[m].mean, baseline.metrics[m].mean) : null]),
    ) as Record<CompareMetric, number | null>;
    return { ...cell, completedRuns, metrics, baselineVariant: baseline?.cell.variant ?? null, deltaPct };
  });
}
