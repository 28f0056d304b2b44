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

/** A ratio such as `1.84×`; `–` when undefined. */
function formatRatio(value: number | null): string {
  return value === null ? '–' : `${value.toFixed(2)}×`;
}

/** A share as a whole percentage; `–` when undefined. */
function formatShare(value: number | null): string {
  return value === null ? '–' : `${Math.round(value * 100)}%`;
}

/**
 * One table per (workload, SLA, prediction-error level): per variant each metric as mean ± sample std over the
 * simulated runs, the Δ% of makespan, GB-s and cost against the baseline, the optimization passes' own effect on
 * makespan, the planner's estimate error, its SLA attainment and the makespan over its lower bound. Each title says
 * which truth graded the plans and how many runs the belief was trained on. Cost is shown in micro-dollars because a
 * run costs fractions of a cent.
 */
export function formatCompareTables(results: CompareResults): string {
  const blocks: string[] = [];
  const groups = new Map<string, CompareAggregate[]>();
  for (const a of results.aggregates) {
    const key = `${a.workload}\u0000${a.sla}\u0000${a.predictionError}`;
    groups.set(key, [...(groups.get(key) ?? []), a]);
  }
  const selfEvaluated = Object.values(results.truth).some((t) => t.selfEvaluation);
  for (const aggregates of groups.values()) {
    const first = aggregates[0]!;
    const failed = aggregates.filter((a) => a.completedRuns < a.runs);
    const truth = results.truth[first.workload];
    const belief = `belief: ${results.historyRuns[first.workload] ?? '?'} training run(s)` + beliefError(results, first.predictionError);
    const title =
      `${first.workload} (${first.tasks} tasks), SLA ${first.sla}, ${first.runs} simulated run(s)` +
      (failed.length > 0 ? `; runs that did not complete are left out: ${failed.map((a) => `${a.variant} ${a.runs - a.completedRuns}`).join(', ')}` : '') +
      `\ntruth: ${truth ? truth.description.replace(/^\w+: /, `${truth.kind}, `) : 'not recorded (results written before truth was a choice)'}; ${belief}` +
      (truth?.selfEvaluation ? '\nSELF-EVALUATION: plans are graded against draws from their own predictions' : '');
    const rows = aggregates.map((a) => [
      a.variant,
      a.resources.map((r) => r.memoryMb).join('/'),
      ...COLUMNS.map((c) => formatMeanStd(c.metric === 'costUsd' ? scale(a.metrics.costUsd, 1e6) : a.metrics[c.metric], c.digits)),
      ...DELTAS.map((d) => formatPct(a.deltaPct[d.metric])),
      a.optimizationEffectPct ? formatPct(a.optimizationEffectPct.makespanMs) : '–',
      formatPct(a.estimateErrorPct),
      formatShare(a.slaAttainment),
      formatRatio(a.boundRatio.makespanMs),
      formatRatio(a.boundRatio.gbSeconds),
    ]);
    const headers = ['variant', 'MB', ...COLUMNS.map((c) => c.header), ...DELTAS.map((d) => d.header), 'opt Δ makespan', 'est. err', 'SLA met', 'makespan/LB', 'GB-s/LB'];
    blocks.push(`${title}\n${formatTable(headers, rows)}`);
  }
  const baselines = [...new Set(results.aggregates.map((a) => a.baselineVariant).filter((b): b is string => b !== null))];
  const delta =
    baselines.length > 0
      ? `Δ: change of the mean against ${baselines.join(' / ')} (the ${results.matrix.baselinePlanner} variant at the same resources when there is one, with the same optimizations, else without), on the same truth draws.`
      : `Δ: no ${results.matrix.baselinePlanner} variant in the comparison, so no change is shown.`;
  const notes = [
    delta,
    'opt Δ makespan: a variant with optimization passes against the same planner without them.',
    "est. err: the planner's estimated makespan against the graded mean (negative: it promised less than it got). SLA met: share of runs within that estimate.",
    'makespan/LB: mean of makespan over the lower bound of its truth draw (critical path of the true execution times at the strongest offered resources, start-ups and transfers free). GB-s/LB: the same for GB-s (each task executed alone at its cheapest offered resources).',
    'storage MB: (uploaded + downloaded bytes) / 1e6.',
    ...(selfEvaluated ? ['--truth predictions grades each plan against its own predictions: a wrong prediction cannot hurt it. Use it to reproduce self-evaluated figures only.'] : []),
  ];
  return [...blocks, notes.join('\n')].join('\n\n');
}

/** `, prediction error 0.25 (bias +20%)` where the belief was perturbed; nothing otherwise. */
function beliefError(results: CompareResults, level: number): string {
  const bias = results.matrix.predictionBias ?? 0;
  const scaled = Object.entries(results.matrix.beliefScale ?? {});
  const parts = [
    ...(level > 0 ? [`prediction error CV ${level}`] : []),
    ...(bias !== 0 ? [`bias ${formatPct(bias * 100)}`] : []),
    ...(scaled.length > 0 ? [`execution times scaled: ${scaled.map(([fn, f]) => `${fn} ×${f}`).join(', ')}`] : []),
  ];
  return parts.length > 0 ? `, perturbed: ${parts.join(', ')}` : '';
}

function scale(stats: MetricStats, factor: number): MetricStats {
  const times = (v: number | null) => (v === null ? null : v * factor);
  return { mean: times(stats.mean), std: times(stats.std), median: times(stats.median) };
}
