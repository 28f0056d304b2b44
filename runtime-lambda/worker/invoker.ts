import type { ResourceConfig } from '../../core/resources.js';
import type { TraceSink } from '../redis/trace-sink.js';
import type { WorkerInvocation } from './invocation.js';

/**
 * Starts a worker asynchronously (Lambda's `Event` invocation type): resolves once the invocation is accepted, not
 * when the worker finishes. Implementations: `AwsLambdaInvoker` (the AWS SDK, any Lambda-compatible endpoint) and
 * `InProcessInvoker` (the handler in this process, for tests).
 */
export interface Invoker {
  /** Where workers run, for trace headers (`lambda:<endpoint>`, `in-process`). */
  readonly platform: string;
  invoke(invocation: WorkerInvocation): Promise<void>;
  /**
   * Workers that failed before they could report to Redis (an in-process invoker sees every failure; a Lambda
   * invoker does not, and the client then relies on the run's error list and its timeout).
   */
  readonly failures?: readonly Error[];
}

/** The deployed function serving a resource configuration: one function per memory size, e.g. `octoplan-worker-2048`. */
export function functionNameFor(resources: ResourceConfig, prefix = process.env.OCTOPLAN_FUNCTION_PREFIX ?? 'octoplan-worker'): string {
  return `${prefix}-${resources.memoryMb}`;
}

/** What to start: everything of an invocation but the fields `startWorker` fills in. */
export interface WorkerStart {
  readonly runId: string;
  readonly workerId: string | null;
  readonly resources: ResourceConfig;
  readonly taskIds: readonly string[];
  readonly preWarm: boolean;
  /** For a pre-warm: the task whose planned pre-warm this is (identifies the invocation in the run). */
  readonly forTaskId?: string;
  readonly redisUrl?: string;
}

/**
 * What identifies an invocation within a run, for sending it at most once when a worker is re-run: a fixed worker is
 * invoked once per run, a flexible worker once per set of tasks (each task is dispatched once), a pre-warm once per
 * task that plans it.
 */
export function invocationKey(start: WorkerStart): string {
  if (start.preWarm) return `prewarm:${start.forTaskId ?? start.taskIds.join(',')}`;
  if (start.workerId !== null) return `fixed:${start.workerId}`;
  return `flex:${[...start.taskIds].sort().join(',')}`;
}

/**
 * Counts the invocation in the run's metadata (before sending, so the client never sees every counted worker
 * finished while one is still on its way), names the instance, stamps the time and invokes, then marks it sent.
 * Used by the client for the initial workers and by workers for every worker they start. Idempotent per
 * `invocationKey`: a worker re-run after a crash does not count or send again what its first attempt sent (a crash
 * between the send and the mark sends it twice: at least once, never lost). Returns undefined when already sent.
 */
export async function startWorker(invoker: Invoker, sink: TraceSink, start: WorkerStart): Promise<WorkerInvocation | undefined> {
  const key = invocationKey(start);
  const { n, sent } = await sink.reserveInvocation(key);
  if (sent) return undefined;
  const instanceId = start.preWarm ? `prewarm-${n}` : start.workerId ?? `flex-${n}`;
  const invocation: WorkerInvocation = {
    runId: start.runId,
    workerId: start.preWarm ? null : start.workerId,
    instanceId,
    resources: { memoryMb: start.resources.memoryMb, vCpus: start.resources.vCpus },
    taskIds: start.taskIds,
    ...(start.preWarm ? { preWarm: true } : {}),
    invokedAtEpochMs: performance.timeOrigin + performance.now(),
    ...(start.redisUrl ? { redisUrl: start.redisUrl } : {}),
  };
  try {
    await invoker.invoke(invocation);
  } catch (e) {
    throw new Error(`run '${start.runId}': invoking ${instanceId} for [${start.taskIds.join(', ')}] failed: ${(e as Error).message}`);
  }
  await sink.markInvocationSent(key);
  return invocation;
}
