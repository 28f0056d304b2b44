import type { LoadResults } from '../../experiments/load/load-sweep.js';
import { plannerColours } from '../palette.js';
import { PAPER_CONFIG, VEGA_LITE_SCHEMA, WIDTH_PT, type ChartWidth, type VegaLiteSpec } from './common.js';

/**
 * Dispatch strategies against offered load: p99 latency (log scale, s) above, SLA attainment (%) below, one line
 * per strategy (and per planner, dashed after the first, when the sweep has several), sharing the offered-load axis.
 * Only for sweeps that compare strategies (`bench load --dispatch`); closed-loop points have no offered rate and are
 * left out.
 */
export function loadDispatchSpec(results: LoadResults, width: ChartWidth = 'single'): VegaLiteSpec | undefined {
  const points = results.points.filter((p) => p.dispatch !== undefined && p.offeredPerS !== null);
  if (points.length === 0) return undefined;
  const strategies = [...new Set(points.map((p) => p.dispatch!))];
  const planners = [...new Set(points.map((p) => p.variant.slice(0, p.variant.length - ` · ${p.dispatch}`.length)))];
  const values = points.map((p) => ({
    strategy: p.dispatch,
    planner: p.variant.slice(0, p.variant.length - ` · ${p.dispatch}`.length),
    offeredPerS: p.offeredPerS,
    p99S: p.metrics.latencyP99Ms / 1000,
    attainment: p.metrics.slaAttainment,
  }));
  const plotWidth = WIDTH_PT[width] - 90;
  const x = { field: 'offeredPerS', type: 'quantitative', scale: { type: 'log', nice: false, padding: 8 }, title: 'offered load (requests/s)' };
  const shared = {
    color: { field: 'strategy', type: 'nominal', title: 'dispatch', scale: plannerColours(strategies) },
    ...(planners.length > 1 ? { strokeDash: { field: 'planner', type: 'nominal', title: 'planner', legend: { symbolType: 'stroke', symbolStrokeColor: '#222222', symbolStrokeWidth: 1.2 } }, detail: { field: 'planner' } } : {}),
  };
  const panel = (y: object, withXTitle: boolean) => ({
    width: plotWidth,
    height: Math.round(plotWidth * 0.45),
    mark: { type: 'line', point: { size: 14 }, strokeWidth: 1.1 },
    encoding: { x: withXTitle ? x : { ...x, axis: { title: null, labels: false } }, y, ...shared },
  });
  return {
    $schema: VEGA_LITE_SCHEMA,
    config: PAPER_CONFIG,
    data: { values: values.filter((v) => Number.isFinite(v.p99S) && v.p99S > 0) },
    vconcat: [
      panel({ field: 'p99S', type: 'quantitative', scale: { type: 'log', nice: false, padding: 6 }, title: 'p99 latency (s)' }, false),
      panel({ field: 'attainment', type: 'quantitative', scale: { domain: [0, 1] }, axis: { format: '%' }, title: 'SLA met' }, true),
    ],
    spacing: 6,
  };
}
