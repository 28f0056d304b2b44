import { readFileSync } from 'node:fs';
import { mean as ssMean, sampleStandardDeviation } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { rngFor } from '../../core/random.js';
import { median, percentile, quantile, QUANTILE_DEFINITION, sampleStd } from '../../core/stats.js';
import * as errors from '../../experiments/validate/errors.js';
import * as fit from '../../experiments/validate/fit-profile.js';
import { percentile as reportPercentile, summarize } from '../../reports/stats.js';

/* Item 20: one set of summary statistics (core/stats.ts, from simple-statistics) instead of four hand-written ones. */

/** The hand-written type-7 percentile the four files had (reports/stats.ts, validate/errors.ts, measure.ts, fit-profile.ts's robustLogSigma). */
function oldPercentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * (p / 100);
  const lo = Math.floor(h);
  return sorted[lo]! + (h - lo) * (sorted[Math.ceil(h)]! - sorted[lo]!);
}
/** fit-profile.ts's hand-written median. */
function oldMedian(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
/** fit-profile.ts's hand-written log sigma (sample std of ln x). */
function oldLogSigma(values: readonly number[]): number {
  const logs = values.map((v) => Math.log(Math.max(0.001, v)));
  const m = logs.reduce((s, x) => s + x, 0) / logs.length;
  return Math.sqrt(logs.reduce((s, x) => s + (x - m) ** 2, 0) / (logs.length - 1));
}

describe('core/stats', () => {
  it('quantiles are type 7 (R and NumPy defaults), as the reports state', () => {
    // numpy.percentile([1, 2, 3, 4], 90) = 3.7; numpy.percentile([15, 20, 35, 40, 50], 40) = 29.
    expect(percentile([4, 1, 3, 2], 90)).toBeCloseTo(3.7, 12);
    expect(percentile([15, 20, 35, 40, 50], 40)).toBeCloseTo(29, 12);
    expect(quantile([15, 20, 35, 40, 50], 0)).toBe(15);
    expect(quantile([15, 20, 35, 40, 50], 1)).toBe(50);
    expect(median([3, 1, 4, 2])).toBe(2.5);
    expect(Number.isNaN(percentile([], 50))).toBe(true);
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(QUANTILE_DEFINITION).toMatch(/type 7/);
  });

  it('the validation, gateway measurement and report statistics are these, with the same numbers as before', () => {
    expect(errors.percentile).toBe(percentile);
    expect(fit.median).toBe(median);
    const rng = rngFor(7, 'stats');
    for (let trial = 0; trial < 200; trial++) {
      const values = Array.from({ length: 1 + rng.int(40) }, () => rng.next() * 1000 - (trial % 3 === 0 ? 500 : 0));
      for (const p of [0, 10, 15.87, 50, 84.13, 90, 95, 100]) {
        expect(percentile(values, p)).toBeCloseTo(oldPercentile(values, p), 9);
        expect(reportPercentile(values, p)).toBeCloseTo(oldPercentile(values, p), 9);
      }
      expect(median(values)).toBeCloseTo(oldMedian(values), 9);
      if (values.length > 1) {
        expect(fit.logSigma(values.map(Math.abs))).toBeCloseTo(oldLogSigma(values.map(Math.abs)), 9);
        expect(summarize(values).std).toBeCloseTo(sampleStandardDeviation(values), 9);
        expect(sampleStd(values)).toBe(sampleStandardDeviation(values));
      }
      expect(summarize(values).mean).toBe(ssMean(values));
    }
  });

  it('no statistic is written by hand any more in the four files that had them', () => {
    for (const file of ['reports/stats.ts', 'experiments/validate/errors.ts', 'experiments/validate/fit-profile.ts', 'runtime-lambda/gateway/measure.ts']) {
      const source = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
      expect(source, file).toMatch(/core\/stats\.js'/);
      expect(source, file).not.toMatch(/Math\.floor\(sorted\.length \/ 2\)/);
      expect(source, file).not.toMatch(/\(h - lo\)|\(position - lower\)|\(position - low\)/);
      expect(source, file).not.toMatch(/\/ \((?:logs\.length|n) - 1\)\)/);
    }
  });
});
