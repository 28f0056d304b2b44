/**
 * The toolkit's summary statistics, in one place, from simple-statistics: every report, validation and measurement
 * uses these, so a paper can state one definition for each.
 *
 * - mean: arithmetic mean; std: sample standard deviation (n − 1).
 * - quantile/percentile: linear interpolation between order statistics, Hyndman & Fan type 7 (the default of R,
 *   NumPy and spreadsheet PERCENTILE.INC): position (n − 1) · p in the sorted values. simple-statistics computes it
 *   this way from 7.12 on (earlier versions used a different rule; `test/core/stats.test.ts` pins it).
 * - median: the 0.5 quantile (the mean of the middle two for an even count).
 */
import { mean as ssMean, quantileSorted, sampleStandardDeviation } from 'simple-statistics';

/** The quantile definition as the reports state it. */
export const QUANTILE_DEFINITION = 'linear interpolation between order statistics (Hyndman & Fan type 7, as R and NumPy by default)';

/** Arithmetic mean; NaN for no values. */
export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : ssMean([...values]);
}

/** Sample standard deviation (n − 1); NaN for fewer than two values. */
export function sampleStd(values: readonly number[]): number {
  return values.length < 2 ? Number.NaN : sampleStandardDeviation([...values]);
}

/** The q-quantile (q in [0, 1], type 7) of `values`; NaN for no values. */
export function quantile(values: readonly number[], q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be in [0, 1], got ${q}`);
  if (values.length === 0) return Number.NaN;
  return quantileSorted([...values].sort((a, b) => a - b), q);
}

/** The p-th percentile (p in [0, 100], type 7) of `values`; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be in [0, 100], got ${p}`);
  return quantile(values, p / 100);
}

/** The median (0.5 quantile); NaN for no values. */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}
