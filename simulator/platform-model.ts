import { resources, type ResourceConfig } from '../core/resources.js';
import type { Rng } from '../core/random.js';

/**
 * The platform the simulator runs workflows on: invocation, start-up, keep-alive, concurrency, CPU, storage,
 * metadata, failures and prices. The defaults (`DEFAULT_PLATFORM_MODEL`, platform-defaults.ts) describe AWS Lambda
 * x86_64 in us-east-1 with a Redis (ElastiCache-like) store, each figure with its published source.
 *
 * The functions below are pure. Those taking an optional `rng` return the median without one (what planners use to
 * estimate a plan, deterministically) and a lognormal draw around it with one (what the simulator uses).
 */

/** A latency given by its median and the sigma of lognormal noise around it (0 = no noise). */
export interface Latency {
  readonly medianMs: number;
  readonly sigma: number;
}

/** One step of a memory-indexed table: `value` applies from `fromMb` up to the next step's `fromMb`. */
export interface MemoryStep {
  readonly fromMb: number;
  readonly value: number;
}

/** Asynchronous invocation (InvocationType=Event), as workers invoke one another. */
export interface InvokeModel {
  /** The caller's Invoke API call until 202 Accepted; the caller is blocked only for this. */
  readonly apiCall: Latency;
  /** From the accepted event to the handler starting on a warm environment. */
  readonly dispatch: Latency;
  /** Largest async invocation payload; bigger inputs must go through storage. */
  readonly asyncPayloadLimitBytes: number;
}

/** Execution environments: what a cold start costs and how long an idle one stays warm. */
export interface StartupModel {
  /** Extra start-up on a warm environment beyond `invoke.dispatch`. */
  readonly warmMs: number;
  /** Placement, code download and microVM boot, not counted in Lambda's Init Duration. */
  readonly platformColdOverheadMs: number;
  /** The runtime's INIT phase for an empty handler (Lambda's Init Duration). */
  readonly runtimeInit: Latency;
  /** INIT added by the worker's own code and dependencies (module loading, clients). */
  readonly codeInitMs: number;
  /** Extra time of the first invocation on a fresh environment (JIT, lazy loading), by memory. */
  readonly firstInvokeMs: readonly MemoryStep[];
  /** How long an idle environment is kept before it is reclaimed. */
  readonly keepAliveMs: number;
}

/** Limits on how many environments run and how fast new ones appear. */
export interface ConcurrencyModel {
  /** Concurrent executions per account and Region, shared by all functions. */
  readonly accountLimit: number;
  /** New environments a function may create at once (token-bucket capacity). */
  readonly scalingBurst: number;
  /** Rate at which that bucket refills, environments per second. */
  readonly scalingRefillPerS: number;
}

/** How memory buys CPU. */
export interface CpuModel {
  /** Memory that buys one vCPU-second per second. */
  readonly mbPerVcpu: number;
  /** Upper bound on vCPUs. */
  readonly maxVcpus: number;
  /** Cores the OS shows, by memory: the most threads that can run in parallel. */
  readonly visibleCores: readonly MemoryStep[];
  /**
   * The worker runs task code and handles its I/O replies on one thread, as this project's Node.js worker does
   * (`runtime-lambda/worker/`): co-located tasks run one after another in the order they became runnable, each at
   * full speed, and a reply (download, upload, counter, notification) arriving while a task runs is handled when that
   * task ends. Absent or false (the AWS profile, after the reference's threaded workers): co-located tasks share the
   * worker's vCPUs (processor sharing) and replies are handled as they arrive.
   */
  readonly singleThreadedWorker?: boolean;
  /**
   * Every instance runs on one host with this many cores (default: absent, each has its own CPU, as on Lambda). Where
   * they share one machine (the local gateway on a few cores), start-ups and task executions compete for its CPU:
   * with n of them under way each progresses at min(1, hostCores / n) of its speed alone (processor sharing), so a
   * start-up or task drawn at d ms alone takes d with few under way and about d × n / hostCores with many. Only with
   * `singleThreadedWorker` (each worker runs one task at a time, on one core at most), so the host's share alone
   * sets a task's speed; the configuration refuses it otherwise.
   */
  readonly hostCores?: number;
  /**
   * On a shared host (`hostCores`), CPU work that each task brings besides its code and that nobody waits for
   * (default 0), in ms alone: the worker's handling of the task's replies and commands, the collector and compiler
   * threads of its runtime, the storage server's share. It starts with the task's code and competes for the cores
   * like any other job, so it slows everything down only when the host is loaded.
   */
  readonly backgroundMsPerTask?: number;
  /**
   * On a shared host (`hostCores`), processes of other programs that are always runnable beside the platform's own
   * jobs (default 0): with n jobs of ours under way each progresses at min(1, hostCores / (n + otherHostJobs)). A
   * machine that runs other work (the local gateway's host is shared) slows a job alone by (1 + others) / cores, and
   * a job of ours added to a busy host slows the others only by a little, not by a whole core's worth.
   */
  readonly otherHostJobs?: number;
}

/** Intermediate storage (Redis-like) for task outputs. */
export interface StorageModel {
  /** Round trip of one small GET/SET from a worker. */
  readonly opLatency: Latency;
  /** A worker's network bandwidth at full memory. */
  readonly bandwidthBytesPerMs: number;
  /** Memory from which a worker gets `bandwidthBytesPerMs`; below it bandwidth scales linearly with memory. */
  readonly fullBandwidthFromMb: number;
  /** The storage server's network bandwidth (its baseline), shared by concurrent transfers. */
  readonly serverBandwidthBytesPerMs: number;
  /**
   * The server's network bandwidth while it has network I/O credits (absent: no bursting). Running above the
   * baseline spends credits, below earns them back; without credits the baseline applies (`shared-link.ts`).
   */
  readonly serverBurstBandwidthBytesPerMs?: number;
  /** The credit pool, in bytes moved above the baseline (full at the start of a simulation). */
  readonly serverBurstCreditBytes?: number;
  /** Operations per second one storage server handles. */
  readonly serverOpsPerS: number;
}

/** Metadata storage: dependency counters and notifications. */
export interface MetadataModel {
  /** An atomic counter increment (INCR) round trip. */
  readonly counter: Latency;
  /** Publish until a subscribed worker receives the message (pub/sub). */
  readonly notify: Latency;
}

/** Optional failures and Lambda's async retry. */
export interface FailureModel {
  /** Probability that a worker (environment) crashes during an invocation. */
  readonly workerFailureProbability: number;
  /** Probability that one task attempt fails. */
  readonly taskFailureProbability: number;
  /** Retries after the first failed attempt. */
  readonly maxRetries: number;
  /** Wait before retry i (index 0 = before the 2nd attempt); at least `maxRetries` entries. */
  readonly retryDelaysMs: readonly number[];
}

/** Prices and how duration is billed. */
export interface PricingModel {
  /** USD per GB-second of duration (GB = 1,024 MB). */
  readonly gbSecondUsd: number;
  /** USD per invocation request. */
  readonly requestUsd: number;
  /** Billed duration is rounded up to a multiple of this. */
  readonly billingGranularityMs: number;
  /** Whether a cold start's INIT time is billed. */
  readonly billInit: boolean;
}

/** Everything the simulator needs to know about the platform. */
export interface PlatformModel {
  /** Name recorded in traces as `simulator:<profile>`. */
  readonly profile: string;
  readonly invoke: InvokeModel;
  readonly startup: StartupModel;
  readonly concurrency: ConcurrencyModel;
  readonly cpu: CpuModel;
  readonly storage: StorageModel;
  readonly metadata: MetadataModel;
  readonly failures: FailureModel;
  readonly pricing: PricingModel;
}

/** The median of `latency`, or a lognormal draw around it when `rng` is given. */
export function latencyMs(latency: Latency, rng?: Rng): number {
  return rng === undefined ? latency.medianMs : rng.lognormal(latency.medianMs, latency.sigma);
}

/** The value of a memory-indexed table at `memoryMb`; below the first step the first value applies. */
export function stepValue(table: readonly MemoryStep[], memoryMb: number): number {
  let value = table[0]?.value;
  if (value === undefined) throw new RangeError('memory table is empty');
  for (const step of table) {
    if (step.fromMb > memoryMb) break;
    value = step.value;
  }
  return value;
}

/** The resources of a worker with `memoryMb`, vCPUs derived by the model's CPU rule. */
export function resourcesFor(model: PlatformModel, memoryMb: number): ResourceConfig {
  return resources(memoryMb, undefined, { mbPerVcpu: model.cpu.mbPerVcpu, maxVcpus: model.cpu.maxVcpus });
}

/** Time the caller is blocked by one async Invoke. */
export function invokeCallMs(model: PlatformModel, rng?: Rng): number {
  return latencyMs(model.invoke.apiCall, rng);
}

/** Time from an accepted invocation to the handler starting on a warm environment. */
export function dispatchMs(model: PlatformModel, rng?: Rng): number {
  return latencyMs(model.invoke.dispatch, rng);
}

/** Extra start-up of a warm environment beyond dispatch. */
export function warmStartMs(model: PlatformModel): number {
  return model.startup.warmMs;
}

/**
 * Extra start-up of a new environment beyond dispatch: platform overhead + INIT + the first invocation's slowdown.
 * INIT is flat in memory in the published measurements; only the first-invocation term depends on memory.
 */
export function coldStartMs(model: PlatformModel, config: ResourceConfig, rng?: Rng): number {
  const startup = model.startup;
  return (
    startup.platformColdOverheadMs +
    latencyMs(startup.runtimeInit, rng) +
    startup.codeInitMs +
    stepValue(startup.firstInvokeMs, config.memoryMb)
  );
}

/** The INIT part of a cold start (what `pricing.billInit` bills), without noise. */
export function initMs(model: PlatformModel): number {
  return model.startup.runtimeInit.medianMs + model.startup.codeInitMs;
}

/** From the caller's Invoke to the target's handler running: API call + dispatch + warm or cold start. */
export function startupMs(model: PlatformModel, config: ResourceConfig, cold: boolean, rng?: Rng): number {
  const call = invokeCallMs(model, rng);
  const dispatch = dispatchMs(model, rng);
  return call + dispatch + (cold ? coldStartMs(model, config, rng) : warmStartMs(model));
}

/** Whether an environment idle since `idleSinceMs` is still warm at `nowMs` (reclaimed at exactly keep-alive). */
export function isWarm(model: PlatformModel, idleSinceMs: number, nowMs: number): boolean {
  return nowMs - idleSinceMs < model.startup.keepAliveMs;
}

/** Cores the OS shows a worker with `memoryMb`. */
export function visibleCores(model: PlatformModel, memoryMb: number): number {
  return stepValue(model.cpu.visibleCores, memoryMb);
}

/**
 * vCPUs a task running `threads` threads actually gets: its CPU share, no more than its threads, no more than the
 * visible cores. A single-threaded task gains nothing above one vCPU.
 */
export function effectiveVcpus(model: PlatformModel, config: ResourceConfig, threads = 1): number {
  if (!(Number.isInteger(threads) && threads >= 1)) throw new RangeError(`threads must be a positive integer, got ${threads}`);
  return Math.min(config.vCpus, threads, visibleCores(model, config.memoryMb));
}

/** Run time of CPU-bound work that takes `cpuMsAt1Vcpu` on one full vCPU. */
export function executionMs(model: PlatformModel, cpuMsAt1Vcpu: number, config: ResourceConfig, threads = 1): number {
  if (!(cpuMsAt1Vcpu >= 0)) throw new RangeError(`cpuMsAt1Vcpu must be >= 0, got ${cpuMsAt1Vcpu}`);
  return cpuMsAt1Vcpu / effectiveVcpus(model, config, threads);
}

/** A worker's own network bandwidth: full from `fullBandwidthFromMb`, linear in memory below. */
export function workerBandwidthBytesPerMs(model: PlatformModel, config: ResourceConfig): number {
  const storage = model.storage;
  return storage.bandwidthBytesPerMs * Math.min(1, config.memoryMb / storage.fullBandwidthFromMb);
}

/**
 * Bandwidth of one transfer between a worker and storage when `concurrentTransfers` share the server: the lesser of
 * the worker's bandwidth and its share of the server's.
 */
export function transferBandwidthBytesPerMs(model: PlatformModel, config: ResourceConfig, concurrentTransfers = 1): number {
  if (!(concurrentTransfers >= 1)) throw new RangeError(`concurrentTransfers must be >= 1, got ${concurrentTransfers}`);
  return Math.min(workerBandwidthBytesPerMs(model, config), model.storage.serverBandwidthBytesPerMs / concurrentTransfers);
}

/** Options of `transferMs`. */
export interface TransferOptions {
  /** Transfers sharing the storage server at the same time (default 1). */
  readonly concurrentTransfers?: number;
  /** Draw the round-trip latency instead of using its median. */
  readonly rng?: Rng;
}

/** Time to upload or download `bytes` between a worker and intermediate storage: one round trip + bytes / bandwidth. */
export function transferMs(model: PlatformModel, bytes: number, config: ResourceConfig, options: TransferOptions = {}): number {
  if (!(Number.isFinite(bytes) && bytes >= 0)) throw new RangeError(`bytes must be a finite number >= 0, got ${bytes}`);
  const bandwidth = transferBandwidthBytesPerMs(model, config, options.concurrentTransfers);
  return latencyMs(model.storage.opLatency, options.rng) + bytes / bandwidth;
}

/** One small storage operation (existence check, delete). */
export function storageOpMs(model: PlatformModel, rng?: Rng): number {
  return latencyMs(model.storage.opLatency, rng);
}

/** One atomic counter increment. */
export function counterMs(model: PlatformModel, rng?: Rng): number {
  return latencyMs(model.metadata.counter, rng);
}

/** Publish → delivery of one notification to a subscribed worker. */
export function notifyMs(model: PlatformModel, rng?: Rng): number {
  return latencyMs(model.metadata.notify, rng);
}

/**
 * The wait before retrying after attempt `failedAttempt` (1 = the first attempt) failed, or undefined when the
 * retries are used up.
 */
export function retryDelayMs(model: PlatformModel, failedAttempt: number): number | undefined {
  if (!(Number.isInteger(failedAttempt) && failedAttempt >= 1)) {
    throw new RangeError(`failedAttempt must be a positive integer, got ${failedAttempt}`);
  }
  if (failedAttempt > model.failures.maxRetries) return undefined;
  return model.failures.retryDelaysMs[failedAttempt - 1];
}
