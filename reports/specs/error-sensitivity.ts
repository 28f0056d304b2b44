import type { CompareResults } from '../../core/compare-results.js';
import { errorLevels } from '../levels.js';
import { plannerColours } from '../palette.js';
import { sensitivityRows } from '../sensitivity.js';
import { PAPER_CONFIG, panelLabel, VEGA_LITE_SCHEMA, WIDTH_PT, type ChartWidth, type VegaLiteSpec } from './common.js';

/** The quantities the sensitivity chart has a column for, in column order, each with its unit. */
export const SENSITIVITY_METRICS = ['makespan (s)', 'GB-s', 'SLA met (%)'] as const;
/** One column of the sensitivity chart. */
export type SensitivityMetric = (typeof SENSITIVITY_METRICS)[number];

/** One point of the chart: a variant's value of one quantity at one level, and its ± one sample std where it has one. */
export interface SensitivityDatum {
  readonly panel: string;
  readonly variant: string;
  readonly predictionError: number;
  readonly metric: SensitivityMetric;
  readonly value: number;
  /** value ∓ one sample std (makespan and GB-s over two or more completed runs); null where no error bar is drawn. */
  readonly lower: number | null;
  readonly upper: number | null;
}

/**
 * The chart's points, from the same rows as `sensitivity.csv`: makespan in seconds and GB-s as means ± std over
 * completed runs, SLA attainment in percent. A quantity that is undefined for a cell (no completed run) has no point.
 */
export function sensitivityData(results: CompareResults): SensitivityDatum[] {
  const severalSlas = new Set(results.aggregates.map((a) => a.sla)).size > 1;
  return sensitivityRows(results).flatMap((r) => {
    const base = { panel: panelLabel(r.workload, r.sla, severalSlas), variant: r.variant, predictionError: r.predictionError };
    const withStd = (metric: SensitivityMetric, mean: number | null, std: number | null, scale: number): SensitivityDatum[] =>
      mean === null
        ? []
        : [{ ...base, metric, value: mean * scale, lower: std === null ? null : (mean - std) * scale, upper: std === null ? null : (mean + std) * scale }];
    return [
      ...withStd('makespan (s)', r.makespanMsMean, r.makespanMsStd, 1e-3),
      ...withStd('GB-s', r.gbSecondsMean, r.gbSecondsStd, 1),
      ...withStd('SLA met (%)', r.slaAttainment, null, 100),
    ];
  });
}

/**
 * Rows that pin the SLA-attainment panels' y scale to 0–100 %: a zoomed share would overstate a change, and a facet
 * cannot give one column a fixed domain, so each SLA panel gets two invisible points at 0 and 100.
 */
function slaDomainAnchors(panels: readonly string[], level: number): object[] {
  return panels.flatMap((panel) => [0, 100].map((value) => ({ panel, metric: 'SLA met (%)', predictionError: level, value, anchor: true })));
}

/**
 * Prediction-error sensitivity: a row of panels per workload (and SLA), a column per quantity (makespan, GB-s, SLA
 * attainment), in each a line per planner variant against the prediction-error level, makespan and GB-s with ± one
 * sample std error bars. Makespan and GB-s panels have their own y scales (workloads differ by orders of magnitude);
 * SLA attainment always spans 0–100 %. The x axis ticks exactly at the levels run. Three columns need the full text
 * width to be legible, so the chart is meant for `double`; at `single` its panels shrink to a minimum and it grows
 * wider than the column.
 */
export function errorSensitivitySpec(results: CompareResults, width: ChartWidth): VegaLiteSpec {
  const data = sensitivityData(results);
  const variants = results.matrix.variants.map((v) => v.label);
  const panels = [...new Set(data.map((d) => d.panel))];
  const levels = errorLevels(results);
  const colour = plannerColours(variants);
  // Three columns, each with a y axis (labels only: the column header names the quantity) of about 40 pt, and the
  // row headers on the left about 20 pt.
  const facetWidth = Math.max(60, Math.floor((WIDTH_PT[width] - 20 - SENSITIVITY_METRICS.length * 40) / SENSITIVITY_METRICS.length));
  const x = {
    field: 'predictionError',
    type: 'quantitative',
    title: 'prediction error (CV)',
    scale: { domain: [levels[0], levels[levels.length - 1]], nice: false },
    axis: { values: levels, format: '.4~g' },
  };
  const y = { field: 'value', type: 'quantitative', title: null, scale: { zero: false, nice: true }, axis: { format: '.4~g' } };
  const color = { field: 'variant', type: 'nominal', title: 'planner', scale: { domain: colour.domain, range: colour.range } };
  const drawn = { filter: 'datum.anchor !== true' };
  return {
    $schema: VEGA_LITE_SCHEMA,
    description: 'Prediction-error sensitivity per workload: makespan, GB-s (mean ± one sample std) and SLA attainment of each planner variant against the prediction-error level',
    data: { values: [...data, ...slaDomainAnchors(panels, levels[0] ?? 0)] },
    facet: {
      row: { field: 'panel', type: 'nominal', sort: panels, title: null },
      column: { field: 'metric', type: 'nominal', sort: [...SENSITIVITY_METRICS], title: null },
    },
    spec: {
      width: facetWidth,
      height: 80,
      layer: [
        { transform: [{ filter: 'datum.anchor === true' }], mark: { type: 'point', opacity: 0, aria: false }, encoding: { x, y } },
        {
          transform: [drawn, { filter: 'datum.lower != null' }],
          mark: { type: 'errorbar', ticks: { width: 3 }, opacity: 0.7 },
          encoding: { x, y: { ...y, field: 'lower' }, y2: { field: 'upper' }, color },
        },
        { transform: [drawn], mark: { type: 'line', strokeWidth: 1.2 }, encoding: { x, y, color, order: { field: 'predictionError', type: 'quantitative' } } },
        {
          transform: [drawn],
          mark: { type: 'point', filled: true, size: 25, opacity: 1 },
          encoding: {
            x,
            y,
            color,
            tooltip: [
              { field: 'variant', title: 'planner' },
              { field: 'panel', title: 'workload' },
              { field: 'predictionError', title: 'prediction error' },
              { field: 'metric', title: 'quantity' },
              { field: 'value', title: 'value', format: '.4~g' },
            ],
          },
        },
      ],
    },
    resolve: { scale: { y: 'independent' } },
    config: { ...PAPER_CONFIG, legend: { ...PAPER_CONFIG.legend, orient: 'bottom', direction: 'horizontal', columns: Math.min(variants.length, width === 'double' ? 6 : 2) } },
  };
}
