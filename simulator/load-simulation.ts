import type { DispatchBelief, DispatchQueueOptions } from '../core/dispatch/index.js';
import { MAX_PRIORITY_CLASS } from '../core/dispatch/index.js';
import { ConfigError } from '../core/errors.js';
import type { Plan } from '../core/plan.js';
import { rngFor, type Seed } from '../core/random.js';
import { createSchedulerContext, type SchedulerContext, type SchedulerParams } from '../core/scheduler/index.js';
import type { TraceRecord } from '../core/trace-records.js';
import type { Workflow } from '../core/workflow.js';
import { checkArrivals, nextGapMs, type ArrivalPattern } from './arrivals.js';
import type { DurationSource } from './duration-sources.js';
import { SimEngine, type EventOwner } from './engine.js';
import { PlatformState } from './platform-state.js';
import type { PlatformModel } from './platform-model.js';
import { createWorkflowRun, type WorkflowRun } from './workflow-run.js';

/**
 * Many workflow requests on one simulated platform: requests of a mix of workflows arrive by an arrival pattern
 * (`arrivals.ts`), each is one `WorkflowRun` of its workflow's plan (planned once, reused by every request, as
 * FaaSFlow reuses its partitions) on one engine and one `PlatformState`, so they share the account's slots, the warm
 * environments, the scaling tokens and the storage server. Each request draws its own truth (`truth(k)` for the k-th
 * request of its workflow) and its own platform noise (seed `requestSeed(seed, i)`), so request i's world does not
 * depend on what else runs, only how the platform treats it does.
 *
 * Memory stays bounded by what is under way: a run is dropped when it has drained (its last worker shut down after
 * the result), keeping a small outcome per request; trace records are kept only when asked (`keepRecords`).
 */

/** One workflow of the mix. */
export interface LoadWorkflow {
  readonly name: string;
  readonly workflow: Workflow;
  /** The plan every request of this workflow runs. */
  readonly plan: Plan;
  /** Relative share of the requests (open and closed loops draw the workflow of each request by weight). */
  readonly weight: number;
  /** The truth of the k-th request of this workflow (k from 0). */
  readonly truth: (k: number) => DurationSource;
  /** Latency within which a request meets its SLA. */
  readonly slaMs: number;
  /** Priority class of its requests under a `priority` dispatch strategy (0, the default, goes first). */
  readonly priorityClass?: number;
  /** What a dispatch strategy believes of the plan (`dispatchBelief`); needed when `LoadOptions.dispatch` is set. */
  readonly dispatchBelief?: DispatchBelief;
}

/** Options of `simulateLoad`. */
export interface LoadOptions {
  readonly platform: PlatformModel;
  readonly mix: readonly LoadWorkflow[];
  readonly arrivals: ArrivalPattern;
  /** Stop sending after this many requests (a trace pattern sends its own). */
  readonly requests?: number;
  /** Stop sending requests after this much time (ms). */
  readonly durationMs?: number;
  readonly seed: Seed;
  /** A request that has no result this long after it arrived counts as timed out (its work and cost still count). */
  readonly timeoutMs?: number;
  /** Concurrency is sampled this often (default 1,000 ms). */
  readonly sampleEveryMs?: number;
  /** Keep each request's trace records (one run per request; default false). */
  readonly keepRecords?: boolean;
  readonly latencyNoise?: boolean;
  readonly schedulerParams?: Partial<SchedulerParams>;
  /** The order in which invocations that wait for a slot get one (`core/dispatch`); default first come, first served. */
  readonly dispatch?: DispatchQueueOptions;
}

/** What happened to one request. */
export interface RequestOutcome {
  /** Arrival order, from 0. */
  readonly index: number;
  readonly workflow: string;
  readonly arrivalMs: number;
  /** `timed-out` when it had no result within the timeout, whether it completed later or not. */
  readonly status: 'completed' | 'failed' | 'timed-out' | 'unfinished';
  /** Arrival to result (completed requests, also when they timed out); undefined when none came. */
  readonly latencyMs: number | undefined;
  /** Arrival until its first worker got a slot and an environment. */
  readonly queueMs: number | undefined;
  readonly slaMet: boolean;
  readonly gbSeconds: number;
  readonly costUsd: number;
  readonly invocations: number;
  readonly coldStarts: number;
}

/** A sample of the shared platform. */
export interface ConcurrencySample {
  readonly atMs: number;
  /** Invocations holding a slot. */
  readonly liveInvocations: number;
  /** Invocations waiting for a slot. */
  readonly waitingInvocations: number;
  /** Throttles so far (an invocation that found no slot or no scaling token). */
  readonly throttles: number;
  /** Requests arrived and not yet ended. */
  readonly requestsInFlight: number;
}

/** The result of a load simulation. */
export interface LoadResult {
  /** One per request, in arrival order. */
  readonly requests: readonly RequestOutcome[];
  readonly series: readonly ConcurrencySample[];
  /** Per request (arrival order), its trace records, when `keepRecords`. */
  readonly records?: readonly (readonly TraceRecord[])[];
  /** When the last event happened. */
  readonly endMs: number;
  readonly events: number;
  readonly peakLiveInvocations: number;
  readonly throttles: number;
  /** Most transfers the storage server carried at once. */
  readonly peakTransfers: number;
  /** Longest time an invocation waited for a slot (the dispatch strategy's worst starvation). */
  readonly maxSlotWaitMs: number;
  /** Invocations the dispatch strategy refused (their requests failed). */
  readonly refusedInvocations: number;
}

/** Idle stretches longer than this many sampling intervals are not sampled through (`simulateLoad`'s sampler). */
const IDLE_SKIP_SAMPLES = 1000;

/** The platform seed of request `index` in a load simulation seeded `seed`. */
export function requestSeed(seed: Seed, index: number): string {
  return `${String(seed)}/request/${index}`;
}

type DriverEvent =
  | { readonly owner: EventOwner<DriverEvent>; readonly kind: 'arrival' }
  | { readonly owner: EventOwner<DriverEvent>; readonly kind: 'client'; readonly client: number }
  | { readonly owner: EventOwner<DriverEvent>; readonly kind: 'timeout'; readonly index: number }
  | { readonly owner: EventOwner<DriverEvent>; readonly kind: 'sample' };

interface InFlight {
  readonly index: number;
  readonly entry: LoadWorkflow;
  readonly arrivalMs: number;
  readonly client: number | undefined;
  run: WorkflowRun;
  ended: boolean;
  clientReleased: boolean;
}

/** Runs a load simulation (see the module's doc). Deterministic for a given seed. */
export function simulateLoad(options: LoadOptions): LoadResult {
  const { platform, mix, arrivals } = options;
  checkLoadOptions(options);
  const engine = new SimEngine();
  const platformState = new PlatformState(engine, platform, options.dispatch);
  const mixRng = rngFor(options.seed, 'load/mix');
  const gapRng = rngFor(options.seed, 'load/arrivals');
  const byName = new Map(mix.map((entry) => [entry.name, entry]));
  const totalWeight = mix.reduce((sum, entry) => sum + entry.weight, 0);
  const perWorkflow = new Map<string, number>();
  const maxRequests = arrivals.kind === 'trace' ? arrivals.arrivals.length : (options.requests ?? Infinity);
  const stopSendingAtMs = options.durationMs ?? Infinity;
  const sampleEveryMs = options.sampleEveryMs ?? 1000;

  const contexts = new Map<LoadWorkflow, SchedulerContext>();
  const contextOf = (entry: LoadWorkflow): SchedulerContext => {
    let ctx = contexts.get(entry);
    if (!ctx) contexts.set(entry, (ctx = createSchedulerContext(entry.workflow, entry.plan, options.schedulerParams)));
    return ctx;
  };
  const outcomes: RequestOutcome[] = [];
  const records: (readonly TraceRecord[])[] = [];
  const inFlight = new Map<number, InFlight>();
  const series: ConcurrencySample[] = [];
  let sent = 0;
  let endedCount = 0;
  let sending = true;

  const pick = (): LoadWorkflow => {
    if (mix.length === 1) return mix[0]!;
    let u = mixRng.next() * totalWeight;
    for (const entry of mix) {
      u -= entry.weight;
      if (u < 0) return entry;
    }
    return mix[mix.length - 1]!;
  };

  const canSend = () => sending && sent < maxRequests && engine.nowMs < stopSendingAtMs;

  const send = (entry: LoadWorkflow, client: number | undefined) => {
    const index = sent++;
    const k = perWorkflow.get(entry.name) ?? 0;
    perWorkflow.set(entry.name, k + 1);
    const request: InFlight = { index, entry, arrivalMs: engine.nowMs, client, run: undefined as unknown as WorkflowRun, ended: false, clientReleased: false };
    inFlight.set(index, request);
    request.run = createWorkflowRun(
      engine,
      platformState,
      entry.workflow,
      entry.plan,
      {
        platform,
        durations: entry.truth(k),
        seed: requestSeed(options.seed, index),
        runId: `${entry.name}-request-${index}`,
        ...(options.latencyNoise !== undefined ? { latencyNoise: options.latencyNoise } : {}),
        ...(options.schedulerParams ? { schedulerParams: options.schedulerParams } : {}),
      },
      {
        ended: () => {
          request.ended = true;
          endedCount++;
          releaseClient(request);
        },
        drained: (run) => finish(request, run),
        context: contextOf(entry),
        ...(options.dispatch
          ? {
              dispatch: {
                requestId: `${entry.name}-request-${index}`,
                workflow: entry.name,
                arrivalMs: request.arrivalMs,
                priorityClass: entry.priorityClass ?? 0,
                slaMs: entry.slaMs,
                belief: entry.dispatchBelief!,
              },
            }
          : {}),
      },
    );
    if (options.timeoutMs !== undefined && client !== undefined) engine.after(options.timeoutMs, { owner: driver, kind: 'timeout', index });
    request.run.start();
  };

  // A closed-loop client sends its next request after its last one ended or timed out, and a think time.
  const releaseClient = (request: InFlight) => {
    if (request.client === undefined || request.clientReleased) return;
    request.clientReleased = true;
    if (canSend()) engine.after(closedThinkMs(), { owner: driver, kind: 'client', client: request.client });
  };
  const closedThinkMs = () => (arrivals.kind === 'closed' ? arrivals.thinkMs : 0);

  const finish = (request: InFlight, run: WorkflowRun) => {
    if (!inFlight.delete(request.index)) return;
    const usage = run.usage();
    const latencyMs = usage.status === 'completed' ? usage.endedAtMs! - request.arrivalMs : undefined;
    const timedOut = options.timeoutMs !== undefined && (latencyMs === undefined ? usage.status !== 'failed' : latencyMs > options.timeoutMs);
    outcomes.push({
      index: request.index,
      workflow: request.entry.name,
      arrivalMs: request.arrivalMs,
      status: timedOut ? 'timed-out' : usage.status,
      latencyMs,
      queueMs: usage.firstInvokedAtMs === undefined ? undefined : usage.firstInvokedAtMs - request.arrivalMs,
      slaMet: usage.status === 'completed' && !timedOut && latencyMs! <= request.entry.slaMs,
      gbSeconds: usage.gbSeconds,
      costUsd: usage.totalUsd,
      invocations: usage.invocations,
      coldStarts: usage.coldStarts,
    });
    if (options.keepRecords) records[request.index] = run.result().records;
    platformState.recordRequestOutcome(outcomes[outcomes.length - 1]!.slaMet);
  };

  // Through a long idle stretch (nothing in flight and the next event far off: a trace of arrivals with a gap of
  // hours) every sample would read the same; the sampler jumps, on its grid, to just before the next event instead of
  // taking millions of them. Only gaps of more than IDLE_SKIP_SAMPLES samples are skipped, so ordinary series keep
  // every sample.
  const nextSampleInMs = () => {
    const gapMs = (engine.nextEventMs ?? engine.nowMs) - engine.nowMs;
    if (inFlight.size > 0 || gapMs <= IDLE_SKIP_SAMPLES * sampleEveryMs) return sampleEveryMs;
    return Math.floor(gapMs / sampleEveryMs) * sampleEveryMs;
  };

  const sample = () =>
    series.push({
      atMs: engine.nowMs,
      liveInvocations: platformState.liveInvocations,
      waitingInvocations: platformState.waitingInvocations,
      throttles: platformState.throttles,
      requestsInFlight: sent - endedCount,
    });

  const driver: EventOwner<DriverEvent> = {
    handle(event) {
      switch (event.kind) {
        case 'arrival': {
          if (!canSend()) return;
          if (arrivals.kind === 'trace') {
            const arrival = arrivals.arrivals[sent]!;
            send(byName.get(arrival.workflow)!, undefined);
            const next = arrivals.arrivals[sent];
            if (next) engine.at(next.timeMs, { owner: driver, kind: 'arrival' });
            return;
          }
          send(pick(), undefined);
          if (canSend()) engine.after(nextGapMs(arrivals, sent, gapRng), { owner: driver, kind: 'arrival' });
          return;
        }
        case 'client':
          if (canSend()) send(pick(), event.client);
          return;
        case 'timeout': {
          const request = inFlight.get(event.index);
          if (request && !request.ended) releaseClient(request);
          return;
        }
        case 'sample':
          sample();
          // Only while something else can still happen: requests that wait forever (a plan whose workers hold every
          // slot while their producers queue behind them) must not keep the clock running on samples alone.
          if (engine.pending > 0) engine.after(nextSampleInMs(), { owner: driver, kind: 'sample' });
          return;
      }
    },
  };

  engine.at(0, { owner: driver, kind: 'sample' });
  if (arrivals.kind === 'closed') {
    for (let client = 0; client < arrivals.clients; client++) engine.at(0, { owner: driver, kind: 'client', client });
  } else if (arrivals.kind === 'trace') {
    engine.at(arrivals.arrivals[0]!.timeMs, { owner: driver, kind: 'arrival' });
  } else {
    engine.after(nextGapMs(arrivals, 0, gapRng), { owner: driver, kind: 'arrival' });
  }
  // Sending stops by count or time; the simulation runs on until every request has drained.
  engine.run(() => {
    if (sending && !canSend()) sending = false;
    return !sending && inFlight.size === 0;
  });
  if (!sending && inFlight.size === 0) sample();
  // Requests still under way when the engine ran dry (a plan that never completes): unfinished.
  for (const request of [...inFlight.values()]) finish(request, request.run);
  outcomes.sort((a, b) => a.index - b.index);
  return {
    requests: outcomes,
    series,
    ...(options.keepRecords ? { records } : {}),
    endMs: engine.nowMs,
    events: engine.processed,
    peakLiveInvocations: platformState.peakLiveInvocations,
    throttles: platformState.throttles,
    peakTransfers: platformState.bandwidth.peakActive,
    maxSlotWaitMs: platformState.maxSlotWaitMs,
    refusedInvocations: platformState.refusedInvocations,
  };
}

function checkLoadOptions(options: LoadOptions): void {
  if (options.mix.length === 0) throw new ConfigError('the load mix has no workflows');
  const names = new Set<string>();
  for (const entry of options.mix) {
    if (names.has(entry.name)) throw new ConfigError(`workflow '${entry.name}' is twice in the load mix`);
    names.add(entry.name);
    if (!(Number.isFinite(entry.weight) && entry.weight >= 0)) throw new ConfigError(`the weight of '${entry.name}' in the load mix must be a number >= 0, got ${entry.weight}`);
    if (entry.priorityClass !== undefined && !(Number.isInteger(entry.priorityClass) && entry.priorityClass >= 0 && entry.priorityClass <= MAX_PRIORITY_CLASS)) {
      throw new ConfigError(`the priority class of '${entry.name}' in the load mix must be a whole number from 0 to ${MAX_PRIORITY_CLASS}, got ${entry.priorityClass}`);
    }
    if (options.dispatch && !entry.dispatchBelief) {
      throw new ConfigError(`dispatch strategy '${options.dispatch.strategy.name}': workflow '${entry.name}' in the load mix has no dispatch belief (its plan's estimate and predictions)`);
    }
  }
  if (!(options.mix.reduce((sum, e) => sum + e.weight, 0) > 0)) throw new ConfigError('the weights of the load mix must sum to a positive number');
  checkArrivals(options.arrivals);
  if (options.arrivals.kind === 'trace') {
    for (const [i, a] of options.arrivals.arrivals.entries()) {
      if (!names.has(a.workflow)) throw new ConfigError(`arrival ${i + 1}: unknown workflow '${a.workflow}' (the mix has: ${[...names].join(', ')})`);
    }
  } else if (options.requests === undefined && options.durationMs === undefined) {
    throw new ConfigError('a load simulation needs a number of requests or a duration');
  }
  if (options.requests !== undefined && !(Number.isInteger(options.requests) && options.requests >= 1)) {
    throw new ConfigError(`the number of requests must be a whole number >= 1, got ${options.requests}`);
  }
  if (options.durationMs !== undefined && !(Number.isFinite(options.durationMs) && options.durationMs > 0)) {
    throw new ConfigError(`the duration must be a number of ms > 0, got ${options.durationMs}`);
  }
  if (options.timeoutMs !== undefined && !(Number.isFinite(options.timeoutMs) && options.timeoutMs > 0)) {
    throw new ConfigError(`the request timeout must be a number of ms > 0, got ${options.timeoutMs}`);
  }
  if (options.sampleEveryMs !== undefined && !(Number.isFinite(options.sampleEveryMs) && options.sampleEveryMs > 0)) {
    throw new ConfigError(`the sampling interval must be a number of ms > 0, got ${options.sampleEveryMs}`);
  }
  if (!(options.platform.concurrency.accountLimit >= 1)) throw new ConfigError(`the concurrency limit must be >= 1, got ${options.platform.concurrency.accountLimit}`);
}
