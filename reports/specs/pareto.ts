import type { CompareResults } from '../../core/compare-results.js';
import { aggregatesAtLevel, chartLevel } from '../levels.js';
import { plannerColours } from '../palette.js';
import { lowestInColumn, niceTicks, PANEL_SPACING, PAPER_CONFIG, panelGrid, panelLabel, panelTitle, VEGA_LITE_SCHEMA, type ChartWidth, type VegaLiteSpec } from './common.js';

/** The two places a planner variant can have in a workload's cost/makespan trade-off, in legend order. */
export const PARETO_POSITIONS = ['Pareto-optimal', 'dominated'] as const;
/** Where a planner variant sits in a workload's cost/makespan trade-off. */
export type ParetoPosition = (typeof PARETO_POSITIONS)[number];

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

/** Marker shapes: a variant without optimization passes is a circle, one with passes a diamond. */
export const PARETO_SHAPES = { plain: 'circle', optimized: 'diamond' } as const;

/** Markers closer than this (points, both directions) are set side by side so neither hides the other. */
export const PARETO_COINCIDENT_PT = 4;
/** How far apart coincident markers are set, centre to centre, in points. */
export const PARETO_NUDGE_PT = 4;

/**
 * Horizontal nudges in points for a panel's markers: markers within `PARETO_COINCIDENT_PT` of each other on the drawn
 * scales (`toX`, `toY`: data to points) form a group, spread symmetrically `PARETO_NUDGE_PT` apart in the given order;
 * every other marker stays at 0. Only the markers move, their whiskers and the front stay at the data.
 */
export function paretoNudges(points: readonly { x: number; y: number }[]): number[] {
  const group = points.map((_, i) => i);
  const find = (i: number): number => (group[i] === i ? i : (group[i] = find(group[i]!)));
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      const a = points[i]!;
      const b = points[j]!;
      if (Math.abs(a.x - b.x) < PARETO_COINCIDENT_PT && Math.abs(a.y - b.y) < PARETO_COINCIDENT_PT) group[find(j)] = find(i);
    }
  }
  const members = new Map<number, number[]>();
  points.forEach((_, i) => members.set(find(i), [...(members.get(find(i)) ?? []), i]));
  const nudges = points.map(() => 0);
  for (const list of members.values()) list.forEach((i, k) => (nudges[i] = (k - (list.length - 1) / 2) * PARETO_NUDGE_PT));
  return nudges;
}

/**
 * A panel's axis: round tick values, about one per `spacingPt` of its `lengthPt`, and a domain: the data's own range
 * (whiskers included) when at least two ticks fall in it, else the range of the ticks around it, so an axis never
 * has a lone tick and never a long empty stretch.
 */
export function paretoAxis(values: readonly number[], lengthPt: number, spacingPt: number): { domain: [number, number]; ticks: number[] } {
  const min = Math.min(...values);
  const max = Math.max(...values);
  const ticks = niceTicks(min, max, Math.max(2, Math.floor(lengthPt / spacingPt)));
  const inside = ticks.filter((t) => t >= min && t <= max);
  if (inside.length >= 2) return { domain: [min, max], ticks: inside };
  return { domain: [ticks[0]!, ticks[ticks.length - 1]!], ticks };
}

/**
 * Cost against makespan per workload (and SLA): each planner variant at its means over runs with ± std whiskers in
 * both directions; Pareto-optimal variants are filled markers joined by a dashed front, dominated ones hollow (a
 * second legend says so). Cost is in micro-dollars per run because a run costs fractions of a cent. The panels are
 * concatenated views so each computes its own axes: round ticks from its data, as many as its size allows (never a
 * lone tick), the y title once per row. Variants with optimization passes are diamonds, without circles; markers that
 * would cover each other (an optimized variant whose plan is the plain one's) are set side by side.
 */
export function paretoSpec(results: CompareResults, width: ChartWidth): VegaLiteSpec {
  const variants = results.matrix.variants.map((v) => v.label);
  const optimized = new Set(results.matrix.variants.filter((v) => v.optimizations.length > 0).map((v) => v.label));
  const points = paretoData(results);
  const panels = [...new Set(points.map((d) => d.panel))];
  const grid = panelGrid(panels, width, { firstAxisPt: 44, otherAxisPt: 32 });
  const height = Math.max(90, Math.round(grid.panelWidth * 0.8));
  const pad = 7;
  const axes = new Map(
    panels.map((panel) => {
      const mine = points.filter((d) => d.panel === panel);
      const xs = mine.flatMap((d) => (d.makespanStdS === null ? [d.makespanS] : [d.makespanS - d.makespanStdS, d.makespanS + d.makespanStdS]));
      const ys = mine.flatMap((d) => (d.costStdMicroUsd === null ? [d.costMicroUsd] : [d.costMicroUsd - d.costStdMicroUsd, d.costMicroUsd + d.costStdMicroUsd]));
      return [panel, { x: paretoAxis(xs, grid.panelWidth, 45), y: paretoAxis(ys, height, 28) }];
    }),
  );
  const data = panels.flatMap((panel) => {
    const { x, y } = axes.get(panel)!;
    const mine = points.filter((d) => d.panel === panel);
    const at = (v: number, [lo, hi]: [number, number], length: number) => pad + ((v - lo) / (hi - lo || 1)) * (length - 2 * pad);
    const nudges = paretoNudges(mine.map((d) => ({ x: at(d.makespanS, x.domain, grid.panelWidth), y: at(d.costMicroUsd, y.domain, height) })));
    return mine.map((d, i) => ({
      ...d,
      nudgePt: nudges[i]!,
      makespanLowS: d.makespanStdS === null ? null : d.makespanS - d.makespanStdS,
      makespanHighS: d.makespanStdS === null ? null : d.makespanS + d.makespanStdS,
      costLowMicroUsd: d.costStdMicroUsd === null ? null : d.costMicroUsd - d.costStdMicroUsd,
      costHighMicroUsd: d.costStdMicroUsd === null ? null : d.costMicroUsd + d.costStdMicroUsd,
    }));
  });
  const colours = plannerColours(variants);
  const colour = { field: 'variant', type: 'nominal', title: 'planner', scale: { domain: colours.domain, range: colours.range }, legend: { symbolOpacity: 1, symbolStrokeWidth: 1.5, encode: { symbols: { update: { fillOpacity: { value: 1 } } } } } };
  const shape = {
    field: 'variant',
    type: 'nominal',
    title: 'planner',
    scale: { domain: variants, range: variants.map((v) => (optimized.has(v) ? PARETO_SHAPES.optimized : PARETO_SHAPES.plain)) },
  };
  const whisker = { strokeWidth: 1, opacity: 0.6 };
  const marker = { size: 40, strokeWidth: 1.5, xOffset: { expr: 'datum.nudgePt' } };
  const panelSpec = (panel: string, row: number, column: number) => {
    const { x: xAxis, y: yAxis } = axes.get(panel)!;
    const x = {
      field: 'makespanS',
      type: 'quantitative',
      title: lowestInColumn(grid, row, column) ? 'makespan (s)' : null,
      scale: { domain: xAxis.domain, nice: false, zero: false, padding: pad },
      axis: { values: xAxis.ticks, format: ',~f', labelFlush: false },
    };
    const y = {
      field: 'costMicroUsd',
      type: 'quantitative',
      title: column === 0 ? 'cost per run (µUSD)' : null,
      scale: { domain: yAxis.domain, nice: false, zero: false, padding: pad },
      axis: { values: yAxis.ticks, format: ',~f' },
    };
    return {
      title: panelTitle(panel),
      width: grid.panelWidth,
      height,
      transform: [{ filter: { field: 'panel', equal: panel } }],
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
        // A marker under each one, white under a hollow marker so it hides the whiskers behind it (dark under a filled
        // one, which covers it). Its fill scale makes the legend that says what filled and hollow mean: vega-lite draws
        // no legend for the marker's own fill opacity.
        {
          mark: { type: 'point', ...marker, filled: true, stroke: '#444444', strokeOpacity: 0, aria: false },
          encoding: {
            x,
            y,
            shape,
            fill: {
              field: 'position',
              type: 'nominal',
              scale: { domain: [...PARETO_POSITIONS], range: ['#444444', 'white'] },
              legend: {
                title: null,
                values: [...PARETO_POSITIONS],
                labelExpr: "datum.label == 'Pareto-optimal' ? 'filled: Pareto-optimal' : 'hollow: dominated'",
                symbolType: 'circle',
                symbolStrokeWidth: 1.5,
                symbolOpacity: 1,
                encode: { symbols: { update: { stroke: { value: '#444444' } } } },
              },
            },
          },
        },
        {
          mark: { type: 'point', ...marker, filled: true, opacity: 1 },
          encoding: {
            x,
            y,
            color: colour,
            stroke: colour,
            shape,
            fillOpacity: { condition: { test: "datum.position == 'dominated'", value: 0 }, value: 1 },
            tooltip: [
              { field: 'variant', title: 'planner' },
              { field: 'makespanS', title: 'makespan (s)', format: '.4~g' },
              { field: 'costMicroUsd', title: 'cost (µUSD)', format: '.4~g' },
              { field: 'position' },
            ],
          },
        },
      ],
    };
  };
  return {
    $schema: VEGA_LITE_SCHEMA,
    description: 'Cost against makespan per workload: mean of each planner variant over runs, Pareto front dashed',
    data: { values: data },
    vconcat: grid.rows.map((row, r) => ({
      hconcat: row.map((panel, c) => panelSpec(panel, r, c)),
      spacing: PANEL_SPACING,
      resolve: { scale: { x: 'independent', y: 'independent' } },
    })),
    spacing: 8,
    resolve: { scale: { x: 'independent', y: 'independent' } },
    // Two legends at the bottom, the planners and what filled and hollow mean, one under the other (vega's legend layout).
    config: {
      ...PAPER_CONFIG,
      legend: { ...PAPER_CONFIG.legend, orient: 'bottom', direction: 'horizontal', columns: Math.min(variants.length, width === 'double' ? 6 : 2), layout: { bottom: { direction: 'vertical', anchor: 'start' } } },
    },
  };
}
