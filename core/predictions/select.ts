/**
 * Chooses the history samples relevant to a prediction at a reference size (thesis §3.3: "gradually widening a
 * tolerance window around the reference value until it finds enough nearby samples ... balances samples that are
 * smaller, larger, or exactly equal to the reference ... falls back to simply picking the nearest").
 *
 * Why this replaces the reference's `_select_related_samples`: the reference widened its window relative to an SLA
 * statistic of all observed sizes (not to the reference size), so the window, and with it the number of selected
 * samples, changed with the SLA and jumped as the size moved; a prediction could then go down when the input grew.
 * Here the selection is a contiguous window of a fixed k samples in (size, value) order, balanced around the
 * reference. As the reference size grows the window only slides right, so with a history whose values do not
 * decrease with size, every order statistic of the window, and hence every quantile, does not decrease either.
 * When at least k samples sit exactly at the reference size the whole exact block is used instead (it contains
 * the k-windows just left and right of it, so monotonicity still holds; see `thinEvenly`).
 *
 * The thesis's tolerance window is kept as provenance: `toleranceFraction` is the 5 % step the widening would have
 * had to reach to include every selected sample, and `fallback: 'nearest'` says it would have needed more than 100 %.
 */
import { ConfigError } from '../errors.js';

/** A sample reduced to what selection needs: its size (input or transfer bytes) and its value (ms or bytes). */
export interface SizedValue {
  readonly sizeBytes: number;
  readonly value: number;
}

/** Selection parameters. */
export interface SelectionOptions {
  /** Window size k (capped at the number of samples). Reference: at least 5 samples; default 20. */
  readonly neighbourSamples: number;
  /** Cap on an exact-size block; must be ≥ `neighbourSamples` and ≥ 2. Reference and default: 100. */
  readonly maxSamples: number;
}

/** Defaults of `SelectionOptions`. */
export const DEFAULT_SELECTION: SelectionOptions = { neighbourSamples: 20, maxSamples: 100 };

/** How the selected samples relate to the reference size. */
export interface SelectionSummary {
  readonly count: number;
  /** Selected samples whose size equals the reference. */
  readonly exact: number;
  readonly below: number;
  readonly above: number;
  /**
   * Smallest multiple of 5 % (0.05 … 1) of the reference size within which all selected samples lie; 0 when all
   * are exact; null when the 100 % window would not hold them (then `fallback` is `'nearest'`).
   */
  readonly toleranceFraction: number | null;
  readonly fallback: 'nearest' | null;
}

/** A selection: the summary plus the selected values, ascending, and the selected samples themselves. */
export interface Selection extends SelectionSummary {
  readonly values: readonly number[];
  /** The selected samples in size order, for estimators that adjust values by size. */
  readonly samples: readonly SizedValue[];
}

/** The tolerance steps of the thesis: 5 % to 100 %. */
const TOLERANCE_STEPS = 20;

/** Sorts samples by (size, value) ascending, the order `selectAroundSorted` requires. Returns a new array. */
export function sortBySize(samples: readonly SizedValue[]): SizedValue[] {
  return [...samples].sort((a, b) => a.sizeBytes - b.sizeBytes || a.value - b.value);
}

/** Checks selection options; `ConfigError` names the bad option. */
export function checkSelectionOptions(options: SelectionOptions): void {
  const { neighbourSamples: k, maxSamples: m } = options;
  if (!Number.isInteger(k) || k < 1) throw new ConfigError(`neighbourSamples must be an integer ≥ 1, got ${k}`);
  // Thinning keeps the first and last sample of a block, and monotonicity needs the block to be at least k long.
  if (!Number.isInteger(m) || m < 2 || m < k) {
    throw new ConfigError(`maxSamples must be an integer ≥ 2 and ≥ neighbourSamples (${k}), got ${m}`);
  }
}

/** `selectAroundSorted` for samples in any order. */
export function selectSamples(samples: readonly SizedValue[], refBytes: number, options: SelectionOptions = DEFAULT_SELECTION): Selection {
  return selectAroundSorted(sortBySize(samples), refBytes, options);
}

/**
 * Selects samples around `refBytes` from samples sorted by `sortBySize`. With k = min(neighbourSamples, n): if at
 * least k samples have exactly the reference size, the whole exact block (thinned to `maxSamples`); otherwise the
 * contiguous window of k samples holding all exact ones, ⌈(k−e)/2⌉ nearest below and ⌊(k−e)/2⌋ nearest above,
 * filled from the other side when one side runs out. Throws `ConfigError` when there are no samples.
 */
export function selectAroundSorted(sorted: readonly SizedValue[], refBytes: number, options: SelectionOptions = DEFAULT_SELECTION): Selection {
  checkSelectionOptions(options);
  const n = sorted.length;
  if (n === 0) throw new ConfigError('cannot select from an empty sample list');
  const k = Math.min(options.neighbourSamples, n);
  const lo = lowerBound(sorted, refBytes);
  const hi = upperBound(sorted, refBytes);
  const exactCount = hi - lo;

  let picked: SizedValue[];
  if (exactCount >= k) {
    picked = thinEvenly(sorted.slice(lo, hi), options.maxSamples);
  } else {
    // Equivalent to taking ⌈(k−e)/2⌉ below and ⌊(k−e)/2⌋ above, refilling from the other side: the clamp shifts a
    // window that would leave the array back inside it, keeping its length k.
    const start = Math.min(Math.max(lo - Math.ceil((k - exactCount) / 2), 0), n - k);
    picked = sorted.slice(start, start + k);
  }

  let exact = 0;
  let below = 0;
  let above = 0;
  let maxDeviation = 0;
  for (const s of picked) {
    if (s.sizeBytes === refBytes) exact++;
    else if (s.sizeBytes < refBytes) below++;
    else above++;
    maxDeviation = Math.max(maxDeviation, Math.abs(s.sizeBytes - refBytes));
  }
  const toleranceFraction = toleranceStep(maxDeviation, refBytes);
  return {
    values: picked.map((s) => s.value).sort((a, b) => a - b),
    samples: picked,
    count: picked.length,
    exact,
    below,
    above,
    toleranceFraction,
    fallback: toleranceFraction === null ? 'nearest' : null,
  };
}

/**
 * Keeps `max` evenly spaced samples of a block, first and last included. Index j maps to round(j·(e−1)/(max−1)),
 * which is ≥ j and ≤ e−1−(max−1−j), so the thinned block still dominates the k-window starting at its first sample
 * and is dominated by the one ending at its last: a quantile over it lies between theirs.
 */
function thinEvenly(block: SizedValue[], max: number): SizedValue[] {
  if (block.length <= max) return block;
  const step = (block.length - 1) / (max - 1);
  const out: SizedValue[] = [];
  for (let j = 0; j < max; j++) out.push(block[Math.round(j * step)]!);
  return out;
}

function toleranceStep(maxDeviation: number, refBytes: number): number | null {
  if (maxDeviation === 0) return 0;
  if (refBytes <= 0) return null;
  // A tiny slack so that a deviation of exactly 15 % is not pushed to 20 % by floating-point division.
  const step = Math.max(1, Math.ceil((maxDeviation * TOLERANCE_STEPS) / refBytes - 1e-9));
  return step > TOLERANCE_STEPS ? null : step / TOLERANCE_STEPS;
}

/** First index whose size is ≥ ref. */
function lowerBound(sorted: readonly SizedValue[], ref: number): number {
  let a = 0;
  let b = sorted.length;
  while (a < b) {
    const mid = (a + b) >>> 1;
    if (sorted[mid]!.sizeBytes < ref) a = mid + 1;
    else b = mid;
  }
  return a;
}

/** First index whose size is > ref. */
function upperBound(sorted: readonly SizedValue[], ref: number): number {
  let a = 0;
  let b = sorted.length;
  while (a < b) {
    const mid = (a + b) >>> 1;
    if (sorted[mid]!.sizeBytes <= ref) a = mid + 1;
    else b = mid;
  }
  return a;
}
