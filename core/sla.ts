import { ConfigError } from './errors.js';

/**
 * The service-level agreement a prediction is made under (thesis §3.3): the median of the selected samples, or a
 * percentile of them. A higher percentile is a more conservative (larger) prediction of every time and size.
 */
export type Sla = { readonly kind: 'median' } | { readonly kind: 'percentile'; readonly percentile: number };

export const MEDIAN: Sla = { kind: 'median' };

/** A percentile SLA; `percentile` is in (0, 100]. */
export function percentile(value: number): Sla {
  if (!Number.isFinite(value) || value <= 0 || value > 100) {
    throw new ConfigError(`SLA percentile must be in (0, 100], got ${value}`);
  }
  return { kind: 'percentile', percentile: value };
}

/** The quantile in [0, 1] an SLA selects. */
export function slaQuantile(sla: Sla): number {
  return sla.kind === 'median' ? 0.5 : sla.percentile / 100;
}

/** Canonical text form: `median` or `p90` (as written in trace headers and CLI flags). */
export function formatSla(sla: Sla): string {
  return sla.kind === 'median' ? 'median' : `p${sla.percentile}`;
}

/** Parses `median`, `p90`, `P99.9` or `90`. */
export function parseSla(text: string): Sla {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === 'median') return MEDIAN;
  const match = /^p?(\d+(?:\.\d+)?)$/.exec(trimmed);
  if (!match) throw new ConfigError(`cannot read SLA '${text}': expected 'median' or a percentile such as p90`);
  return percentile(Number(match[1]));
}
