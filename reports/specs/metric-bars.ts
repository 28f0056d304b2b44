import type { CompareResults } from '../../core/compare-results.js';
import { aggregatesAtLevel, chartLevel } from '../levels.js';
import { plannerColours } from '../palette.js';
import { textWidth } from '../text-width.js';
import { lowestInColumn, PANEL_SPACING, PAPER_CONFIG, niceTicks, panelGrid, panelLabel, panelTitle, VEGA_LITE_SCHEMA, type ChartWidth, type VegaLiteSpec } from './common.js';

/** A metric the bar charts can show, with the unit it is drawn in. */
export interface BarMetric {
  readonly metric: 'makespanMs' | 'gbSeconds' | 'costUsd';
  /** Axis title with unit. */
  readonly title: string;
  /** Multiplies the recorded value into the drawn unit (ms → s). */
  readonly scale: number;
}

/** Makespan, drawn in seconds: runs last seconds to minutes, so ms ticks would be five digits. */
export const MAKESPAN_BARS: BarMetric = { metric: 'makespanMs', title: 'makespan (s)', scale: 1e-3 };
/** Resource usage as Lambda bills it. */
export const GB_SECONDS_BARS: BarMetric = { metric: 'gbSeconds', title: 'GB-seconds', scale: 1 };

/** One bar: the mean of a cell's completed runs and its ± one sample standard deviation, in the drawn unit. */
export interface BarDatum {
  readonly panel: string;
  readonly workload: string;
  readonly sla: string;
  readonly variant: string;
  readonly mean: number;
  /** mean − std and mean + std; null with fewer than two completed runs (no error bar is drawn). */
  readonly lower: number | null;
  readonly upper: number | null;
  readonly runs: number;
}

/**
 * The bars of a metric: one per (workload, SLA, variant) with at least one completed run, at the report's chart level
 * (the lowest prediction-error level) so a planner has one bar per panel.
 */
export function barData(results: CompareResults, metric: BarMetric): BarDatum[] {
  const severalSlas = new Set(results.aggregates.map((a) => a.sla)).size > 1;
  return aggregatesAtLevel(results, chartLevel(results)).flatMap((a) => {
    const stats = a.metrics[metric.metric];
    if (stats.mean === null) return [];
    const mean = stats.mean * metric.scale;
    const std = stats.std === null ? null : stats.std * metric.scale;
    return [
      {
        panel: panelLabel(a.workload, a.sla, severalSlas),
        workload: a.workload,
        sla: a.sla,
        variant: a.variant,
        mean,
        lower: std === null ? null : mean - std,
        upper: std === null ? null : mean + std,
        runs: a.completedRuns,
      },
    ];
  });
}

/**
 * Bar chart of one metric: a panel per workload (and SLA), in it one bar per planner variant, the bar the mean over
 * runs and the error bar ± one sample standard deviation. Each panel has its own y scale because workloads differ by
 * orders of magnitude. The panels are rows of concatenated views rather than a wrapped facet, so that the y title is
 * written once per row (every panel of a row has the same unit), the planners are named under the lowest panel of
 * each column (rotated: six names do not fit side by side in a quarter column), and the title sits right above its
 * plot. The planner colours are the report's (the same in every chart); the x labels name them, so no legend.
 */
export function metricBarsSpec(results: CompareResults, metric: BarMetric, width: ChartWidth): VegaLiteSpec {
  const data = barData(results, metric);
  const variants = results.matrix.variants.map((v) => v.label);
  const panels = [...new Set(data.map((d) => d.panel))];
  // First y axis: title (≈ 12 pt) and labels (≈ 26 pt); the others labels only.
  const grid = panelGrid(panels, width, { firstAxisPt: 40, otherAxisPt: 28 });
  const colour = plannerColours(variants);
  const color = { field: 'variant', type: 'nominal', scale: { domain: colour.domain, range: colour.range }, legend: null };
  const panelSpec = (panel: string, row: number, column: number) => {
    const labelled = lowestInColumn(grid, row, column);
    // Planner names upright when they fit under their bars, else rotated to read upwards.
    const upright = Math.max(...variants.map((v) => textWidth(v, 8))) <= (grid.panelWidth / Math.max(1, variants.length)) * 0.95;
    const x = {
      field: 'variant',
      type: 'nominal',
      sort: variants,
      scale: { domain: variants, paddingInner: 0.15, paddingOuter: 0.1 },
      axis: labelled
        ? { title: null, labelAngle: upright ? 0 : -90, ...(upright ? {} : { labelAlign: 'right', labelBaseline: 'middle' }), labelPadding: 3, labelFontSize: 8, labelLimit: 0, ticks: false, domain: true }
        : { title: null, labels: false, ticks: false, domain: true },
    };
    const title = column === 0 ? metric.title : null;
    const height = width === 'double' ? 110 : 90;
    // The scale ends just above the highest error bar, not at a rounded value: no empty band above the bars. Ticks
    // are round values that leave room for their label under the top edge, so no label sticks out above the plot
    // (which would push this panel's title above its neighbours').
    const values = data.filter((d) => d.panel === panel).map((d) => d.upper ?? d.mean);
    const top = Math.max(0, ...values) * 1.04 || 1;
    const ticks = niceTicks(0, top, Math.floor(height / 22)).filter((t) => t <= top * (1 - 6 / height));
    const y = { field: 'mean', type: 'quantitative', title, scale: { domain: [0, top], nice: false, zero: true }, axis: { grid: true, values: ticks, format: ',~f' } };
    return {
      title: panelTitle(panel),
      width: grid.panelWidth,
      height,
      transform: [{ filter: { field: 'panel', equal: panel } }],
      layer: [
        {
          mark: { type: 'bar' },
          encoding: {
            x,
            y,
            color,
            tooltip: [
              { field: 'variant', title: 'planner' },
              { field: 'mean', title: `mean ${metric.title}`, format: '.4~g' },
              { field: 'runs', title: 'runs' },
            ],
          },
        },
        {
          transform: [{ filter: 'datum.lower != null' }],
          mark: { type: 'errorbar', ticks: { width: 4 }, color: '#222222' },
          encoding: { x, y: { ...y, field: 'lower' }, y2: { field: 'upper' } },
        },
      ],
    };
  };
  return {
    $schema: VEGA_LITE_SCHEMA,
    description: `${metric.title} per workload and planner: mean over runs ± one sample standard deviation`,
    data: { values: data },
    vconcat: grid.rows.map((row, r) => ({
      hconcat: row.map((panel, c) => panelSpec(panel, r, c)),
      spacing: PANEL_SPACING,
      resolve: { scale: { y: 'independent', x: 'independent' } },
    })),
    spacing: 8,
    resolve: { scale: { y: 'independent', x: 'independent' } },
    config: PAPER_CONFIG,
  };
}
