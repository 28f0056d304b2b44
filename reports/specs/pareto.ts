import type { CompareResults } from '../../core/compare-results.js';
import { aggregatesAtLevel, chartLevel } from '../levels.js';
import { plannerColours } from '../palette.js';
import { facetLayout, PAPER_CONFIG, panelLabel, VEGA_LITE_SCHEMA, type ChartWidth, type VegaLiteSpec } from './common.js';

/** Where a planner variant sits in a workload's cost/makespan trade-off. */
export type ParetoPosition = 'Pareto-optimal' | 'dominated';

/** One point of the scatter: a variant's mean makespan (s) and mean cost per run (µUSD), with their std. */
export interface ParetoDatum {
  readonly panel: string;
  readonly variant: string;
  readonly makespanS: number;
  readonly costMicroUsd: number;
  readonly makespanStdS: number | null;
  readonly costStdMicroUsd: number | null;
  readonly position: ParetoPosition;
}

/**
 * Marks each point Pareto-optimal or dominated: dominated when another point is no worse in both makespan and cost
 * and better in one. Both are minimized.
 */
export function paretoPositions<T extends { makespanS: number; costMicroUsd: number }>(points: readonly T[]): ParetoPosition[] {
  return points.map((p) =>
    points.some((q) => q !== p && q.makespanS <= p.makespanS && q.costMicroUsd <= p.costMicroUsd && (q.makespanS < p.makespanS || q.costMicroUsd < p.costMicroUsd))
      ? 'dominated'
      : 'Pareto-optimal',
  );
}

/**
 * The scatter's points: per (workload, SLA) each variant with completed runs, and its Pareto position there, at the
 * report's chart level (the lowest prediction-error level): planners are compared on the same belief.
 */
export function paretoData(results: CompareResults): ParetoDatum[] {
  const severalSlas = new Set(results.aggregates.map((a) => a.sla)).size > 1;
  const byPanel = new Map<string, Omit<ParetoDatum, 'position'>[]>();
  for (const a of aggregatesAtLevel(results, chartLevel(results))) {
    const makespan = a.metrics.makespanMs;
    const cost = a.metrics.costUsd;
    if (makespan.mean === null || cost.mean === null) continue;
    const panel = panelLabel(a.workload, a.sla, severalSlas);
    byPanel.set(panel, [
      ...(byPanel.get(panel) ?? []),
      {
        panel,
        variant: a.variant,
        makespanS: makespan.mean / 1000,
        costMicroUsd: cost.mean * 1e6,
        makespanStdS: makespan.std === null ? null : makespan.std / 1000,
        costStdMicroUsd: cost.std === null ? null : cost.std * 1e6,
      },
    ]);
  }
  return [...byPanel.values()].flatMap((points) => {
    const positions = paretoPositions(points);
    return points.map((p, i) => ({ ...p, position: positions[i]! }));
  });
}

/**
 * Cost against makespan per workload (and SLA): each planner variant at its means over runs with ± std whiskers in
 * both directions; Pareto-optimal variants are filled circles joined by a dashed front, dominated ones hollow. Cost is
 * in micro-dollars per run because a run costs fractions of a cent.
 */
export function paretoSpec(results: CompareResults, width: ChartWidth): VegaLiteSpec {
  const data = paretoData(results).map((d) => ({
    ...d,
    makespanLowS: d.makespanStdS === null ? null : d.makespanS - d.makespanStdS,
    makespanHighS: d.makespanStdS === null ? null : d.makespanS + d.makespanStdS,
    costLowMicroUsd: d.costStdMicroUsd === null ? null : d.costMicroUsd - d.costStdMicroUsd,
    costHighMicroUsd: d.costStdMicroUsd === null ? null : d.costMicroUsd + d.costStdMicroUsd,
  }));
  const variants = results.matrix.variants.map((v) => v.label);
  const panels = [...new Set(data.map((d) => d.panel))];
  const { columns, facetWidth } = facetLayout(panels.length, width);
  const colour = { field: 'variant', type: 'nominal', title: 'planner', scale: plannerColours(variants) };
  const x = { field: 'makespanS', type: 'quantitative', title: 'makespan (s)', scale: { zero: false, nice: true } };
  const y = { field: 'costMicroUsd', type: 'quantitative', title: 'cost per run (µUSD)', scale: { zero: false, nice: true } };
  const whisker = { strokeWidth: 1, opacity: 0.6 };
  return {
    $schema: VEGA_LITE_SCHEMA,
    description: 'Cost against makespan per workload: mean of each planner variant over runs, Pareto front dashed',
    data: { values: data },
    facet: { field: 'panel', type: 'nominal', sort: panels, title: null },
    columns,
    spec: {
      width: facetWidth,
      height: Math.max(90, Math.round(facetWidth * 0.8)),
      layer: [
        {
          transform: [{ filter: "datum.position == 'Pareto-optimal'" }],
          mark: { type: 'line', color: '#777777', strokeDash: [3, 2], strokeWidth: 1 },
          encoding: { x, y, order: { field: 'makespanS', type: 'quantitative' } },
        },
        {
          transform: [{ filter: 'datum.makespanLowS != null' }],
          mark: { type: 'rule', ...whisker },
          encoding: { x: { ...x, field: 'makespanLowS' }, x2: { field: 'makespanHighS' }, y, color: colour },
        },
        {
          transform: [{ filter: 'datum.costLowMicroUsd != null' }],
          mark: { type: 'rule', ...whisker },
          encoding: { x, y: { ...y, field: 'costLowMicroUsd' }, y2: { field: 'costHighMicroUsd' }, color: colour },
        },
        // Two point layers rather than a fill encoding: a filled mark takes its fill from the planner's colour, which
        // a data-driven fill scale cannot express.
        ...(['Pareto-optimal', 'dominated'] as const).map((position) => ({
          transform: [{ filter: `datum.position == '${position}'` }],
          mark: { type: 'point', size: 45, strokeWidth: 1.5, opacity: 1, filled: position === 'Pareto-optimal', ...(position === 'dominated' ? { fill: 'white', fillOpacity: 1 } : {}) },
          encoding: {
            x,
            y,
            color: colour,
            tooltip: [
              { field: 'variant', title: 'planner' },
              { field: 'makespanS', title: 'makespan (s)', format: '.4~g' },
              { field: 'costMicroUsd', title: 'cost (µUSD)', format: '.4~g' },
              { field: 'position' },
            ],
          },
        })),
      ],
    },
    resolve: { scale: { x: 'independent', y: 'independent' } },
    config: { ...PAPER_CONFIG, legend: { ...PAPER_CONFIG.legend, orient: 'bottom', direction: 'horizontal', columns: Math.min(variants.length, width === 'double' ? 6 : 2) } },
  };
}
