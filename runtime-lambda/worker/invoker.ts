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
  readonly redisUrl?: string;
}

/**
 * Counts the invocation in the run's metadata (before sending, so the client never sees every counted worker
 * finished while one is still on its way), names the instance, stamps the time and invokes. Used by the client for
 * the initial workers and by workers for every worker they start.
 */
export async function startWorker(invoker: Invoker, sink: TraceSink, start: WorkerStart): Promise<WorkerInvocation> {
  const n = await sink.countInvocation();
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
  return invocation;
}
