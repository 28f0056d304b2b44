import type { ResourceConfig } from '../core/resources.js';
import type { WorkerRecord } from '../core/trace-records.js';
import { initMs, type PlatformModel } from './platform-model.js';

/**
 * Resource usage and cost, as Lambda bills them. Each worker is one invocation: it is billed for the time it was
 * alive (rounded up to the billing granularity, 1 ms on Lambda) times its memory, plus one request. A pre-warm is an
 * invocation too, so it is a worker here.
 *
 * `billRun` is the one bill of a run: the simulator's run summary, `bench run`, `bench validate`, `bench compare` and
 * the reports all show its figures. Units: durations in ms, memory in GB of 1,024 MB, so GB-s = GB × billed s; costs
 * in USD here and in every JSON and CSV field (named `…Usd`), printed as µUSD in every table and chart.
 */

/** One invocation's usage. */
export interface WorkerUsage {
  readonly resources: ResourceConfig;
  /** From the handler starting to the worker shutting down. */
  readonly durationMs: number;
  /** INIT time of a cold start (0 or absent when warm); billed when `pricing.billInit`. */
  readonly initMs?: number;
}

/** Totals over a run. */
export interface BillingSummary {
  /** Invocations billed. */
  readonly requests: number;
  /** Σ billed duration. */
  readonly billedMs: number;
  /** Σ memory (GB = 1,024 MB) × billed seconds. */
  readonly gbSeconds: number;
  /** Σ vCPUs × seconds alive, INIT included (exact, not rounded: a usage measure, not a bill). */
  readonly vcpuSeconds: number;
  readonly computeUsd: number;
  readonly requestUsd: number;
  readonly totalUsd: number;
}

const MB_PER_GB = 1024;
const MS_PER_S = 1000;

/** The duration Lambda bills for `durationMs`: rounded up to the granularity, no minimum. */
export function billedMs(model: PlatformModel, durationMs: number): number {
  if (!(Number.isFinite(durationMs) && durationMs >= 0)) throw new RangeError(`durationMs must be >= 0, got ${durationMs}`);
  const granularity = model.pricing.billingGranularityMs;
  // No tolerance for float noise: the bill is never below the exact time, so GB-s >= memory × time holds exactly.
  return Math.ceil(durationMs / granularity) * granularity;
}

/** The billed duration of one worker, INIT included when the model bills it. */
export function workerBilledMs(model: PlatformModel, usage: WorkerUsage): number {
  const initMs = usage.initMs ?? 0;
  if (!(Number.isFinite(initMs) && initMs >= 0)) throw new RangeError(`initMs must be >= 0, got ${initMs}`);
  const init = model.pricing.billInit ? initMs : 0;
  return billedMs(model, usage.durationMs + init);
}

/** GB-seconds of `memoryMb` held for `durationMs` (no rounding). */
export function gbSeconds(memoryMb: number, durationMs: number): number {
  return (memoryMb / MB_PER_GB) * (durationMs / MS_PER_S);
}

/** Usage and cost of a run's workers. */
export function billWorkers(model: PlatformModel, workers: Iterable<WorkerUsage>): BillingSummary {
  let requests = 0;
  let totalBilledMs = 0;
  let totalGbSeconds = 0;
  let vcpuSeconds = 0;
  for (const worker of workers) {
    const billed = workerBilledMs(model, worker);
    requests += 1;
    totalBilledMs += billed;
    totalGbSeconds += gbSeconds(worker.resources.memoryMb, billed);
    vcpuSeconds += (worker.resources.vCpus * (worker.durationMs + (worker.initMs ?? 0))) / MS_PER_S;
  }
  const computeUsd = totalGbSeconds * model.pricing.gbSecondUsd;
  const requestUsd = requests * model.pricing.requestUsd;
  return {
    requests,
    billedMs: totalBilledMs,
    gbSeconds: totalGbSeconds,
    vcpuSeconds,
    computeUsd,
    requestUsd,
    totalUsd: computeUsd + requestUsd,
  };
}

/**
 * The usage and cost of one run from its worker records. Each worker is billed from ready (its handler starting) to
 * ended, plus INIT when it started cold and the model bills INIT: trace records do not split a cold start into
 * dispatch and INIT, so the INIT billed is the model's (`initMs`), and the dispatch before it is not billed, as on
 * Lambda.
 */
export function billRun(run: { readonly workers: readonly WorkerRecord[] }, model: PlatformModel): BillingSummary {
  return billWorkers(
    model,
    run.workers.map((w) => ({ resources: w.resources, durationMs: w.endedAtMs - w.readyAtMs, initMs: w.start === 'cold' ? initMs(model) : 0 })),
  );
}
