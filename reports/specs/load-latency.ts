import type { LoadResults } from '../../experiments/load/load-sweep.js';
import { plannerColours } from '../palette.js';
import { PAPER_CONFIG, VEGA_LITE_SCHEMA, WIDTH_PT, type ChartWidth, type VegaLiteSpec } from './common.js';

/**
 * Latency against offered load, one line per planner variant: p50 solid, p99 dashed, both in seconds on a log scale
 * (latency grows by orders of magnitude past saturation), offered load in requests per second. Points of a closed
 * loop (no offered rate) are left out.
 */
export function loadLatencySpec(results: LoadResults, width: ChartWidth = 'single'): VegaLiteSpec {
  const variants = [...new Set(results.points.map((p) => p.variant))];
  const values = results.points.flatMap((p) =>
    p.offeredPerS === null
      ? []
      : [
          { variant: p.variant, offeredPerS: p.offeredPerS, percentile: 'p50', latencyS: p.metrics.latencyP50Ms / 1000 },
          { variant: p.variant, offeredPerS: p.offeredPerS, percentile: 'p99', latencyS: p.metrics.latencyP99Ms / 1000 },
        ],
  ).filter((v) => Number.isFinite(v.latencyS) && v.latencyS > 0);
  return {
    $schema: VEGA_LITE_SCHEMA,
    config: PAPER_CONFIG,
    width: WIDTH_PT[width] - 90,
    height: Math.round((WIDTH_PT[width] - 90) * 0.7),
    data: { values },
    mark: { type: 'line', point: { size: 18 }, strokeWidth: 1.2 },
    encoding: {
      x: { field: 'offeredPerS', type: 'quantitative', scale: { type: 'log', nice: false, padding: 8 }, title: 'offered load (requests/s)' },
      y: { field: 'latencyS', type: 'quantitative', scale: { type: 'log', nice: false, padding: 8 }, title: 'latency (s)' },
      color: { field: 'variant', type: 'nominal', title: 'planner', scale: plannerColours(variants) },
      strokeDash: { field: 'percentile', type: 'nominal', title: 'p50 solid, p99 dashed', scale: { domain: ['p50', 'p99'], range: [[1, 0], [4, 2]] }, legend: { symbolType: 'stroke', symbolStrokeColor: '#222222', symbolStrokeWidth: 1.2 } },
      detail: { field: 'percentile' },
    },
  };
}
