import { loadavg } from 'node:os';
import type { DispatchBelief } from '../../core/dispatch/index.js';
import type { DispatchRequests } from '../../runtime-lambda/dispatch/dispatch-requests.js';
import { ConfigError } from '../../core/errors.js';
import type { Plan } from '../../core/plan.js';
import type { Seed } from '../../core/random.js';
import type { TraceRecord } from '../../core/trace-records.js';
import type { Workflow } from '../../core/workflow.js';
import type { LocalRunResult, LocalRuntime } from '../../runtime-lambda/local-runtime.js';
import type { TaskEstimate } from '../../runtime-lambda/run-config.js';
import { checkArrivals, type ArrivalPattern, type TraceArrival } from '../../simulator/arrivals.js';
import { billRun } from '../../simulator/billing.js';
import type { ConcurrencySample, RequestOutcome } from '../../simulator/load-simulation.js';
import type { PlatformModel } from '../../simulator/platform-model.js';
import { groupRuns } from '../../traces/trace-runs.js';
import { mixPicker, openLoopSchedule } from './arrival-schedule.js';

/**
 * One load point against the real local runtime: requests of a workload mix sent to a `LocalRuntime` at the times
 * an arrival pattern gives (open loop: each request starts at its arrival, whatever the others do; closed loop: N
 * clients, each sending its next request a think time after its last one ended), all running at once through one
 * gateway, one Redis and this machine's cores. Each request's outcome has the load simulation's shape
 * (`RequestOutcome`), so `loadMetrics` and the load table, CSV and report take real points as they take simulated
 * ones. The open-loop schedule comes from the seed (`arrival-schedule.ts`), the same as the simulation's.
 */

/** One workflow of a real load mix: what every request of it runs. */
export interface RealLoadWorkflow {
  readonly name: string;
  readonly workflow: Workflow;
  readonly plan: Plan;
  readonly staticInputs: ReadonlyMap<string, Buffer>;
  /** Planner-side task estimates for the workers' task-dup decisions. */
  readonly taskEstimates?: Readonly<Record<string, TaskEstimate>>;
  /** Header parameters of every request's run (the workload instance's). */
  readonly params?: Readonly<Record<string, string | number | boolean | null>>;
  readonly weight: number;
  /** Latency within which a request meets its SLA (ms). */
  readonly slaMs: number;
  /** What a dispatch strategy believes of the plan, when the runtime has a dispatcher. */
  readonly dispatchBelief?: DispatchBelief;
  /** Priority class of its requests under a `priority` strategy (default 0). */
  readonly priorityClass?: number;
}

/** What `runRealLoadPoint` takes. */
export interface RealLoadOptions {
  readonly runtime: LocalRuntime;
  readonly mix: readonly RealLoadWorkflow[];
  readonly arrivals: ArrivalPattern;
  readonly seed: Seed;
  readonly requests?: number;
  readonly durationMs?: number;
  /** A request without a result this long after it arrived counts as timed out (it still runs to its end). */
  readonly timeoutMs?: number;
  /** Give up on a request (and clean up its keys) after this long; default max(120,000, 2 × timeoutMs) ms. */
  readonly giveUpAfterMs?: number;
  /** Concurrency is sampled this often (ms, default 1,000, as the simulation). */
  readonly sampleEveryMs?: number;
  /** Prices and billing rules of each request's bill (`billRun`). */
  readonly platform: PlatformModel;
  /** Keep every request's trace records (default false). */
  readonly keepRecords?: boolean;
  /** Called as each request ends, with how many have. */
  readonly onRequestEnded?: (ended: number, outcome: RequestOutcome) => void;
  /**
   * The requests the runtime's dispatcher describes its invocations from (`LocalRuntime.start({ dispatch })`): each
   * request is registered under its run id before it starts. Every mix entry needs its `dispatchBelief` then.
   */
  readonly dispatchRequests?: DispatchRequests;
}

/** What one real load point measured. */
export interface RealLoadResult {
  /** One per request, in arrival order. */
  readonly requests: readonly RequestOutcome[];
  /** The arrivals as sent (ms from the start of the point): what a simulation of the same point replays. */
  readonly sent: readonly TraceArrival[];
  readonly series: readonly ConcurrencySample[];
  /** Per request (arrival order), its trace records, when `keepRecords` (none for a failed request). */
  readonly records?: readonly (readonly TraceRecord[])[];
  /** From the start of the point until the last request ended (ms). */
  readonly endMs: number;
  /** Most invocations running at once, as the gateway counted them where a slot is taken. */
  readonly peakLiveInvocations: number;
  /** Invocations that found every slot of the account limit taken and waited in the gateway's queue. */
  readonly throttles: number;
  /** Longest any invocation of the point waited in the gateway's queue for a slot (ms). */
  readonly maxSlotWaitMs: number;
  /** How late the driver started requests after their arrival time (ms, the largest): its own share of the host. */
  readonly maxSendLagMs: number;
  /** Why each failed request failed (its run's error), by request index. */
  readonly failures: Readonly<Record<number, string>>;
  /**
   * Per request (arrival order), arrival → the client's submission of its run (ms; NaN when it failed): the client
   * storing inputs and configuration, which counts in the latency but which no worker record shows.
   */
  readonly submissionMs: readonly number[];
  /**
   * The host's 1-minute load average (runnable processes, ours included), sampled with the concurrency: mean over
   * the point. On a shared machine the other programs' share of it changes the latencies more than the offered load.
   */
  readonly hostLoadAverage: number;
}

const epochNowMs = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Runs one load point against the runtime (see the module's doc). Every request has ended when it resolves. */
export async function runRealLoadPoint(options: RealLoadOptions): Promise<RealLoadResult> {
  const { runtime, mix, arrivals } = options;
  checkArrivals(arrivals);
  const byName = new Map(mix.map((entry) => [entry.name, entry]));
  if (arrivals.kind === 'trace') {
    for (const [i, a] of arrivals.arrivals.entries()) {
      if (!byName.has(a.workflow)) throw new ConfigError(`arrival ${i + 1}: unknown workflow '${a.workflow}' (the mix has: ${[...byName.keys()].join(', ')})`);
    }
  }
  if (options.dispatchRequests) {
    const bare = mix.find((entry) => !entry.dispatchBelief);
    if (bare) throw new ConfigError(`the dispatcher needs a dispatch belief for workflow '${bare.name}' of the load mix`);
  }
  const giveUpAfterMs = options.giveUpAfterMs ?? Math.max(120_000, 2 * (options.timeoutMs ?? 0));
  const sampleEveryMs = options.sampleEveryMs ?? 1000;
  const outcomes: RequestOutcome[] = [];
  const records: (readonly TraceRecord[])[] = [];
  const sent: TraceArrival[] = [];
  const failures: Record<number, string> = {};
  const submissionMs: number[] = [];
  const series: ConcurrencySample[] = [];
  const running: Promise<void>[] = [];
  const perWorkflow = new Map<string, number>();
  let ended = 0;
  let maxSendLagMs = 0;
  let maxSlotWaitMs = 0;

  runtime.gateway.resetConcurrencyStats();
  const startEpochMs = epochNowMs();
  const sinceStartMs = () => epochNowMs() - startEpochMs;
  const loadAverages: number[] = [];
  const sample = () => {
    loadAverages.push(loadavg()[0]!);
    const stats = runtime.gateway.concurrencyStats();
    series.push({
      atMs: Math.round(sinceStartMs()),
      liveInvocations: runtime.gateway.concurrency,
      waitingInvocations: runtime.gateway.queuedAttempts,
      throttles: stats.waited,
      requestsInFlight: sent.length - ended,
    });
  };
  sample();
  const sampler = setInterval(sample, sampleEveryMs);

  /** Sends request `index` now (arrival at `arrivalMs` from the start); resolves when it ended. */
  const send = (entry: RealLoadWorkflow, arrivalMs: number): Promise<void> => {
    const index = sent.length;
    sent.push({ timeMs: arrivalMs, workflow: entry.name });
    const k = perWorkflow.get(entry.name) ?? 0;
    perWorkflow.set(entry.name, k + 1);
    maxSendLagMs = Math.max(maxSendLagMs, sinceStartMs() - arrivalMs);
    const arrivalEpochMs = startEpochMs + arrivalMs;
    const runId = options.dispatchRequests ? `${entry.name}-request-${index}-${Math.round(startEpochMs).toString(36)}` : undefined;
    if (runId !== undefined) {
      options.dispatchRequests!.register(runId, { workflow: entry.name, arrivalEpochMs, slaMs: entry.slaMs, priorityClass: entry.priorityClass ?? 0, belief: entry.dispatchBelief! });
    }
    const run = runtime.runConcurrent({
      ...(runId !== undefined ? { runId } : {}),
      workflow: entry.workflow,
      plan: entry.plan,
      staticInputs: entry.staticInputs,
      ...(entry.taskEstimates ? { taskEstimates: entry.taskEstimates } : {}),
      timeoutMs: giveUpAfterMs,
      params: { ...entry.params, request: index, requestOfWorkflow: k },
    });
    const done = run.then(
      (result) => {
        submissionMs[index] = round3(result.startEpochMs - arrivalEpochMs);
        for (const attempt of result.invocations) maxSlotWaitMs = Math.max(maxSlotWaitMs, attempt.dispatchedAtMs - attempt.invokedAtMs);
        return outcomeOf(index, entry, arrivalMs, arrivalEpochMs, result, options);
      },
      (error: unknown) => {
        failures[index] = (error as Error).message;
        return failedOutcome(index, entry, arrivalMs);
      },
    );
    return done.then(({ outcome, result }) => {
      if (runId !== undefined) {
        options.dispatchRequests!.forget(runId);
        runtime.dispatcher?.recordRequestOutcome(outcome.slaMet);
      }
      outcomes.push(outcome);
      if (options.keepRecords) records[index] = result?.records ?? [];
      ended++;
      options.onRequestEnded?.(ended, outcome);
    });
  };

  try {
    const schedule = openLoopSchedule(arrivals, mix, { seed: options.seed, ...(options.requests !== undefined ? { requests: options.requests } : {}), ...(options.durationMs !== undefined ? { durationMs: options.durationMs } : {}) });
    if (schedule) {
      for (const arrival of schedule) {
        await sleep(arrival.timeMs - sinceStartMs());
        running.push(send(byName.get(arrival.workflow)!, arrival.timeMs));
      }
    } else if (arrivals.kind === 'closed') {
      if (options.requests === undefined && options.durationMs === undefined) throw new ConfigError('a load point needs a number of requests or a duration');
      const pick = mixPicker(mix, options.seed);
      const maxRequests = options.requests ?? Infinity;
      const canSend = () => sent.length < maxRequests && sinceStartMs() < (options.durationMs ?? Infinity);
      const client = async () => {
        while (canSend()) {
          const request = send(byName.get(pick())!, sinceStartMs());
          running.push(request);
          // The client moves on at the result or at the timeout, whichever comes first; the request runs to its end.
          await (options.timeoutMs === undefined ? request : Promise.race([request, sleep(options.timeoutMs)]));
          if (arrivals.thinkMs > 0) await sleep(arrivals.thinkMs);
        }
      };
      await Promise.all(Array.from({ length: arrivals.clients }, client));
    }
    await Promise.all(running);
  } finally {
    clearInterval(sampler);
  }
  sample();
  const stats = runtime.gateway.concurrencyStats();
  outcomes.sort((a, b) => a.index - b.index);
  return {
    requests: outcomes,
    sent,
    series,
    ...(options.keepRecords ? { records } : {}),
    endMs: sinceStartMs(),
    peakLiveInvocations: stats.peak,
    throttles: stats.waited,
    maxSlotWaitMs: round3(maxSlotWaitMs),
    maxSendLagMs,
    failures,
    submissionMs: Array.from({ length: sent.length }, (_, i) => submissionMs[i] ?? Number.NaN),
    hostLoadAverage: Math.round((100 * loadAverages.reduce((sum, x) => sum + x, 0)) / loadAverages.length) / 100,
  };
}

/** A completed real request's outcome: latency from its arrival to its result, its bill from its records. */
function outcomeOf(
  index: number,
  entry: RealLoadWorkflow,
  arrivalMs: number,
  arrivalEpochMs: number,
  result: LocalRunResult,
  options: RealLoadOptions,
): { outcome: RequestOutcome; result: LocalRunResult } {
  const run = groupRuns(result.records).runs[0];
  const bill = run ? billRun(run, options.platform) : undefined;
  const workers = result.records.filter((r) => r.type === 'worker');
  // The result came when the sink published the completion: the run's submission plus its makespan. The time from
  // arrival to submission (the client storing inputs and configuration) is part of the request's latency.
  const latencyMs = round3(result.startEpochMs + result.makespanMs - arrivalEpochMs);
  const firstSlotEpochMs = Math.min(...result.invocations.map((a) => a.dispatchedAtMs));
  const timedOut = options.timeoutMs !== undefined && latencyMs > options.timeoutMs;
  return {
    outcome: {
      index,
      workflow: entry.name,
      arrivalMs,
      status: timedOut ? 'timed-out' : 'completed',
      latencyMs,
      queueMs: Number.isFinite(firstSlotEpochMs) ? round3(firstSlotEpochMs - arrivalEpochMs) : undefined,
      slaMet: !timedOut && latencyMs <= entry.slaMs,
      gbSeconds: bill?.gbSeconds ?? 0,
      costUsd: bill?.totalUsd ?? 0,
      invocations: workers.length,
      coldStarts: workers.filter((w) => w.type === 'worker' && w.start === 'cold').length,
    },
    result,
  };
}

/** A request whose run failed (a worker's error, or no result before giving up): no latency, nothing billed that the client could read. */
function failedOutcome(index: number, entry: RealLoadWorkflow, arrivalMs: number): { outcome: RequestOutcome; result: undefined } {
  return {
    outcome: { index, workflow: entry.name, arrivalMs, status: 'failed', latencyMs: undefined, queueMs: undefined, slaMet: false, gbSeconds: 0, costUsd: 0, invocations: 0, coldStarts: 0 },
    result: undefined,
  };
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
