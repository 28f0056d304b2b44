import { fileURLToPath } from 'node:url';
import type { TraceRecord, WorkerRecord } from '../core/trace-records.js';
import { randomBytes } from 'node:crypto';
import type { AnyDispatchStrategy } from '../core/dispatch/index.js';
import { Dispatcher, type DescribeInvocation } from './dispatch/dispatcher.js';
import { FailureDestination } from './gateway/failure-destination.js';
import { LambdaGateway } from './gateway/gateway.js';
import type { GatewayOptions, InvocationRecord } from './gateway/types.js';
import { startLocalRedis, type LocalRedis } from './redis/local-server.js';
import { runWorkflow, type RunWorkflowOptions, type WorkflowRunResult } from './run-workflow.js';
import { AwsLambdaInvoker } from './worker/aws-invoker.js';
import { functionNameFor } from './worker/invoker.js';

// The SDK warns once per process that its releases after January 2027 need Node 22; this project runs Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** How long `runConcurrent` waits, after its run completed, for the gateway to record its workers' final attempts. */
const FINAL_ATTEMPT_WAIT_MS = 30_000;

/** The worker handler module the gateway runs (a TypeScript source, bundled once by the gateway). */
export const WORKER_HANDLER_MODULE = fileURLToPath(new URL('./worker/handler.ts', import.meta.url));

/** Options of `LocalRuntime.start`. */
export interface LocalRuntimeOptions {
  /** An existing Redis (`redis://host:port`); default: a private `redis-server` on a free loopback port. */
  readonly redisUrl?: string;
  /**
   * Most invocations running at once. Default 64: workers of a fixed-worker plan wait for TASK_READY while holding a
   * slot, so a limit below the number of workers a plan can keep alive could leave the producer queued behind them.
   */
  readonly concurrencyLimit?: number;
  /** How long an idle worker process stays warm; default the gateway's (600,000 ms, Lambda's observed 10 min). */
  readonly keepAliveMs?: number;
  /**
   * Limit of a worker process's INIT; default 60,000 ms rather than Lambda's 10 s, because here cold starts share
   * two cores: a burst of them can take longer than 10 s each without anything being wrong.
   */
  readonly initTimeoutMs?: number;
  /** Timeout of one worker invocation; default 60,000 ms. */
  readonly functionTimeoutMs?: number;
  /** Give instances a cgroup CPU quota proportional to memory where the kernel allows (default true). */
  readonly cpuCgroups?: boolean;
  /** Delays before Lambda-style retries of a failed async invocation; default the gateway's [60, 120] ms. */
  readonly asyncRetryDelaysMs?: readonly number[];
  /** Gateway notes (cgroup fallback and the like); default: dropped. */
  readonly log?: (message: string) => void;
  /** Worker processes' output (default: captured and dropped; `inherit` prints it, for debugging). */
  readonly workerLogs?: GatewayOptions['logs'];
  /**
   * A dispatcher in front of the gateway (`dispatch/dispatcher.ts`): every invocation, the client's and the workers',
   * waits in its Redis queue and goes to the gateway in the strategy's order when a slot of `concurrencyLimit` is
   * free. Default: none (the gateway's own FIFO queue).
   */
  readonly dispatch?: LocalDispatchOptions;
}

/** The dispatcher of a local runtime. */
export interface LocalDispatchOptions {
  readonly strategy: AnyDispatchStrategy;
  readonly maxWaitMs?: number;
  /** What the dispatcher knows of each invocation (`DispatchRequests.describe`). */
  readonly describe: DescribeInvocation;
  /** Names its Redis keys; default a fresh name. */
  readonly name?: string;
}

/** A run through the local gateway: the run's result and what the gateway saw of it. */
export interface LocalRunResult extends WorkflowRunResult {
  /** Every invocation attempt of the run as the gateway recorded it (retries of crashed workers included). */
  readonly invocations: readonly InvocationRecord[];
  /**
   * Worker records whose own cold/warm view disagreed with the gateway's and were corrected to it (should be
   * none: a worker process counts the invocations it served).
   */
  readonly startCorrections: readonly string[];
}

/** What `LocalRuntime.run` takes: a run's options without the Redis and invoker the runtime provides. */
export type LocalRunOptions = Omit<RunWorkflowOptions, 'redisUrl' | 'invoker' | 'workerRedisUrl'>;

/**
 * Workflows run for real in worker processes: the local Lambda-compatible gateway (`gateway/`) with the worker
 * handler registered once per memory size (`octoplan-worker-<memoryMb>`), Redis (given or a private
 * `redis-server`), and the AWS SDK invoker pointed at the gateway. Workers invoke one another through the gateway
 * too, so every worker is a Lambda-style instance: a cold start spawns a process, a warm start reuses an idle one.
 * `run` takes one run at a time (the gateway's records of a run are those made while it ran); `runConcurrent` lets
 * many go at once (a load), each picking its records by request id. `close()` stops the worker
 * processes, the gateway and the private Redis.
 */
export class LocalRuntime {
  /** Worker functions registered or being registered, per memory size (concurrent runs share one registration). */
  private readonly registered = new Map<number, Promise<void>>();
  private running = false;
  /** Runs under way through `runConcurrent`. */
  private concurrentRuns = 0;

  private constructor(
    /** The Redis every worker of every run uses. */
    readonly redisUrl: string,
    readonly gateway: LambdaGateway,
    readonly invoker: AwsLambdaInvoker,
    private readonly ownRedis: LocalRedis | undefined,
    private readonly functionTimeoutMs: number,
    /** The dispatcher every invocation goes through, when the runtime has one. */
    readonly dispatcher?: Dispatcher,
  ) {
    this.failureDestination = new FailureDestination(gateway, redisUrl);
  }

  /** Where invocations whose retries ran out are reported: their run's failures, so the run fails at once. */
  private readonly failureDestination: FailureDestination;

  /** Starts Redis (unless given) and the gateway. */
  static async start(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
    const ownRedis = options.redisUrl === undefined ? await startLocalRedis() : undefined;
    const redisUrl = options.redisUrl ?? ownRedis!.url;
    let gateway: LambdaGateway;
    try {
      gateway = await LambdaGateway.start({
        concurrencyLimit: options.concurrencyLimit ?? 64,
        cpuCgroups: options.cpuCgroups ?? true,
        initTimeoutMs: options.initTimeoutMs ?? 60_000,
        logs: options.workerLogs ?? 'capture',
        log: options.log ?? (() => {}),
        ...(options.keepAliveMs !== undefined ? { keepAliveMs: options.keepAliveMs } : {}),
        ...(options.asyncRetryDelaysMs ? { asyncRetryDelaysMs: [...options.asyncRetryDelaysMs] } : {}),
      });
    } catch (e) {
      await ownRedis?.stop();
      throw e;
    }
    let dispatcher: Dispatcher | undefined;
    if (options.dispatch) {
      try {
        dispatcher = await Dispatcher.start({
          redisUrl,
          name: options.dispatch.name ?? `local-${randomBytes(4).toString('hex')}`,
          platformEndpoint: gateway.endpoint,
          region: gateway.region,
          concurrencyLimit: options.concurrencyLimit ?? 64,
          strategy: options.dispatch.strategy,
          describe: options.dispatch.describe,
          ...(options.dispatch.maxWaitMs !== undefined ? { maxWaitMs: options.dispatch.maxWaitMs } : {}),
        });
      } catch (e) {
        await gateway.close();
        await ownRedis?.stop();
        throw e;
      }
    }
    const invoker = new AwsLambdaInvoker({ endpoint: dispatcher?.endpoint ?? gateway.endpoint, region: gateway.region });
    return new LocalRuntime(redisUrl, gateway, invoker, ownRedis, options.functionTimeoutMs ?? 60_000, dispatcher);
  }

  /** Registers the worker function for each memory size not registered yet. */
  async ensureFunctions(memorySizesMb: Iterable<number>): Promise<void> {
    for (const memoryMb of new Set(memorySizesMb)) {
      let registration = this.registered.get(memoryMb);
      if (registration === undefined) {
        registration = this.gateway.register({
          name: functionNameFor({ memoryMb, vCpus: 1 }),
          handlerModule: WORKER_HANDLER_MODULE,
          handlerExport: 'handler',
          memoryMb,
          timeoutMs: this.functionTimeoutMs,
          env: {
            OCTOPLAN_REDIS_URL: this.redisUrl,
            // Workers invoke through the dispatcher when there is one, as the client does.
            OCTOPLAN_LAMBDA_ENDPOINT: this.dispatcher?.endpoint ?? this.gateway.endpoint,
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          },
        });
        this.registered.set(memoryMb, registration);
        registration.catch(() => this.registered.delete(memoryMb));
      }
      await registration;
    }
  }

  /**
   * Runs one workflow in worker processes: registers the functions its plan needs, runs it (`runWorkflow`), waits
   * until the gateway has recorded every attempt, and sets each worker record's cold/warm start to what the gateway
   * saw for that invocation (matched by request id).
   */
  async run(options: LocalRunOptions): Promise<LocalRunResult> {
    if (this.running || this.concurrentRuns > 0) throw new Error('LocalRuntime.run: a run is already in progress on this runtime (runs go one at a time)');
    this.running = true;
    try {
      await this.ensureFunctions(planMemorySizesMb(options.plan));
      const firstRecord = this.gateway.invocations.length;
      const result = await runWorkflow({ ...options, redisUrl: this.redisUrl, invoker: this.invoker });
      await this.gateway.drain();
      const invocations = this.gateway.invocations.slice(firstRecord);
      const { records, corrections } = withGatewayStarts(result.records, result.requestIds, invocations);
      return { ...result, records, invocations, startCorrections: corrections };
    } finally {
      this.running = false;
    }
  }

  /**
   * Runs one workflow alongside others on this runtime (a load of many requests): as `run`, but the gateway's records
   * of this run are picked by its workers' request ids instead of by time, and it waits for those requests' final
   * attempts only, not for the whole gateway to drain (other runs keep it busy).
   */
  async runConcurrent(options: LocalRunOptions): Promise<LocalRunResult> {
    if (this.running) throw new Error('LocalRuntime.runConcurrent: a one-at-a-time run is in progress on this runtime');
    this.concurrentRuns++;
    // Each run under way may listen for its final attempts: many at once are a load, not a leak.
    this.gateway.setMaxListeners(Math.max(this.gateway.getMaxListeners(), this.concurrentRuns + 10));
    try {
      await this.ensureFunctions(planMemorySizesMb(options.plan));
      const result = await runWorkflow({ ...options, redisUrl: this.redisUrl, invoker: this.invoker });
      const invocations = await this.finalAttempts(new Set(result.requestIds.values()));
      const { records, corrections } = withGatewayStarts(result.records, result.requestIds, invocations);
      return { ...result, records, invocations, startCorrections: corrections };
    } finally {
      this.concurrentRuns--;
    }
  }

  /**
   * Every attempt of the given requests once each has ended for good (succeeded, or failed without a retry). A
   * worker writes its records before its handler returns, so the client can be done with a run a moment before the
   * gateway has the attempt's end.
   */
  private finalAttempts(requestIds: ReadonlySet<string>): Promise<InvocationRecord[]> {
    const settled = (attempt: InvocationRecord) => attempt.outcome === 'success' || !attempt.willRetry;
    const done = new Set<string>();
    for (const attempt of this.gateway.invocations) if (requestIds.has(attempt.requestId) && settled(attempt)) done.add(attempt.requestId);
    const collect = () => this.gateway.invocations.filter((attempt) => requestIds.has(attempt.requestId));
    if (done.size === requestIds.size) return Promise.resolve(collect());
    return new Promise((resolve, reject) => {
      // A run whose workers all wrote their records ends its attempts within moments; one that does not is a bug of
      // the gateway's bookkeeping, better named than waited on forever.
      const timer = setTimeout(() => {
        this.gateway.off('invocation', listener);
        const missing = [...requestIds].filter((id) => !done.has(id));
        reject(new Error(`LocalRuntime.runConcurrent: the gateway recorded no final attempt of ${missing.length} request(s) within ${FINAL_ATTEMPT_WAIT_MS} ms (e.g. ${missing[0]})`));
      }, FINAL_ATTEMPT_WAIT_MS);
      const listener = (attempt: InvocationRecord) => {
        if (!requestIds.has(attempt.requestId) || !settled(attempt)) return;
        done.add(attempt.requestId);
        if (done.size < requestIds.size) return;
        clearTimeout(timer);
        this.gateway.off('invocation', listener);
        resolve(collect());
      };
      this.gateway.on('invocation', listener);
    });
  }

  /** Stops every idle worker process, so the next run's workers all start cold (`LambdaGateway.reclaimIdle`). */
  async reclaimIdle(): Promise<void> {
    await this.gateway.reclaimIdle();
  }

  /** Stops every worker process, the gateway, and the private Redis if this runtime started one. */
  async close(): Promise<void> {
    this.invoker.close();
    await this.failureDestination.close();
    if (this.dispatcher) {
      await this.dispatcher.clear();
      await this.dispatcher.close();
    }
    await this.gateway.close();
    await this.ownRedis?.stop();
  }
}

/** Memory sizes of the worker functions a plan invokes (pre-warm targets included). */
export function planMemorySizesMb(plan: LocalRunOptions['plan']): number[] {
  return [...plan.tasks.values()].flatMap((t) => [t.resources.memoryMb, ...t.optimizations.flatMap((o) => (o.kind === 'pre-warm' ? [o.targetResources.memoryMb] : []))]);
}

/**
 * Worker records with `start` (and nothing else) set from the gateway's successful attempt of the same request.
 * Returns the instance ids whose record said otherwise.
 */
export function withGatewayStarts(
  records: readonly TraceRecord[],
  requestIds: ReadonlyMap<string, string>,
  invocations: readonly InvocationRecord[],
): { records: TraceRecord[]; corrections: string[] } {
  const coldByRequest = new Map<string, boolean>();
  for (const attempt of invocations) if (attempt.outcome === 'success') coldByRequest.set(attempt.requestId, attempt.cold);
  const corrections: string[] = [];
  const corrected = records.map((record): TraceRecord => {
    if (record.type !== 'worker') return record;
    const requestId = requestIds.get(record.workerId);
    const cold = requestId === undefined ? undefined : coldByRequest.get(requestId);
    if (cold === undefined) return record;
    const start: WorkerRecord['start'] = cold ? 'cold' : 'warm';
    if (start === record.start) return record;
    corrections.push(record.workerId);
    return { ...record, start };
  });
  return { records: corrected, corrections };
}

/** One run in a runtime of its own: starts Redis (unless given) and the gateway, runs, tears everything down. */
export async function runLocally(options: LocalRunOptions & { readonly runtime?: LocalRuntimeOptions }): Promise<LocalRunResult> {
  const { runtime: runtimeOptions, ...run } = options;
  const runtime = await LocalRuntime.start(runtimeOptions);
  try {
    return await runtime.run(run);
  } finally {
    await runtime.close();
  }
}
