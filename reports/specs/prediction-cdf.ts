import { OKABE_ITO } from '../palette.js';
import { errorCdf, type PredictionErrorSample } from '../prediction-error.js';
import { textWidth } from '../text-width.js';
import { PAPER_CONFIG, VEGA_LITE_SCHEMA, WIDTH_PT, type ChartWidth, type VegaLiteSpec } from './common.js';

/** Room a legend entry's symbol and the gap after it take, in points. */
export const PREDICTION_LEGEND_SYMBOL_PT = 24;

/**
 * CDF of the absolute prediction error: a step line per group (workflow · planner · task or makespan), x the
 * absolute error in percent of the observed time, y the fraction of samples with at most that error.
 */
export function predictionCdfSpec(samples: readonly PredictionErrorSample[], width: ChartWidth = 'single'): VegaLiteSpec {
  const points = errorCdf(samples);
  const groups = [...new Set(points.map((p) => p.group))];
  // A legend label may take the chart's whole width bar the symbol (vega's default limit, 160 pt, cut
  // `tree_reduction · fixed · makespan` to `… · makes…`); longer ones break after the planner.
  const labelLimit = WIDTH_PT[width] - 2 * PAPER_CONFIG.padding - PREDICTION_LEGEND_SYMBOL_PT;
  const wrap = groups.some((g) => textWidth(g, PAPER_CONFIG.legend.labelFontSize) > labelLimit);
  return {
    $schema: VEGA_LITE_SCHEMA,
    description: 'Empirical CDF of absolute prediction error (predicted vs observed on a real platform)',
    data: { values: points },
    width: WIDTH_PT[width] - 50,
    height: Math.round((WIDTH_PT[width] - 50) * 0.6),
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5 },
    encoding: {
      x: { field: 'absErrorPct', type: 'quantitative', title: 'absolute prediction error (%)' },
      y: { field: 'fraction', type: 'quantitative', title: 'cumulative fraction', scale: { domain: [0, 1] } },
      color: { field: 'group', type: 'nominal', title: null, scale: { domain: groups, range: groups.map((_, i) => OKABE_ITO[i % OKABE_ITO.length]!) } },
      order: { field: 'absErrorPct', type: 'quantitative' },
    },
    config: {
      ...PAPER_CONFIG,
      legend: {
        ...PAPER_CONFIG.legend,
        orient: 'bottom',
        direction: 'vertical',
        labelLimit,
        ...(wrap ? { labelExpr: "split(datum.label, ' · ').length > 2 ? [join(slice(split(datum.label, ' · '), 0, 2), ' · '), '  · ' + peek(split(datum.label, ' · '))] : datum.label" } : {}),
      },
    },
  };
}
