import { stringify } from 'csv-stringify/sync';
import { COMPARE_METRICS, type CompareAggregate, type CompareResults } from './results.js';

/** Columns of the comparison CSV: the cell, its plan, then per metric mean, std, median and Δ% against the baseline. */
export const COMPARE_CSV_COLUMNS: readonly string[] = [
  'workload',
  'sla',
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
  ...COMPARE_METRICS.flatMap((m) => [`${m}Mean`, `${m}Std`, `${m}Median`, `${m}DeltaPct`]),
];

/** One CSV row per (workload, SLA, variant), values exactly as in the JSON (unrounded; undefined statistics empty). */
export function compareCsv(results: CompareResults): string {
  return stringify(results.aggregates.map(csvRow), { header: true, columns: [...COMPARE_CSV_COLUMNS] });
}

function csvRow(a: CompareAggregate): Record<string, string | number> {
  const row: Record<string, string | number> = {
    workload: a.workload,
    sla: a.sla,
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
    baselineVariant: a.baselineVariant ?? '',
  };
  for (const m of COMPARE_METRICS) {
    row[`${m}Mean`] = a.metrics[m].mean ?? '';
    row[`${m}Std`] = a.metrics[m].std ?? '';
    row[`${m}Median`] = a.metrics[m].median ?? '';
    row[`${m}DeltaPct`] = a.deltaPct[m] ?? '';
  }
  return row;
}
