import { closeRedis, connectRedis } from '../../runtime-lambda/redis/connection.js';
import { scanKeys } from '../../runtime-lambda/redis/storage.js';
import type { OptimizationPassName } from '../../planners/planner.js';
import type { Sla } from '../../core/sla.js';
import type { TraceRecord } from '../../core/trace-records.js';
import { LocalRuntime, planMemorySizesMb } from '../../runtime-lambda/local-runtime.js';
import { formatArrivals, offeredPerS, type ArrivalPattern } from '../../simulator/arrivals.js';
import { DEFAULT_WARMUP_FRACTION, loadMetrics, sustainableThroughput } from '../../simulator/load-metrics.js';
import { DEFAULT_PLATFORM_MODEL } from '../../simulator/platform-defaults.js';
import type { PlatformModel } from '../../simulator/platform-model.js';
import { toolkitVersion } from '../compare/version.js';
import { localWorkload, planLocal, syntheticHistory, type LocalPlan } from '../validate/local-plan.js';
import type { DispatchQueueOptions } from '../../core/dispatch/index.js';
import { DispatchRequests } from '../../runtime-lambda/dispatch/dispatch-requests.js';
import type { LoadPoint, LoadResults } from './load-sweep.js';
import { runRealLoadPoint, type RealLoadWorkflow } from './real-load.js';

/**
 * A load sweep against the real local runtime (`bench run --runtime local` with load options): the mix's workloads
 * planned once each as `bench run` plans them (the `local` instance, the synthetic history unless one is given, the
 * default platform as the estimate), then every offered load run as one real load point (`real-load.ts`) through one
 * gateway whose account concurrency limit is the platform's `accountLimit`. Each point starts with no idle worker
 * process (`reclaimIdle`), as every simulated load point starts on an empty platform. The results have the simulated
 * sweep's shape (`LoadResults`), so the same table, CSV and report writers take them.
 */

/** Account limit of a real load when the platform names none: the local runtime's default (what 2 cores can run). */
export const DEFAULT_LOCAL_ACCOUNT_LIMIT = 64;

/** Label of the real runtime's points in `LoadResults.platform`. */
export const REAL_LOAD_PLATFORM = 'local-gateway';

/** What a real sweep runs. */
export interface RealLoadSweepSpec {
  /** Built-in workload names of the mix (the `local` instances). */
  readonly workloads: readonly string[];
  /** Weight per workload name (default 1 each). */
  readonly weights?: Readonly<Record<string, number>>;
  readonly planner: string;
  readonly optimizations: readonly OptimizationPassName[];
  readonly sla: Sla;
  readonly seed: string;
  readonly loads: readonly ArrivalPattern[];
  readonly requests?: number;
  readonly durationMs?: number;
  readonly timeoutMs?: number;
  readonly warmupFraction?: number;
  readonly p99BoundMs?: number;
  /** SLA latency = the plan's estimated makespan × this (default 1). */
  readonly slaFactor?: number;
  /** An absolute SLA latency instead (ms). */
  readonly slaMs?: number;
  /** Prices and the account limit (`concurrency.accountLimit`, given to the gateway); default the AWS profile with the local limit. */
  readonly platform?: PlatformModel;
  readonly redisUrl?: string;
  readonly keepRecords?: boolean;
  readonly sampleEveryMs?: number;
  /** Per workload, the history to plan from instead of the synthetic one. */
  readonly histories?: ReadonlyMap<string, Parameters<typeof planLocal>[1]>;
  /**
   * Dispatch strategies to compare: each runs every load through a dispatcher in front of the gateway
   * (`runtime-lambda/dispatch/`), its points labelled `<variant> · <strategy>`. Default none: the gateway's FIFO queue.
   */
  readonly dispatch?: readonly DispatchQueueOptions[];
  /** Priority class per workload name, for a `priority` strategy. */
  readonly priorityClasses?: Readonly<Record<string, number>>;
  readonly onProgress?: (done: number, total: number, what: string) => void;
  readonly log?: (message: string) => void;
}

/** A real sweep's results and what is needed to check or simulate it. */
export interface RealLoadSweep {
  readonly results: LoadResults;
  /** Per point (`<variant>@<load>`): every request's records (arrival order), with `keepRecords`. */
  readonly records: Map<string, readonly (readonly TraceRecord[])[]>;
  /** Per point: the arrivals as sent (ms from its start), for simulating the same point. */
  readonly sent: Map<string, readonly { readonly timeMs: number; readonly workflow: string }[]>;
  /** Per point: each request's arrival → submission by the client (ms, `RealLoadResult.submissionMs`). */
  readonly submissionMs: Map<string, readonly number[]>;
  /** Per point: the host's mean 1-minute load average while it ran (`RealLoadResult.hostLoadAverage`). */
  readonly hostLoadAverage: Map<string, number>;
  /** Per point: why its failed requests failed. */
  readonly failures: Map<string, Readonly<Record<number, string>>>;
  /** Keys under `octoplan:` in Redis after the sweep (none expected: every run cleans up after itself). */
  readonly leftoverKeys: readonly string[];
  /** The plan of each workload of the mix. */
  readonly plans: ReadonlyMap<string, LocalPlan>;
  /** The mix as its requests ran it (workflow, plan, weight, SLA latency per workload). */
  readonly mix: readonly RealLoadWorkflow[];
  /** Most late the driver was in sending a request after its arrival time, over every point (ms). */
  readonly maxSendLagMs: number;
}

/** Plans the mix (one plan per workload, reused by every request), as `bench run` plans one workload. */
export async function planRealMix(spec: Pick<RealLoadSweepSpec, 'workloads' | 'weights' | 'planner' | 'optimizations' | 'sla' | 'seed' | 'slaFactor' | 'slaMs' | 'histories' | 'priorityClasses'>): Promise<{ mix: RealLoadWorkflow[]; plans: Map<string, LocalPlan> }> {
  const plans = new Map<string, LocalPlan>();
  const mix: RealLoadWorkflow[] = [];
  for (const name of spec.workloads) {
    const instance = localWorkload(name, spec.seed);
    const history = spec.histories?.get(name) ?? syntheticHistory(instance.workflow.name, instance.params, spec.seed);
    const local = await planLocal(instance.workflow, history, {
      planner: spec.planner,
      optimizations: spec.optimizations,
      sla: spec.sla,
      platform: DEFAULT_PLATFORM_MODEL,
      startupRuns: history,
    });
    plans.set(name, local);
    mix.push({
      name,
      workflow: instance.workflow,
      plan: local.plan,
      staticInputs: instance.staticInputs,
      taskEstimates: local.taskEstimates,
      params: { ...instance.params, seed: spec.seed, role: 'load' },
      weight: spec.weights?.[name] ?? 1,
      slaMs: spec.slaMs ?? local.estimatedMakespanMs * (spec.slaFactor ?? 1),
      dispatchBelief: local.dispatchBelief,
      ...(spec.priorityClasses?.[name] !== undefined ? { priorityClass: spec.priorityClasses[name] } : {}),
    });
  }
  return { mix, plans };
}

/** The account limit and billing platform of a real load: the given platform, else the AWS profile at the local limit. */
export function realLoadPlatform(platform: PlatformModel | undefined): PlatformModel {
  return platform ?? { ...DEFAULT_PLATFORM_MODEL, concurrency: { ...DEFAULT_PLATFORM_MODEL.concurrency, accountLimit: DEFAULT_LOCAL_ACCOUNT_LIMIT } };
}

/** Runs a sweep against the real local runtime (see the module's doc). */
export async function runRealLoadSweep(spec: RealLoadSweepSpec): Promise<RealLoadSweep> {
  const platform = realLoadPlatform(spec.platform);
  const warmupFraction = spec.warmupFraction ?? DEFAULT_WARMUP_FRACTION;
  const { mix, plans } = await planRealMix(spec);
  const planned = `${spec.planner}${spec.optimizations.length > 0 ? `+${spec.optimizations.join('+')}` : ''}`;
  const points: LoadPoint[] = [];
  const records = new Map<string, readonly (readonly TraceRecord[])[]>();
  const sent = new Map<string, readonly { timeMs: number; workflow: string }[]>();
  const failures = new Map<string, Readonly<Record<number, string>>>();
  const submissionMs = new Map<string, readonly number[]>();
  const hostLoadAverage = new Map<string, number>();
  let maxSendLagMs = 0;
  let leftoverKeys: string[] = [];
  const sustainable: LoadResults['sustainable'][number][] = [];
  const dispatches: readonly (DispatchQueueOptions | undefined)[] = spec.dispatch && spec.dispatch.length > 0 ? spec.dispatch : [undefined];
  for (const dispatch of dispatches) {
    const variant = dispatch ? `${planned} · ${dispatch.strategy.name}` : planned;
    const dispatchRequests = dispatch ? new DispatchRequests() : undefined;
    const runtime = await LocalRuntime.start({
      ...(spec.redisUrl ? { redisUrl: spec.redisUrl } : {}),
      concurrencyLimit: platform.concurrency.accountLimit,
      ...(spec.log ? { log: spec.log } : {}),
      ...(dispatch ? { dispatch: { ...dispatch, describe: dispatchRequests!.describe } } : {}),
    });
    const variantPoints: LoadPoint[] = [];
    try {
      // Registered (bundled) before the first point, so no request waits for a bundle.
      await runtime.ensureFunctions(mix.flatMap((entry) => planMemorySizesMb(entry.plan)));
      for (const [i, arrivals] of spec.loads.entries()) {
        const label = formatArrivals(arrivals);
        spec.onProgress?.(i, spec.loads.length, `${variant} at ${label} (real)`);
        // Every point starts with no idle worker process, as a simulated point starts on an empty platform.
        await runtime.reclaimIdle();
        const waitedBefore = runtime.dispatcher?.waited ?? 0;
        const startMs = performance.now();
        const pointStartEpochMs = performance.timeOrigin + startMs;
        const point = await runRealLoadPoint({
          runtime,
          mix,
          arrivals,
          seed: spec.seed,
          platform,
          ...(spec.requests !== undefined ? { requests: spec.requests } : {}),
          ...(spec.durationMs !== undefined ? { durationMs: spec.durationMs } : {}),
          ...(spec.timeoutMs !== undefined ? { timeoutMs: spec.timeoutMs } : {}),
          ...(spec.sampleEveryMs !== undefined ? { sampleEveryMs: spec.sampleEveryMs } : {}),
          ...(spec.keepRecords ? { keepRecords: true } : {}),
          ...(dispatchRequests ? { dispatchRequests } : {}),
          onRequestEnded: (ended) => spec.onProgress?.(i, spec.loads.length, `${variant} at ${label} (real): ${ended} request(s) ended`),
        });
        const key = `${variant}@${label}`;
        if (point.records) records.set(key, point.records);
        sent.set(key, point.sent);
        failures.set(key, point.failures);
        submissionMs.set(key, point.submissionMs);
        hostLoadAverage.set(key, point.hostLoadAverage);
        maxSendLagMs = Math.max(maxSendLagMs, point.maxSendLagMs);
        // With a dispatcher, invocations wait for a slot in its queue, not the gateway's.
        const dispatcherWaitMs = (runtime.dispatcher?.log ?? []).reduce((max, e) => (e.takenAtMs >= pointStartEpochMs ? Math.max(max, e.takenAtMs - e.queuedAtMs) : max), 0);
        variantPoints.push({
          variant,
          planner: spec.planner,
          ...(dispatch ? { dispatch: dispatch.strategy.name } : {}),
          load: label,
          offeredPerS: offeredPerS(arrivals) ?? null,
          metrics: loadMetrics(point.requests, warmupFraction),
          latenciesMs: point.requests.slice(Math.floor(point.requests.length * warmupFraction)).flatMap((r) => (r.latencyMs === undefined ? [] : [r.latencyMs])),
          peakLiveInvocations: point.peakLiveInvocations,
          // With a dispatcher the throttles are its own (invocations that waited in its queue); the gateway behind it
          // also counts a forward that arrives while a worker that released its slot is still returning.
          throttles: runtime.dispatcher ? runtime.dispatcher.waited - waitedBefore : point.throttles,
          maxSlotWaitMs: Math.max(point.maxSlotWaitMs, Math.round(dispatcherWaitMs * 1000) / 1000),
          // The gateway queues every Event invocation it cannot run yet; it refuses none.
          refusedInvocations: 0,
          series: point.series,
          // The measured span of the point: the field the simulated sweep fills with its virtual end time.
          simulatedMs: point.endMs,
          wallMs: performance.now() - startMs,
        });
      }
      spec.onProgress?.(spec.loads.length, spec.loads.length, 'done');
      // The dispatcher's own keys first (its queue is empty by now); every run must have deleted its keys itself.
      await runtime.dispatcher?.clear();
      leftoverKeys = [...leftoverKeys, ...(await octoplanKeys(runtime.redisUrl))];
    } finally {
      await runtime.close();
    }
    points.push(...variantPoints);
    const withRate = variantPoints.filter((p) => p.offeredPerS !== null);
    const lightest = [...withRate].sort((a, b) => a.offeredPerS! - b.offeredPerS!)[0];
    const p99BoundMs = spec.p99BoundMs ?? (lightest ? 2 * lightest.metrics.latencyP99Ms : Number.NaN);
    const throughputPerS = sustainableThroughput(withRate.map((p) => ({ offeredPerS: p.offeredPerS!, metrics: p.metrics })), p99BoundMs);
    sustainable.push({ variant, p99BoundMs, throughputPerS: throughputPerS ?? null });
  }
  const estimated = Object.fromEntries([...plans].map(([name, p]) => [name, p.estimatedMakespanMs]));
  return {
    results: {
      toolkit: toolkitVersion(),
      seed: spec.seed,
      platform: REAL_LOAD_PLATFORM,
      accountLimit: platform.concurrency.accountLimit,
      workloads: [...spec.workloads],
      requests: spec.requests ?? null,
      durationMs: spec.durationMs ?? null,
      warmupFraction,
      points,
      sustainable,
      estimatedMakespanMs: Object.fromEntries(sustainable.map(({ variant }) => [variant, estimated])),
    },
    records,
    sent,
    failures,
    submissionMs,
    hostLoadAverage,
    leftoverKeys,
    plans,
    mix,
    maxSendLagMs,
  };
}

/** Every key of any run in the Redis at `url` (`octoplan:*`). */
export async function octoplanKeys(url: string): Promise<string[]> {
  const redis = await connectRedis(url, 'load/leftover-check');
  try {
    return await scanKeys(redis, 'octoplan:*');
  } finally {
    await closeRedis(redis);
  }
}
