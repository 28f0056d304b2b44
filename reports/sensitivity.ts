import type { CompareResults } from '../core/compare-results.js';
import { errorLevels, formatLevel } from './levels.js';
import { meanStd, sharePct, signedPct, type TextTable } from './tables.js';
import { truthOf } from './truth.js';

/**
 * How each planner variant fares as its belief gets worse: one row per (workload, SLA, variant, prediction-error
 * level), the data of the sensitivity chart, its table and `sensitivity.csv`. Only results with more than one level
 * have a sensitivity to show.
 */

/** One (workload, SLA, variant, level): the aggregate's figures, unrounded and in recorded units. */
export interface SensitivityRow {
  readonly workload: string;
  readonly sla: string;
  readonly variant: string;
  readonly planner: string;
  readonly predictionError: number;
  readonly runs: number;
  readonly completedRuns: number;
  readonly makespanMsMean: number | null;
  readonly makespanMsStd: number | null;
  readonly gbSecondsMean: number | null;
  readonly gbSecondsStd: number | null;
  /** Share (0–1) of runs within the planner's estimate. */
  readonly slaAttainment: number | null;
  readonly estimateErrorPct: number | null;
}

/** Whether the results hold a sensitivity to draw: more than one prediction-error level. */
export function hasSensitivity(results: CompareResults): boolean {
  return errorLevels(results).length > 1;
}

/** The rows, ordered by workload and SLA as in the results, then variant in matrix order, then ascending level. */
export function sensitivityRows(results: CompareResults): SensitivityRow[] {
  const variantOrder = results.matrix.variants.map((v) => v.label);
  const groupOrder = [...new Set(results.aggregates.map((a) => `${a.workload}\u0000${a.sla}`))];
  const rank = (a: { workload: string; sla: string; variant: string }) => [groupOrder.indexOf(`${a.workload}\u0000${a.sla}`), variantOrder.indexOf(a.variant)];
  return [...results.aggregates]
    .sort((a, b) => {
      const [ga, va] = rank(a);
      const [gb, vb] = rank(b);
      return ga! - gb! || va! - vb! || a.predictionError - b.predictionError;
    })
    .map((a) => ({
      workload: a.workload,
      sla: a.sla,
      variant: a.variant,
      planner: a.planner,
      predictionError: a.predictionError,
      runs: a.runs,
      completedRuns: a.completedRuns,
      makespanMsMean: a.metrics.makespanMs.mean,
      makespanMsStd: a.metrics.makespanMs.std,
      gbSecondsMean: a.metrics.gbSeconds.mean,
      gbSecondsStd: a.metrics.gbSeconds.std,
      slaAttainment: a.slaAttainment,
      estimateErrorPct: a.estimateErrorPct,
    }));
}

/** One table per (workload, SLA): a row per variant and level, so a variant's rows read as its trend. */
export function sensitivityTables(results: CompareResults): TextTable[] {
  const groups = new Map<string, SensitivityRow[]>();
  for (const row of sensitivityRows(results)) {
    const key = `${row.workload}\u0000${row.sla}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.values()].map((rows) => {
    const first = rows[0]!;
    return {
      caption: `${first.workload}, SLA ${first.sla}, graded against ${truthOf(results, first.workload).kind}: each planner variant per prediction-error level (CV of the belief's execution-time error); mean ± sample std over completed runs`,
      header: ['planner', 'prediction error', 'makespan (s)', 'GB-s', 'SLA met', 'est. err', 'runs'],
      numeric: [false, true, true, true, true, true, true],
      rows: rows.map((r) => [
        r.variant,
        formatLevel(r.predictionError),
        meanStd({ mean: r.makespanMsMean, std: r.makespanMsStd, median: null }, 1e-3, 3),
        meanStd({ mean: r.gbSecondsMean, std: r.gbSecondsStd, median: null }, 1, 2),
        sharePct(r.slaAttainment),
        signedPct(r.estimateErrorPct),
        `${r.completedRuns}/${r.runs}`,
      ]),
    };
  });
}
