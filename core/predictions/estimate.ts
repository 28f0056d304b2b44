/**
 * Turns selected samples into one number: an SLA quantile of the window, extrapolated linearly through the origin
 * when the reference size lies outside the observed range.
 *
 * The reference implementation scaled every prediction per byte (ms/byte × size, output/input ratio × size), which
 * predicts ~0 for small inputs of tasks with a fixed overhead, and, because per-byte rates of such tasks fall as size
 * grows, can make a larger input predict less. Here the per-byte model is used only beyond the observed sizes, where
 * there is nothing closer to go on; inside the range the prediction is a local nearest-neighbour quantile. The
 * scale factor is 1 at the range ends, so predictions stay continuous and monotone there.
 */
import { quantileSorted } from 'simple-statistics';
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

/** A size-dependent estimate with its provenance. */
export interface SizedEstimate {
  readonly value: number;
  readonly selection: SelectionSummary;
  readonly extrapolation: Extrapolation | null;
}

/** Quantile q ∈ [0, 1] of values sorted ascending (linear interpolation, numpy's default, as the reference). */
export function quantileOf(ascending: readonly number[], q: number): number {
  if (ascending.length === 0) throw new ConfigError('cannot take a quantile of no samples');
  if (!(q >= 0 && q <= 1)) throw new ConfigError(`quantile must be in [0, 1], got ${q}`);
  return quantileSorted(ascending as number[], q);
}

/**
 * The q-quantile of the samples selected around `refBytes` (samples sorted by `sortBySize`), scaled by
 * refBytes/maxSize above the largest observed size and by refBytes/minSize below the smallest. A boundary of 0 bytes
 * gives no line through the origin to follow, so then the window's quantile is used as is.
 */
export function estimateAt(sorted: readonly SizedValue[], refBytes: number, q: number, options: SelectionOptions): SizedEstimate {
  const selection = selectAroundSorted(sorted, refBytes, options);
  const { values, ...summary } = selection;
  const raw = quantileOf(values, q);
  const minBytes = sorted[0]!.sizeBytes;
  const maxBytes = sorted[sorted.length - 1]!.sizeBytes;
  let extrapolation: Extrapolation | null = null;
  if (refBytes > maxBytes && maxBytes > 0) {
    extrapolation = { side: 'above', boundaryBytes: maxBytes, factor: refBytes / maxBytes };
  } else if (refBytes < minBytes && minBytes > 0) {
    extrapolation = { side: 'below', boundaryBytes: minBytes, factor: refBytes / minBytes };
  }
  return { value: raw * (extrapolation?.factor ?? 1), selection: summary, extrapolation };
}
