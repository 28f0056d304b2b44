import { mean, quantile } from '../core/stats.js';
import type { RequestOutcome } from './load-simulation.js';

/**
 * The metrics of one load point, from its requests' outcomes. Method (also in `experiments/load/README.md`):
 *
 * - Warm-up: the first `warmupFraction` of the requests by arrival (default 10 %) are left out of every figure but
 *   the totals of work and cost, so a cold platform at the start does not weigh on latency and throughput.
 * - Latency is arrival → result of completed requests (a request that timed out but completed later counts with its
 *   real latency in the percentiles, and as timed out in the counts). Percentiles use the toolkit's quantile
 *   definition (`core/stats.ts`: linear interpolation between order statistics, Hyndman & Fan type 7), so a p99 over
 *   fewer than 100 requests interpolates between the two largest.
 * - Throughput is measured requests completed per second of the measurement window: from the first measured arrival
 *   to the last measured result. Under overload the window stretches and throughput levels off at what the platform
 *   sustains.
 * - SLA attainment is the share of measured requests that completed within their workflow's SLA latency (a failed or
 *   timed-out request misses it).
 */

/** The metrics of one load point. */
export interface LoadMetrics {
  readonly arrived: number;
  /** Requests after the warm-up, which every figure below but the totals is about. */
  readonly measured: number;
  readonly completed: number;
  readonly failed: number;
  readonly timedOut: number;
  readonly unfinished: number;
  readonly throughputPerS: number;
  readonly latencyMeanMs: number;
  readonly latencyP50Ms: number;
  readonly latencyP95Ms: number;
  readonly latencyP99Ms: number;
  readonly latencyMaxMs: number;
  /** Arrival to the first worker's slot and environment, median and p99. */
  readonly queueP50Ms: number;
  readonly queueP99Ms: number;
  /** Share of measured requests that met their SLA, 0–1. */
  readonly slaAttainment: number;
  /** Totals over every request (warm-up included): all of it was paid for. */
  readonly gbSeconds: number;
  readonly costUsd: number;
  /** USD per 1,000 requests (every request). */
  readonly costPer1000Usd: number;
  /** Cold starts over invocations (every request). */
  readonly coldStartShare: number;
}

/** Share of requests left out as warm-up by default. */
export const DEFAULT_WARMUP_FRACTION = 0.1;

/** Computes a load point's metrics (see the module's doc for the method). */
export function loadMetrics(requests: readonly RequestOutcome[], warmupFraction = DEFAULT_WARMUP_FRACTION): LoadMetrics {
  if (!(warmupFraction >= 0 && warmupFraction < 1)) throw new RangeError(`warmupFraction must be in [0, 1), got ${warmupFraction}`);
  const byArrival = [...requests].sort((a, b) => a.index - b.index);
  const measured = byArrival.slice(Math.floor(byArrival.length * warmupFraction));
  const latencies: number[] = [];
  const queues: number[] = [];
  let completed = 0;
  let failed = 0;
  let timedOut = 0;
  let unfinished = 0;
  let slaMet = 0;
  let lastResultMs = -Infinity;
  for (const r of measured) {
    if (r.status === 'completed') completed++;
    else if (r.status === 'failed') failed++;
    else if (r.status === 'timed-out') timedOut++;
    else unfinished++;
    if (r.slaMet) slaMet++;
    if (r.latencyMs !== undefined) {
      latencies.push(r.latencyMs);
      lastResultMs = Math.max(lastResultMs, r.arrivalMs + r.latencyMs);
    }
    if (r.queueMs !== undefined) queues.push(r.queueMs);
  }
  let gbSeconds = 0;
  let costUsd = 0;
  let invocations = 0;
  let coldStarts = 0;
  for (const r of requests) {
    gbSeconds += r.gbSeconds;
    costUsd += r.costUsd;
    invocations += r.invocations;
    coldStarts += r.coldStarts;
  }
  const windowMs = measured.length > 0 && lastResultMs > -Infinity ? lastResultMs - measured[0]!.arrivalMs : 0;
  const q = (values: number[], p: number) => (values.length === 0 ? Number.NaN : quantile(values, p));
  return {
    arrived: requests.length,
    measured: measured.length,
    completed,
    failed,
    timedOut,
    unfinished,
    throughputPerS: windowMs > 0 ? (completed * 1000) / windowMs : Number.NaN,
    latencyMeanMs: mean(latencies),
    latencyP50Ms: q(latencies, 0.5),
    latencyP95Ms: q(latencies, 0.95),
    latencyP99Ms: q(latencies, 0.99),
    latencyMaxMs: latencies.length === 0 ? Number.NaN : Math.max(...latencies),
    queueP50Ms: q(queues, 0.5),
    queueP99Ms: q(queues, 0.99),
    slaAttainment: measured.length === 0 ? Number.NaN : slaMet / measured.length,
    gbSeconds,
    costUsd,
    costPer1000Usd: requests.length === 0 ? Number.NaN : (costUsd * 1000) / requests.length,
    coldStartShare: invocations === 0 ? Number.NaN : coldStarts / invocations,
  };
}

/**
 * The sustainable throughput of a sweep: the highest offered load whose p99 latency stays within `p99BoundMs`
 * (and that completed at least one request), or undefined when none does.
 */
export function sustainableThroughput(points: readonly { readonly offeredPerS: number; readonly metrics: LoadMetrics }[], p99BoundMs: number): number | undefined {
  let best: number | undefined;
  for (const { offeredPerS, metrics } of points) {
    if (metrics.completed > 0 && metrics.latencyP99Ms <= p99BoundMs && (best === undefined || offeredPerS > best)) best = offeredPerS;
  }
  return best;
}
