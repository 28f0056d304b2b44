/**
 * Summary statistics of the report's CSV and tables, from `core/stats.ts` (simple-statistics), so a paper can state
 * them: the sample std divides by n − 1; percentiles interpolate linearly between order statistics (Hyndman & Fan
 * type 7, the default of R, NumPy and spreadsheet PERCENTILE.INC). Undefined statistics are null here (CSV cells
 * stay empty), not NaN.
 */
import { mean, percentile as statsPercentile, sampleStd } from '../core/stats.js';

export { QUANTILE_DEFINITION } from '../core/stats.js';

/** The p-th percentile (p in [0, 100]) of `values` by linear interpolation (type 7); null for no values. */
export function percentile(values: readonly number[], p: number): number | null {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be in [0, 100], got ${p}`);
  return values.length === 0 ? null : statsPercentile(values, p);
}

/** Mean, sample standard deviation (n − 1), p50 and p95 of a set of values; undefined statistics are null. */
export interface SummaryStats {
  readonly n: number;
  readonly mean: number | null;
  readonly std: number | null;
  readonly p50: number | null;
  readonly p95: number | null;
}

/** The summary of `values`: the std needs two values, everything else one. */
export function summarize(values: readonly number[]): SummaryStats {
  const n = values.length;
  return { n, mean: n > 0 ? mean(values) : null, std: n > 1 ? sampleStd(values) : null, p50: percentile(values, 50), p95: percentile(values, 95) };
}
