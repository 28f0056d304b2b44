import type { CompareAggregate, CompareResults } from '../core/compare-results.js';

/**
 * Prediction-error levels in a report. A comparison can plan every variant once per level, so a variant's cell is
 * (workload, SLA, prediction-error level, variant): tables and CSVs key by all four, and charts that compare planners
 * draw one level (`chartLevel`) so a planner has one bar or point per panel.
 */

/** The prediction-error levels the results hold, ascending (`[0]` for results written before levels existed). */
export function errorLevels(results: CompareResults): number[] {
  const levels = new Set(results.aggregates.map((a) => a.predictionError));
  if (levels.size === 0) for (const level of results.matrix.predictionErrors ?? [0]) levels.add(level);
  return [...levels].sort((a, b) => a - b);
}

/**
 * The level charts comparing planners draw: the lowest, which is the belief as trained when 0 is among the levels,
 * i.e. the comparison the planners were designed for; the sensitivity chart shows the others.
 */
export function chartLevel(results: CompareResults): number {
  return errorLevels(results)[0] ?? 0;
}

/** The aggregates planned at one prediction-error level, in the results' order. */
export function aggregatesAtLevel(results: CompareResults, level: number): CompareAggregate[] {
  return results.aggregates.filter((a) => a.predictionError === level);
}

/** Identifies a cell (an aggregate, or the run rows of one): workload, SLA, prediction-error level and variant. */
export function cellKey(cell: { workload: string; sla: string; predictionError: number; variant: string }): string {
  return [cell.workload, cell.sla, String(cell.predictionError), cell.variant].join('\u0000');
}

/** `0.25` as a label: levels are coefficients of variation, short decimals, shown as given. */
export function formatLevel(level: number): string {
  return String(level);
}
