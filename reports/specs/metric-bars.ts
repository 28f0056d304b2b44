import type { CompareResults } from '../../core/compare-results.js';
import { aggregatesAtLevel, chartLevel } from '../levels.js';
import { plannerColours } from '../palette.js';
import { facetLayout, PAPER_CONFIG, panelLabel, VEGA_LITE_SCHEMA, type ChartWidth, type VegaLiteSpec } from './common.js';

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
export const GB_SECONDS_BARS: BarMetric = { metric: 'gbSeconds', title: 'resource usage (GB-s)', scale: 1 };

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
 * orders of magnitude; planners are told apart by the legend's colours, the same in every chart of the report.
 */
export function metricBarsSpec(results: CompareResults, metric: BarMetric, width: ChartWidth): VegaLiteSpec {
  const data = barData(results, metric);
  const variants = results.matrix.variants.map((v) => v.label);
  const panels = [...new Set(data.map((d) => d.panel))];
  const { columns, facetWidth } = facetLayout(panels.length, width);
  const colour = plannerColours(variants);
  const x = { field: 'variant', type: 'nominal', sort: variants, axis: { title: null, labels: false, ticks: false, domain: false } };
  return {
    $schema: VEGA_LITE_SCHEMA,
    description: `${metric.title} per workload and planner: mean over runs ± one sample standard deviation`,
    data: { values: data },
    facet: { field: 'panel', type: 'nominal', sort: panels, title: null },
    columns,
    spec: {
      width: facetWidth,
      height: 110,
      layer: [
        {
          mark: { type: 'bar' },
          encoding: {
            x,
            y: { field: 'mean', type: 'quantitative', title: metric.title, axis: { grid: true } },
            color: { field: 'variant', type: 'nominal', title: 'planner', scale: { domain: colour.domain, range: colour.range } },
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
          encoding: { x, y: { field: 'lower', type: 'quantitative', title: metric.title }, y2: { field: 'upper' } },
        },
      ],
    },
    resolve: { scale: { y: 'independent' } },
    config: { ...PAPER_CONFIG, legend: { ...PAPER_CONFIG.legend, orient: 'bottom', direction: 'horizontal', columns: Math.min(variants.length, width === 'double' ? 6 : 2) } },
  };
}
