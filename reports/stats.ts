/**
 * Summary statistics of the report's CSV and tables. The percentile is defined here, not taken from a library
 * default, so a paper can state it: linear interpolation between order statistics (Hyndman & Fan type 7, the default
 * of R, NumPy and spreadsheet PERCENTILE.INC).
 */

/** The p-th percentile (p in [0, 100]) of `values` by linear interpolation (type 7); null for no values. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be in [0, 100], got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const position = (p / 100) * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, sorted.length - 1);
  return sorted[lower]! + (position - lower) * (sorted[upper]! - sorted[lower]!);
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
  const mean = n > 0 ? values.reduce((s, v) => s + v, 0) / n : null;
  const std = n > 1 && mean !== null ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : null;
  return { n, mean, std, p50: percentile(values, 50), p95: percentile(values, 95) };
}
