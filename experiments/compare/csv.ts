import { stringify } from 'csv-stringify/sync';
import { COMPARE_METRICS, type CompareAggregate, type CompareResults } from './results.js';

/** The per-metric columns: statistics over completed runs, Δ% against the baseline, the passes' own effect. */
const PER_METRIC = ['Mean', 'Std', 'Median', 'DeltaPct', 'OptEffectPct'] as const;

/**
 * Columns of the comparison CSV: the cell (workload, SLA, prediction-error level, variant: the same variant appears
 * once per level), its plan, how the plan fared (estimate error, SLA attainment as a 0–1 share, mean ratio to the
 * lower bounds), then per metric mean, std, median, Δ% against the baseline and the optimization passes' effect
 * (against the same planner without passes), then the workload's truth. The truth's free-text description comes last
 * because it is the one column that may hold commas (quoted).
 */
export const COMPARE_CSV_COLUMNS: readonly string[] = [
  'workload',
  'sla',
  'predictionError',
  'variant',
  'planner',
  'optimizations',
  'resourcesMb',
  'tasks',
  'runs',
  'completedRuns',
  'estimatedMakespanMs',
  'estimatedGbSeconds',
  'plannedWorkers',
  'baselineVariant',
  'estimateErrorPct',
  'slaAttainment',
  'makespanMsBoundRatio',
  'gbSecondsBoundRatio',
  ...COMPARE_METRICS.flatMap((m) => PER_METRIC.map((s) => `${m}${s}`)),
  'truthKind',
  'selfEvaluation',
  'trainingRuns',
  'trainingRunIds',
  'replayRunIds',
  'truthInSample',
  'truthDescription',
];

/**
 * One CSV row per (workload, SLA, prediction-error level, variant), values exactly as in the JSON (unrounded;
 * undefined statistics empty; booleans `true`/`false`; run ids joined by spaces).
 */
export function compareCsv(results: CompareResults): string {
  return stringify(
    results.aggregates.map((a) => csvRow(results, a)),
    { header: true, columns: [...COMPARE_CSV_COLUMNS], cast: { boolean: (v) => String(v) } },
  );
}

function csvRow(results: CompareResults, a: CompareAggregate): Record<string, string | number | boolean | null> {
  // Results built in this process always carry a truth; `?.` keeps a hand-made or older object writable.
  const truth = results.truth?.[a.workload];
  const row: Record<string, string | number | boolean | null> = {
    workload: a.workload,
    sla: a.sla,
    predictionError: a.predictionError,
    variant: a.variant,
    planner: a.planner,
    optimizations: a.optimizations.join('+'),
    resourcesMb: a.resources.map((r) => r.memoryMb).join('/'),
    tasks: a.tasks,
    runs: a.runs,
    completedRuns: a.completedRuns,
    estimatedMakespanMs: a.estimatedMakespanMs,
    estimatedGbSeconds: a.estimatedGbSeconds,
    plannedWorkers: a.plannedWorkers,
    baselineVariant: a.baselineVariant,
    estimateErrorPct: a.estimateErrorPct,
    slaAttainment: a.slaAttainment,
    makespanMsBoundRatio: a.boundRatio.makespanMs,
    gbSecondsBoundRatio: a.boundRatio.gbSeconds,
    truthKind: truth?.kind ?? null,
    selfEvaluation: truth?.selfEvaluation ?? null,
    trainingRuns: truth ? truth.trainingRunIds.length : (results.historyRuns[a.workload] ?? null),
    trainingRunIds: truth?.trainingRunIds.join(' ') ?? null,
    replayRunIds: truth?.replayRunIds.join(' ') ?? null,
    truthInSample: truth?.inSample ?? null,
    truthDescription: truth?.description ?? null,
  };
  for (const m of COMPARE_METRICS) {
    row[`${m}Mean`] = a.metrics[m].mean;
    row[`${m}Std`] = a.metrics[m].std;
    row[`${m}Median`] = a.metrics[m].median;
    row[`${m}DeltaPct`] = a.deltaPct[m];
    row[`${m}OptEffectPct`] = a.optimizationEffectPct?.[m] ?? null;
  }
  return row;
}
