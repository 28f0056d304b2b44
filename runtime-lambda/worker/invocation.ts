import type { ResourceConfig } from '../../core/resources.js';

/**
 * The event a worker is invoked with (the Lambda payload, JSON). Configuration travels in the event and in
 * environment variables only, so the handler runs the same in this process, in a gateway's child process or on AWS.
 */
export interface WorkerInvocation {
  readonly runId: string;
  /** The planned fixed worker this instance is, or null for a flexible (WUKONG) or pre-warm worker. */
  readonly workerId: string | null;
  /** The name of this instance in trace records: the fixed worker id, `flex-<n>` or `prewarm-<n>`. */
  readonly instanceId: string;
  readonly resources: ResourceConfig;
  /** Tasks ready to run on it (empty for a pre-warm). */
  readonly taskIds: readonly string[];
  /** An empty warm-up invocation: the worker shuts down at once, leaving a warm instance behind. */
  readonly preWarm?: boolean;
  /** When the invoker sent the invocation (epoch ms), for the worker's trace record. */
  readonly invokedAtEpochMs: number;
  /** The run's Redis; default `$OCTOPLAN_REDIS_URL`. */
  readonly redisUrl?: string;
  /**
   * Set by a dispatcher (`runtime-lambda/dispatch/`) that forwarded the invocation: `<dispatcher>|<ticket>`, whose
   * concurrency slot the worker releases when it ends.
   */
  readonly dispatchTicket?: string;
}

/** Checks an incoming event's shape; the error names the field at fault (a malformed payload must not half-run). */
export function parseInvocation(event: unknown): WorkerInvocation {
  const e = (typeof event === 'string' ? JSON.parse(event) : event) as Record<string, unknown> | null;
  const fail = (field: string, expected: string): never => {
    throw new Error(`worker invocation: field '${field}' must be ${expected}, got ${JSON.stringify(e?.[field])}`);
  };
  if (typeof e !== 'object' || e === null) throw new Error(`worker invocation must be a JSON object, got ${JSON.stringify(event)}`);
  if (typeof e.runId !== 'string' || e.runId === '') fail('runId', 'a non-empty string');
  if (e.workerId !== null && typeof e.workerId !== 'string') fail('workerId', 'a string or null');
  if (typeof e.instanceId !== 'string' || e.instanceId === '') fail('instanceId', 'a non-empty string');
  const r = e.resources as Record<string, unknown> | undefined;
  if (typeof r !== 'object' || r === null || typeof r.memoryMb !== 'number' || typeof r.vCpus !== 'number') fail('resources', '{ memoryMb, vCpus }');
  if (!Array.isArray(e.taskIds) || e.taskIds.some((t) => typeof t !== 'string')) fail('taskIds', 'an array of task ids');
  if (e.preWarm !== undefined && typeof e.preWarm !== 'boolean') fail('preWarm', 'a boolean');
  if (typeof e.invokedAtEpochMs !== 'number') fail('invokedAtEpochMs', 'a number (epoch ms)');
  if (e.redisUrl !== undefined && typeof e.redisUrl !== 'string') fail('redisUrl', 'a string');
  if (e.dispatchTicket !== undefined && (typeof e.dispatchTicket !== 'string' || !e.dispatchTicket.includes('|'))) fail('dispatchTicket', "a string '<dispatcher>|<ticket>'");
  return e as unknown as WorkerInvocation;
}
