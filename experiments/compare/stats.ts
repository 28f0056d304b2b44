import { mean, median, sampleStandardDeviation } from 'simple-statistics';
import type { MetricStats } from './results.js';

/** Mean, sample standard deviation and median of a metric's values; undefined statistics are null (never NaN in JSON). */
export function metricStats(values: readonly number[]): MetricStats {
  const list = [...values];
  return {
    mean: list.length > 0 ? mean(list) : null,
    std: list.length > 1 ? sampleStandardDeviation(list) : null,
    median: list.length > 0 ? median(list) : null,
  };
}

/** The change of `value` against `baseline` in percent; null when either is missing or the baseline is zero. */
export function percentChange(value: number | null, baseline: number | null): number | null {
  if (value === null || baseline === null || baseline === 0) return null;
  return (value / baseline - 1) * 100;
}
