import { OKABE_ITO } from '../palette.js';
import { errorCdf, type PredictionErrorSample } from '../prediction-error.js';
import { PAPER_CONFIG, VEGA_LITE_SCHEMA, WIDTH_PT, type ChartWidth, type VegaLiteSpec } from './common.js';

/**
 * CDF of the absolute prediction error: a step line per group (workflow · planner · task or makespan), x the
 * absolute error in percent of the observed time, y the fraction of samples with at most that error.
 */
export function predictionCdfSpec(samples: readonly PredictionErrorSample[], width: ChartWidth = 'single'): VegaLiteSpec {
  const points = errorCdf(samples);
  const groups = [...new Set(points.map((p) => p.group))];
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
    config: { ...PAPER_CONFIG, legend: { ...PAPER_CONFIG.legend, orient: 'bottom', direction: 'vertical' } },
  };
}
