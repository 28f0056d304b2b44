import { loadDispatchStrategy, type DispatchQueueOptions } from '../../core/dispatch/index.js';
import type { TraceRecord } from '../../core/trace-records.js';
import { formatArrivals, offeredPerS, type ArrivalPattern } from '../../simulator/arrivals.js';
import { DEFAULT_WARMUP_FRACTION, loadMetrics } from '../../simulator/load-metrics.js';
import { simulateLoad } from '../../simulator/load-simulation.js';
import type { PlatformModel } from '../../simulator/platform-model.js';
import type { CompareMatrix } from '../compare/matrix.js';
import type { WorkflowSources } from '../compare/workflows.js';
import { planLoadMixes, type LoadVariant } from './load-mix.js';
import type { LoadPoint } from './load-sweep.js';

/** A dispatch strategy as plain data: a built-in name or a module path, and the starvation guard. */
export interface DispatchSpec {
  readonly strategy: string;
  readonly maxWaitMs?: number;
}

/**
 * A load sweep as plain data, as every cell of it carries it: the matrix (its planner variants and workload mix), the
 * offered loads, how many requests, the mix's SLA and weight options and the dispatch strategies by name.
 */
export interface LoadSweepPlan {
  readonly matrix: CompareMatrix;
  readonly loads: readonly ArrivalPattern[];
  readonly requests?: number;
  readonly durationMs?: number;
  readonly timeoutMs?: number;
  readonly sampleEveryMs?: number;
  readonly warmupFraction: number;
  readonly keepRecords: boolean;
  readonly mix: {
    readonly slaFactor?: number;
    readonly slaMs?: number;
    readonly weights?: Readonly<Record<string, number>>;
    readonly priorityClasses?: Readonly<Record<string, number>>;
  };
  /** Strategies compared (each variant under each); absent: the platform's FIFO queue. */
  readonly dispatch?: readonly DispatchSpec[];
}

/** One cell of a load sweep: one planner variant under one dispatch strategy at one offered load. */
export interface LoadCell {
  readonly kind: 'load';
  readonly sweep: LoadSweepPlan;
  readonly variantIndex: number;
  readonly dispatchIndex: number;
  readonly loadIndex: number;
}

/** What a load cell gives back. */
export interface LoadCellResult {
  readonly kind: 'load';
  readonly point: LoadPoint;
  /** Each request's trace records, with `keepRecords`. */
  readonly records?: readonly (readonly TraceRecord[])[];
  /** The variant's plan estimates per workload (the same in every cell of the variant). */
  readonly estimatedMakespanMs: Readonly<Record<string, number>>;
  readonly accountLimit: number;
  /** Loading warnings of the mix (unreadable history lines), the same in every cell; shown once by the caller. */
  readonly warnings: readonly string[];
}

/** What every cell of a sweep shares: the platform, the planned mixes and the loaded dispatch strategies. */
interface LoadContext {
  readonly platform: PlatformModel;
  readonly variants: readonly LoadVariant[];
  readonly dispatches: readonly (DispatchQueueOptions | undefined)[];
  readonly warnings: readonly string[];
}

async function buildLoadContext(sweep: LoadSweepPlan, workflowSources?: WorkflowSources): Promise<LoadContext> {
  const warnings: string[] = [];
  const withDispatch = sweep.dispatch !== undefined && sweep.dispatch.length > 0;
  const { platform, variants } = await planLoadMixes(sweep.matrix, {
    ...sweep.mix,
    ...(withDispatch ? { withDispatchBelief: true } : {}),
    ...(workflowSources ? { workflowSources } : {}),
    onWarning: (line) => warnings.push(line),
  });
  const dispatches: (DispatchQueueOptions | undefined)[] = [];
  for (const spec of withDispatch ? sweep.dispatch! : [undefined]) {
    dispatches.push(spec ? { strategy: await loadDispatchStrategy(spec.strategy), ...(spec.maxWaitMs !== undefined ? { maxWaitMs: spec.maxWaitMs } : {}) } : undefined);
  }
  return { platform, variants, dispatches, warnings };
}

/** Contexts kept per process (per worker thread), keyed by the sweep's JSON; a failed build is not kept. */
const contexts = new Map<string, Promise<LoadContext>>();
const MAX_CACHED_CONTEXTS = 4;

function cachedLoadContext(sweep: LoadSweepPlan, workflowSources?: WorkflowSources): Promise<LoadContext> {
  const key = JSON.stringify(sweep);
  let context = contexts.get(key);
  if (!context) {
    context = buildLoadContext(sweep, workflowSources);
    context.catch(() => contexts.delete(key));
    contexts.set(key, context);
    while (contexts.size > MAX_CACHED_CONTEXTS) contexts.delete(contexts.keys().next().value!);
  }
  return context;
}

/** The cells of a sweep in sweep order: variant, then dispatch strategy, then offered load. */
export function loadSweepCells(sweep: LoadSweepPlan): LoadCell[] {
  const dispatches = Math.max(1, sweep.dispatch?.length ?? 0);
  const cells: LoadCell[] = [];
  for (let variantIndex = 0; variantIndex < sweep.matrix.variants.length; variantIndex++) {
    for (let dispatchIndex = 0; dispatchIndex < dispatches; dispatchIndex++) {
      for (let loadIndex = 0; loadIndex < sweep.loads.length; loadIndex++) cells.push({ kind: 'load', sweep, variantIndex, dispatchIndex, loadIndex });
    }
  }
  return cells;
}

/** The label of a cell's variant: the variant's, with ` · <strategy>` when the sweep compares strategies. */
function variantLabel(cell: LoadCell): string {
  const variant = cell.sweep.matrix.variants[cell.variantIndex]!.label;
  const dispatch = cell.sweep.dispatch?.[cell.dispatchIndex];
  return dispatch ? `${variant} · ${dispatch.strategy}` : variant;
}

/** `uniform at 2/s`: a load cell as progress and errors name it. */
export function loadCellName(cell: LoadCell): string {
  return `${variantLabel(cell)} at ${formatArrivals(cell.sweep.loads[cell.loadIndex]!)}`;
}

/**
 * Runs one load cell: the variant's mix (planned once per process) under the cell's offered load and dispatch
 * strategy, one load simulation from the matrix seed (request i of a workload sees the same world at every load and
 * under every planner, wherever the cell runs).
 */
export async function runLoadCell(cell: LoadCell, workflowSources?: WorkflowSources): Promise<LoadCellResult> {
  const { sweep } = cell;
  const context = await cachedLoadContext(sweep, workflowSources);
  const variant = context.variants[cell.variantIndex]!;
  const dispatch = context.dispatches[cell.dispatchIndex];
  const arrivals = sweep.loads[cell.loadIndex]!;
  const warmupFraction = sweep.warmupFraction ?? DEFAULT_WARMUP_FRACTION;
  const startMs = performance.now();
  const result = simulateLoad({
    platform: context.platform,
    mix: variant.mix,
    arrivals,
    seed: sweep.matrix.seed,
    ...(sweep.requests !== undefined ? { requests: sweep.requests } : {}),
    ...(sweep.durationMs !== undefined ? { durationMs: sweep.durationMs } : {}),
    ...(sweep.timeoutMs !== undefined ? { timeoutMs: sweep.timeoutMs } : {}),
    ...(sweep.sampleEveryMs !== undefined ? { sampleEveryMs: sweep.sampleEveryMs } : {}),
    ...(sweep.keepRecords ? { keepRecords: true } : {}),
    ...(dispatch ? { dispatch } : {}),
  });
  const point: LoadPoint = {
    variant: dispatch ? `${variant.label} · ${dispatch.strategy.name}` : variant.label,
    planner: variant.planner,
    ...(dispatch ? { dispatch: dispatch.strategy.name } : {}),
    load: formatArrivals(arrivals),
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
  };
  return {
    kind: 'load',
    point,
    ...(result.records ? { records: result.records } : {}),
    estimatedMakespanMs: variant.estimatedMakespanMs,
    accountLimit: context.platform.concurrency.accountLimit,
    warnings: context.warnings,
  };
}
