/**
 * Turns selected samples into one number for a reference size.
 *
 * 1. At each observed size, the SLA quantile of the k samples selected around it (`select.ts`), each value first
 *    moved to that size along the history's overall slope: v + b·(size − s), b = the least-squares slope of value
 *    over size. Without this, a window that must reach far for neighbours (few runs at one size, as
 *    GEMM's single aggregate per run) answers with the values of another size: 26 ms for a 32 MB upload whose own
 *    samples take 408 ms, because 13 of the 20 neighbours were 2 MB uploads. With b = 0 (sizes do not matter, or a
 *    single size) this is the plain window quantile. A moved value is clamped at the smallest positive value of the
 *    whole list (or at its own value, if smaller): a straight line through a history of 1,000 to 5,000,000 bytes
 *    says nothing about where 1,000 bytes end, and clamping at 0 made half the window 0 at the smallest size, so the
 *    median there was 0 ms and step 4 predicted 0 ms for every smaller input.
 * 2. A running maximum over the observed sizes: a function's larger input is never predicted to take less time or
 *    produce less output. A noisy history otherwise gives a smaller prediction for a larger input whenever one window
 *    happens to hold the faster samples; on a history that is already monotone the running maximum changes nothing.
 * 3. Between two observed sizes, linear interpolation of their estimates; a window quantile alone would be a step
 *    function that jumps from one cluster's value to the other's in a gap.
 * 4. Outside the observed range, the per-byte model of the reference: the boundary estimate scaled by
 *    ref/boundary (there is nothing closer to go on). The factor is 1 at the boundary, so predictions stay
 *    continuous there.
 *
 * **Lower bound.** Let P be the smallest positive value in the list and S the smallest observed size. With
 * `lowerBound: 'smallest-positive'` (the engine's choice for execution and transfer times) a prediction is never
 * below P·min(1, ref/S): P itself at and above the smallest observed size, and P scaled per byte, as in step 4,
 * below it. Steps 1–4 already keep to it when no sample is 0 (every window value is then ≥ P); the explicit bound
 * covers histories with 0 ms records (timer resolution), whose median could otherwise be 0. The bound is on the
 * common scale of `normalize.ts`, so after the engine's memory rescaling it is the smallest positive observation
 * moved to the target memory by the memory rule. Per-byte scaling below S keeps predictions of different small
 * inputs apart (a constant bound there would tie them, and Algorithm 3 splits tasks at the median predicted time);
 * a 0-byte query below S is still 0. Output sizes take no explicit bound: a function that records 0-byte outputs
 * can be predicted to output 0 bytes.
 *
 * Quantiles of the same adjusted samples are ordered, and a running maximum, an interpolation, a positive factor and
 * the lower bound (a maximum with a value that does not depend on the quantile and does not fall as the size grows)
 * all keep that order and monotonicity in size, so a higher percentile never predicts less. The reference implementation scaled every
 * prediction per byte (ms/byte × size, output/input ratio × size), which predicts ~0 for small inputs of tasks with a
 * fixed overhead; here that model is only the last resort of step 4.
 */
import { linearRegression, quantileSorted } from 'simple-statistics';
import { ConfigError } from '../errors.js';
import { selectAroundSorted, type SelectionOptions, type SelectionSummary, type SizedValue } from './select.js';

/** How a prediction outside the observed sizes was scaled. */
export interface Extrapolation {
  readonly side: 'above' | 'below';
  /** The observed size it was scaled from (largest or smallest). */
  readonly boundaryBytes: number;
  /** refBytes / boundaryBytes. */
  readonly factor: number;
}

/** How a prediction between two observed sizes was interpolated. */
export interface Interpolation {
  readonly lowerBytes: number;
  readonly upperBytes: number;
  /** Weight of the upper size's estimate: (ref − lower) / (upper − lower). */
  readonly upperWeight: number;
}

/** A size-dependent estimate with its provenance. */
export interface SizedEstimate {
  readonly value: number;
  /** The selection the value comes from (the nearer bracketing size's, when interpolated). */
  readonly selection: SelectionSummary;
  readonly extrapolation: Extrapolation | null;
  readonly interpolation: Interpolation | null;
  /** True when the lower bound (see the module comment) raised the value. */
  readonly bounded: boolean;
}

/** Whether an estimate is kept at or above the smallest positive value (see the module comment). */
export type LowerBound = 'smallest-positive' | 'none';

/** Quantile q ∈ [0, 1] of values sorted ascending (linear interpolation, numpy's default, as the reference). */
export function quantileOf(ascending: readonly number[], q: number): number {
  if (ascending.length === 0) throw new ConfigError('cannot take a quantile of no samples');
  if (!(q >= 0 && q <= 1)) throw new ConfigError(`quantile must be in [0, 1], got ${q}`);
  return quantileSorted(ascending as number[], q);
}

/**
 * Estimates the q-quantile at `refBytes` from samples sorted by `sortBySize` (see the module comment for the four
 * steps). Estimates per observed size are memoized per sample list and quantile.
 */
export function estimateAt(
  sorted: readonly SizedValue[],
  refBytes: number,
  q: number,
  options: SelectionOptions,
  lowerBound: LowerBound = 'none',
): SizedEstimate {
  const estimate = unboundedEstimateAt(sorted, refBytes, q, options);
  if (lowerBound === 'none') return estimate;
  const { smallestPositive, sizes } = profileOf(sorted, q, options);
  const smallest = sizes[0]!;
  const bound = refBytes >= smallest ? smallestPositive : smallestPositive * (refBytes / smallest);
  return estimate.value >= bound ? estimate : { ...estimate, value: bound, bounded: true };
}

function unboundedEstimateAt(sorted: readonly SizedValue[], refBytes: number, q: number, options: SelectionOptions): SizedEstimate {
  const profile = profileOf(sorted, q, options);
  const { sizes, estimates } = profile;
  const last = sizes.length - 1;
  if (refBytes > sizes[last]!) {
    const boundaryBytes = sizes[last]!;
    const extrapolation: Extrapolation | null = boundaryBytes > 0 ? { side: 'above', boundaryBytes, factor: refBytes / boundaryBytes } : null;
    return { value: estimates[last]! * (extrapolation?.factor ?? 1), selection: profile.summaries[last]!, extrapolation, interpolation: null, bounded: false };
  }
  if (refBytes < sizes[0]!) {
    const boundaryBytes = sizes[0]!;
    const extrapolation: Extrapolation = { side: 'below', boundaryBytes, factor: refBytes / boundaryBytes };
    return { value: estimates[0]! * extrapolation.factor, selection: profile.summaries[0]!, extrapolation, interpolation: null, bounded: false };
  }
  const upper = firstAtLeast(sizes, refBytes);
  if (sizes[upper] === refBytes) {
    return { value: estimates[upper]!, selection: profile.summaries[upper]!, extrapolation: null, interpolation: null, bounded: false };
  }
  const lowerBytes = sizes[upper - 1]!;
  const upperBytes = sizes[upper]!;
  const lowerValue = estimates[upper - 1]!;
  const upperValue = estimates[upper]!;
  const upperWeight = (refBytes - lowerBytes) / (upperBytes - lowerBytes);
  // A convex combination keeps quantiles ordered (each term is monotone in its endpoint); clamping to the endpoints
  // keeps rounding from stepping outside them, and equal endpoints give exactly that value.
  const value =
    lowerValue === upperValue
      ? lowerValue
      : Math.min(upperValue, Math.max(lowerValue, lowerValue * (1 - upperWeight) + upperValue * upperWeight));
  return {
    value,
    selection: profile.summaries[upperWeight < 0.5 ? upper - 1 : upper]!,
    extrapolation: null,
    interpolation: { lowerBytes, upperBytes, upperWeight },
    bounded: false,
  };
}

/** Estimates at every observed size for one sample list and quantile. */
interface Profile {
  /** Distinct observed sizes, ascending. */
  readonly sizes: readonly number[];
  /** Running maximum of the slope-adjusted window quantile at each size. */
  readonly estimates: readonly number[];
  /** The selection made at each size, reported as provenance. */
  readonly summaries: readonly SelectionSummary[];
  /** Smallest positive value of the sample list (0 when none is positive). */
  readonly smallestPositive: number;
}

/**
 * The quantile-independent part of a profile: at each observed size, the selected window's values moved to that size
 * along the slope, ascending. Selection does not depend on the quantile, so it is done once per sample list; a
 * profile at a new quantile then costs one quantile per size. (Sampled durations ask for many quantiles: with the
 * selection redone per quantile, a 10,000-task imported workflow took minutes to simulate.)
 */
interface Windows {
  readonly sizes: readonly number[];
  readonly adjusted: readonly (readonly number[])[];
  readonly summaries: readonly SelectionSummary[];
  readonly smallestPositive: number;
}

interface Cached {
  readonly windows: Windows;
  readonly byQuantile: Map<number, Profile>;
}

const cache = new WeakMap<readonly SizedValue[], Map<string, Cached>>();

function profileOf(sorted: readonly SizedValue[], q: number, options: SelectionOptions): Profile {
  if (sorted.length === 0) throw new ConfigError('cannot estimate from no samples');
  let byOptions = cache.get(sorted);
  if (!byOptions) {
    byOptions = new Map();
    cache.set(sorted, byOptions);
  }
  const key = `${options.neighbourSamples}\0${options.maxSamples}`;
  let cached = byOptions.get(key);
  if (!cached) {
    cached = { windows: buildWindows(sorted, options), byQuantile: new Map() };
    byOptions.set(key, cached);
  }
  let profile = cached.byQuantile.get(q);
  if (!profile) {
    profile = profileAt(cached.windows, q);
    cached.byQuantile.set(q, profile);
  }
  return profile;
}

function buildWindows(sorted: readonly SizedValue[], options: SelectionOptions): Windows {
  const sizes: number[] = [];
  for (const s of sorted) if (sizes.length === 0 || sizes[sizes.length - 1] !== s.sizeBytes) sizes.push(s.sizeBytes);
  const slope = sizes.length < 2 ? 0 : Math.max(0, linearRegression(sorted.map((s) => [s.sizeBytes, s.value])).m);
  let smallestPositive = Infinity;
  for (const s of sorted) if (s.value > 0 && s.value < smallestPositive) smallestPositive = s.value;
  if (smallestPositive === Infinity) smallestPositive = 0;
  const adjusted: number[][] = [];
  const summaries: SelectionSummary[] = [];
  for (const size of sizes) {
    const { samples, values: _values, ...summary } = selectAroundSorted(sorted, size, options);
    summaries.push(summary);
    // Moving a value down the slope can cross zero for a tiny size; it stops at the smallest positive value (step 1).
    const window = samples.map((s) =>
      s.sizeBytes === size ? s.value : Math.max(Math.min(s.value, smallestPositive), s.value + slope * (size - s.sizeBytes)),
    );
    window.sort((a, b) => a - b);
    adjusted.push(window);
  }
  return { sizes, adjusted, summaries, smallestPositive };
}

function profileAt(windows: Windows, q: number): Profile {
  const estimates: number[] = [];
  let runningMax = -Infinity;
  for (const window of windows.adjusted) {
    runningMax = Math.max(runningMax, quantileOf(window, q));
    estimates.push(runningMax);
  }
  return { sizes: windows.sizes, estimates, summaries: windows.summaries, smallestPositive: windows.smallestPositive };
}

/** Index of the first size ≥ `refBytes` (binary search). */
function firstAtLeast(sizes: readonly number[], refBytes: number): number {
  let lo = 0;
  let hi = sizes.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sizes[mid]! < refBytes) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
