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

/**
 * Concurrency in use over time at one offered load, one line per planner variant (invocations holding a slot,
 * sampled every second of simulated time), with the account limit as a rule when it is within the drawn range.
 */
export function loadConcurrencySpec(results: LoadResults, load: string, accountLimit: number | undefined, width: ChartWidth = 'single'): VegaLiteSpec {
  const variants = [...new Set(results.points.map((p) => p.variant))];
  const values = results.points
    .filter((p) => p.load === load)
    .flatMap((p) => p.series.map((s) => ({ variant: p.variant, timeS: s.atMs / 1000, live: s.liveInvocations })));
  const peak = Math.max(0, ...values.map((v) => v.live));
  const plotWidth = WIDTH_PT[width] - 90;
  const line = {
    mark: { type: 'line', strokeWidth: 1, interpolate: 'step-after' },
    encoding: {
      x: { field: 'timeS', type: 'quantitative', title: `time (s), ${load}` },
      y: { field: 'live', type: 'quantitative', title: 'invocations running' },
      color: { field: 'variant', type: 'nominal', title: 'planner', scale: plannerColours(variants) },
    },
  };
  const layers: object[] = [line];
  if (accountLimit !== undefined && accountLimit <= peak * 1.5) {
    layers.push({ data: { values: [{ limit: accountLimit }] }, mark: { type: 'rule', strokeDash: [3, 2], color: '#555555' }, encoding: { y: { field: 'limit', type: 'quantitative' } } });
  }
  return { $schema: VEGA_LITE_SCHEMA, config: PAPER_CONFIG, width: plotWidth, height: Math.round(plotWidth * 0.6), data: { values }, layer: layers };
}

/** The latency CDF of every request of one offered load, per variant (empirical: the share of requests done by t). */
export function loadLatencyCdfSpec(results: LoadResults, load: string, latenciesMs: ReadonlyMap<string, readonly number[]>, width: ChartWidth = 'single'): VegaLiteSpec {
  const variants = [...new Set(results.points.map((p) => p.variant))];
  const values = [...latenciesMs].flatMap(([variant, latencies]) => {
    const sorted = [...latencies].sort((a, b) => a - b);
    return sorted.map((ms, i) => ({ variant, latencyS: ms / 1000, share: (i + 1) / sorted.length }));
  });
  const plotWidth = WIDTH_PT[width] - 90;
  return {
    $schema: VEGA_LITE_SCHEMA,
    config: PAPER_CONFIG,
    width: plotWidth,
    height: Math.round(plotWidth * 0.6),
    data: { values },
    mark: { type: 'line', strokeWidth: 1.2, interpolate: 'step-after' },
    encoding: {
      x: { field: 'latencyS', type: 'quantitative', scale: { type: 'log', nice: false }, title: `latency (s), ${load}` },
      y: { field: 'share', type: 'quantitative', title: 'share of requests', axis: { format: '%' } },
      color: { field: 'variant', type: 'nominal', title: 'planner', scale: plannerColours(variants) },
    },
  };
}
