import type { Seed } from '../../core/random.js';
import type { ArrivalPattern } from '../../simulator/arrivals.js';
import { DEFAULT_WARMUP_FRACTION, sustainableThroughput, type LoadMetrics } from '../../simulator/load-metrics.js';
import type { ConcurrencySample } from '../../simulator/load-simulation.js';
import type { TraceRecord } from '../../core/trace-records.js';
import type { CompareMatrix } from '../compare/matrix.js';
import { toolkitVersion } from '../compare/version.js';
import type { LoadMixOptions } from './load-mix.js';
import { loadCellName, loadSweepCells, type DispatchSpec, type LoadCell, type LoadCellResult, type LoadSweepPlan } from './load-cell.js';
import type { CellExecutor } from '../cells/executor.js';
import { inProcessExecutor } from '../cells/in-process.js';

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
   * Dispatch strategies to compare (`core/dispatch`, by built-in name or module path): each variant runs under each; a
   * point's variant label is then `<variant> · <strategy>`. Without them the platform queue is FIFO and labels are the
   * variants'.
   */
  readonly dispatch?: readonly DispatchSpec[];
  /** Keep every request's trace records (for `--trace-out`). */
  readonly keepRecords?: boolean;
  /** Called after each point (cell) with the count done. */
  readonly onProgress?: (done: number, total: number, what: string) => void;
  /** Where the cells run (default: one after another in this process). */
  readonly executor?: CellExecutor;
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

/**
 * Runs a load sweep as independent cells (`load-cell.ts`: one per variant, dispatch strategy and offered load), on the
 * executor given (default: one after another in this process; a worker-thread pool or a queue give the same points
 * but for `wallMs`), merged in sweep order. With `keepRecords`, also returns each point's requests' records.
 */
export async function runLoadSweep(spec: LoadSweepSpec): Promise<{ results: LoadResults; records: Map<string, readonly (readonly TraceRecord[])[]> }> {
  const warmupFraction = spec.warmupFraction ?? DEFAULT_WARMUP_FRACTION;
  const { workflowSources, onWarning, ...mixPlain } = spec.mix ?? {};
  const plan: LoadSweepPlan = {
    matrix: spec.matrix,
    loads: spec.loads,
    ...(spec.requests !== undefined ? { requests: spec.requests } : {}),
    ...(spec.durationMs !== undefined ? { durationMs: spec.durationMs } : {}),
    ...(spec.timeoutMs !== undefined ? { timeoutMs: spec.timeoutMs } : {}),
    ...(spec.sampleEveryMs !== undefined ? { sampleEveryMs: spec.sampleEveryMs } : {}),
    warmupFraction,
    keepRecords: spec.keepRecords ?? false,
    mix: {
      ...(mixPlain.slaFactor !== undefined ? { slaFactor: mixPlain.slaFactor } : {}),
      ...(mixPlain.slaMs !== undefined ? { slaMs: mixPlain.slaMs } : {}),
      ...(mixPlain.weights !== undefined ? { weights: mixPlain.weights } : {}),
      ...(mixPlain.priorityClasses !== undefined ? { priorityClasses: mixPlain.priorityClasses } : {}),
    },
    ...(spec.dispatch && spec.dispatch.length > 0 ? { dispatch: spec.dispatch } : {}),
  };
  const cells = loadSweepCells(plan);
  const executor = spec.executor ?? inProcessExecutor(workflowSources ? { workflowSources } : {});
  let done = 0;
  const warned = new Set<string>();
  const cellResults = (await executor.run(cells, (index, result) => {
    // Every cell carries the mix's loading warnings: show each once.
    for (const warning of result.warnings) {
      if (!warned.has(warning)) onWarning?.(warning);
      warned.add(warning);
    }
    spec.onProgress?.(++done, cells.length, loadCellName(cells[index]! as LoadCell));
  })) as LoadCellResult[];
  spec.onProgress?.(cells.length, cells.length, 'done');

  const points = cellResults.map((r) => r.point);
  const records = new Map<string, readonly (readonly TraceRecord[])[]>();
  const estimatedMakespanMs: Record<string, Readonly<Record<string, number>>> = {};
  for (const { point, records: pointRecords, estimatedMakespanMs: estimates } of cellResults) {
    if (pointRecords) records.set(`${point.variant}@${point.load}`, pointRecords);
    estimatedMakespanMs[point.variant] ??= estimates;
  }
  const sustainable = Object.keys(estimatedMakespanMs).map((variant) => {
    const mine = points.filter((p) => p.variant === variant && p.offeredPerS !== null);
    const lightest = [...mine].sort((a, b) => a.offeredPerS! - b.offeredPerS!)[0];
    const p99BoundMs = spec.p99BoundMs ?? (lightest ? 2 * lightest.metrics.latencyP99Ms : Number.NaN);
    const throughputPerS = sustainableThroughput(mine.map((p) => ({ offeredPerS: p.offeredPerS!, metrics: p.metrics })), p99BoundMs);
    return { variant, p99BoundMs, throughputPerS: throughputPerS ?? null };
  });
  return {
    results: {
      toolkit: toolkitVersion(),
      seed: spec.matrix.seed,
      platform: spec.matrix.platform,
      accountLimit: cellResults[0]?.accountLimit ?? Number.NaN,
      workloads: spec.matrix.workloads.map((w) => w.name),
      requests: spec.requests ?? null,
      durationMs: spec.durationMs ?? null,
      warmupFraction,
      points,
      sustainable,
      estimatedMakespanMs,
    },
    records,
  };
}
