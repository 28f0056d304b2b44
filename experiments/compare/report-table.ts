import { formatNumber, formatTable } from '../cli/table.js';
import type { CompareAggregate, CompareMetric, CompareResults, MetricStats } from './results.js';

/** `mean ± std` for people; `–` where a statistic is undefined (no completed run, or one run for the std). */
export function formatMeanStd(stats: MetricStats, digits?: number): string {
  if (stats.mean === null) return '–';
  const show = (v: number) => (digits === undefined ? formatNumber(v) : v.toFixed(digits));
  return stats.std === null ? show(stats.mean) : `${show(stats.mean)} ± ${show(stats.std)}`;
}

/** A signed percentage such as `-12.6%`; `–` when undefined. */
export function formatPct(value: number | null): string {
  if (value === null) return '–';
  const text = `${value >= 0 ? '+' : ''}${value.toFixed(1)}%`;
  return text === '+0.0%' || text === '-0.0%' ? '0.0%' : text;
}

const COLUMNS: readonly { header: string; metric: CompareMetric; digits?: number }[] = [
  { header: 'makespan ms', metric: 'makespanMs', digits: 0 },
  { header: 'GB-s', metric: 'gbSeconds', digits: 2 },
  { header: 'cost µUSD', metric: 'costUsd', digits: 1 },
  { header: 'workers', metric: 'workersLaunched', digits: 1 },
  { header: 'cold starts', metric: 'coldStarts', digits: 1 },
  { header: 'storage MB', metric: 'storageMb', digits: 1 },
];
const DELTAS: readonly { header: string; metric: CompareMetric }[] = [
  { header: 'Δ makespan', metric: 'makespanMs' },
  { header: 'Δ GB-s', metric: 'gbSeconds' },
  { header: 'Δ cost', metric: 'costUsd' },
];

/**
 * One table per (workload, SLA): per variant each metric as mean ± sample std over the simulated runs, and the Δ%
 * of makespan, GB-s and cost against the baseline. Cost is shown in micro-dollars because a run costs fractions of
 * a cent.
 */
export function formatCompareTables(results: CompareResults): string {
  const blocks: string[] = [];
  const groups = new Map<string, CompareAggregate[]>();
  for (const a of results.aggregates) {
    const key = `${a.workload}\u0000${a.sla}`;
    groups.set(key, [...(groups.get(key) ?? []), a]);
  }
  for (const aggregates of groups.values()) {
    const first = aggregates[0]!;
    const failed = aggregates.filter((a) => a.completedRuns < a.runs);
    const title =
      `${first.workload} (${first.tasks} tasks), SLA ${first.sla}, ${first.runs} simulated run(s)` +
      (failed.length > 0 ? `; runs that did not complete are left out: ${failed.map((a) => `${a.variant} ${a.runs - a.completedRuns}`).join(', ')}` : '');
    const rows = aggregates.map((a) => [
      a.variant,
      a.resources.map((r) => r.memoryMb).join('/'),
      ...COLUMNS.map((c) => formatMeanStd(c.metric === 'costUsd' ? scale(a.metrics.costUsd, 1e6) : a.metrics[c.metric], c.digits)),
      ...DELTAS.map((d) => formatPct(a.deltaPct[d.metric])),
    ]);
    blocks.push(`${title}\n${formatTable(['variant', 'MB', ...COLUMNS.map((c) => c.header), ...DELTAS.map((d) => d.header)], rows)}`);
  }
  const baselines = [...new Set(results.aggregates.map((a) => a.baselineVariant).filter((b): b is string => b !== null))];
  const note =
    baselines.length > 0
      ? `Δ: change of the mean against ${baselines.join(' / ')} (the ${results.matrix.baselinePlanner} variant with the same optimizations, else without). storage MB: (uploaded + downloaded bytes) / 1e6.`
      : `Δ: no ${results.matrix.baselinePlanner} variant in the comparison, so no change is shown. storage MB: (uploaded + downloaded bytes) / 1e6.`;
  return [...blocks, note].join('\n\n');
}

function scale(stats: MetricStats, factor: number): MetricStats {
  const times = (v: number | null) => (v === null ? null : v * factor);
  return { mean: times(stats.mean), std: times(stats.std), median: times(stats.median) };
}
