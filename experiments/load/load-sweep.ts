import type { DispatchQueueOptions } from '../../core/dispatch/index.js';
import type { Seed } from '../../core/random.js';
import { formatArrivals, offeredPerS, type ArrivalPattern } from '../../simulator/arrivals.js';
import { DEFAULT_WARMUP_FRACTION, loadMetrics, sustainableThroughput, type LoadMetrics } from '../../simulator/load-metrics.js';
import { simulateLoad, type ConcurrencySample } from '../../simulator/load-simulation.js';
import type { TraceRecord } from '../../core/trace-records.js';
import type { CompareMatrix } from '../compare/matrix.js';
import { toolkitVersion } from '../compare/version.js';
import { planLoadMixes, type LoadMixOptions } from './load-mix.js';

/**
 * A load sweep: every planner variant's mix (`load-mix.ts`) under every offered load, one load simulation each, all
 * from one seed (every point draws the same requests' truths: request i of a workload sees the same world at every
 * load and under every planner, so differences between points are the load's and the plans').
 */

/** What a sweep runs. */
export interface LoadSweepSpec {
  readonly matrix: CompareMatrix;
  readonly loads: readonly ArrivalPattern[];
  readonly requests?: number;
  readonly durationMs?: number;
  readonly timeoutMs?: number;
  readonly warmupFraction?: number;
  /** p99 bound of the sustainable throughput (default: twice the p99 at the lightest load, per variant). */
  readonly p99BoundMs?: number;
  readonly sampleEveryMs?: number;
  readonly mix?: LoadMixOptions;
  /**
   * Dispatch strategies to compare (`core/dispatch`): each variant runs under each; a point's variant label is then
   * `<variant> · <strategy>`. Without them the platform queue is FIFO and labels are the variants'.
   */
  readonly dispatch?: readonly DispatchQueueOptions[];
  /** Keep every request's trace records (for `--trace-out`). */
  readonly keepRecords?: boolean;
  readonly onProgress?: (done: number, total: number, what: string) => void;
}

/** One point of a sweep: a variant under one offered load. */
export interface LoadPoint {
  readonly variant: string;
  readonly planner: string;
  /** The dispatch strategy, when the sweep compares strategies. */
  readonly dispatch?: string;
  readonly load: string;
  /** Requests per second offered (undefined for a closed loop). */
  readonly offeredPerS: number | null;
  readonly metrics: LoadMetrics;
  /** Latency of every measured completed request, in arrival order (ms, to the µs): for CDFs and other statistics. */
  readonly latenciesMs: readonly number[];
  readonly peakLiveInvocations: number;
  readonly throttles: number;
  /** Longest any invocation waited for a slot (the strategy's worst starvation), ms; simulated points. */
  readonly maxSlotWaitMs?: number;
  /** Invocations the dispatch strategy refused (their requests failed); simulated points. */
  readonly refusedInvocations?: number;
  readonly series: readonly ConcurrencySample[];
  readonly simulatedMs: number;
  readonly wallMs: number;
}

/** The results of a sweep. */
export interface LoadResults {
  readonly toolkit: { readonly name: string; readonly version: string };
  readonly seed: Seed;
  readonly platform: string;
  /** The platform's account concurrency limit. */
  readonly accountLimit: number;
  readonly workloads: readonly string[];
  readonly requests: number | null;
  readonly durationMs: number | null;
  readonly warmupFraction: number;
  readonly points: readonly LoadPoint[];
  /** Per variant: the sustainable throughput (req/s) and the p99 bound it was judged by. */
  readonly sustainable: readonly { readonly variant: string; readonly p99BoundMs: number; readonly throughputPerS: number | null }[];
  /** Per variant and workload: the plan's estimated makespan, which SLA latencies derive from. */
  readonly estimatedMakespanMs: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/** Runs a load sweep; with `keepRecords`, also returns each point's requests' records. */
export async function runLoadSweep(spec: LoadSweepSpec): Promise<{ results: LoadResults; records: Map<string, readonly (readonly TraceRecord[])[]> }> {
  const mixOptions = spec.dispatch && spec.dispatch.length > 0 ? { ...spec.mix, withDispatchBelief: true } : spec.mix;
  const { platform, variants: planned } = await planLoadMixes(spec.matrix, mixOptions);
  const dispatches: readonly (DispatchQueueOptions | undefined)[] = spec.dispatch && spec.dispatch.length > 0 ? spec.dispatch : [undefined];
  const variants = planned.flatMap((variant) =>
    dispatches.map((dispatch) => ({ ...variant, dispatch, label: dispatch ? `${variant.label} · ${dispatch.strategy.name}` : variant.label })),
  );
  const warmupFraction = spec.warmupFraction ?? DEFAULT_WARMUP_FRACTION;
  const total = variants.length * spec.loads.length;
  const points: LoadPoint[] = [];
  const records = new Map<string, readonly (readonly TraceRecord[])[]>();
  let done = 0;
  for (const variant of variants) {
    for (const arrivals of spec.loads) {
      const label = formatArrivals(arrivals);
      spec.onProgress?.(done, total, `${variant.label} at ${label}`);
      const startMs = performance.now();
      const result = simulateLoad({
        platform,
        mix: variant.mix,
        arrivals,
        seed: spec.matrix.seed,
        ...(spec.requests !== undefined ? { requests: spec.requests } : {}),
        ...(spec.durationMs !== undefined ? { durationMs: spec.durationMs } : {}),
        ...(spec.timeoutMs !== undefined ? { timeoutMs: spec.timeoutMs } : {}),
        ...(spec.sampleEveryMs !== undefined ? { sampleEveryMs: spec.sampleEveryMs } : {}),
        ...(spec.keepRecords ? { keepRecords: true } : {}),
        ...(variant.dispatch ? { dispatch: variant.dispatch } : {}),
      });
      if (result.records) records.set(`${variant.label}@${label}`, result.records);
      points.push({
        variant: variant.label,
        planner: variant.planner,
        ...(variant.dispatch ? { dispatch: variant.dispatch.strategy.name } : {}),
        load: label,
        offeredPerS: offeredPerS(arrivals) ?? null,
        metrics: loadMetrics(result.requests, warmupFraction),
        latenciesMs: result.requests
          .slice(Math.floor(result.requests.length * warmupFraction))
          .flatMap((r) => (r.latencyMs === undefined ? [] : [Math.round(r.latencyMs * 1000) / 1000])),
        peakLiveInvocations: result.peakLiveInvocations,
        throttles: result.throttles,
        maxSlotWaitMs: Math.round(result.maxSlotWaitMs * 1000) / 1000,
        refusedInvocations: result.refusedInvocations,
        series: result.series,
        simulatedMs: result.endMs,
        wallMs: performance.now() - startMs,
      });
      done++;
    }
  }
  spec.onProgress?.(done, total, 'done');
  const sustainable = variants.map((variant) => {
    const mine = points.filter((p) => p.variant === variant.label && p.offeredPerS !== null);
    const lightest = [...mine].sort((a, b) => a.offeredPerS! - b.offeredPerS!)[0];
    const p99BoundMs = spec.p99BoundMs ?? (lightest ? 2 * lightest.metrics.latencyP99Ms : Number.NaN);
    const throughputPerS = sustainableThroughput(mine.map((p) => ({ offeredPerS: p.offeredPerS!, metrics: p.metrics })), p99BoundMs);
    return { variant: variant.label, p99BoundMs, throughputPerS: throughputPerS ?? null };
  });
  return {
    results: {
      toolkit: toolkitVersion(),
      seed: spec.matrix.seed,
      platform: spec.matrix.platform,
      accountLimit: platform.concurrency.accountLimit,
      workloads: spec.matrix.workloads.map((w) => w.name),
      requests: spec.requests ?? null,
      durationMs: spec.durationMs ?? null,
      warmupFraction,
      points,
      sustainable,
      estimatedMakespanMs: Object.fromEntries(variants.map((v) => [v.label, v.estimatedMakespanMs])),
    },
    records,
  };
}
