/**
 * Every Redis key and channel of one run, under the prefix `octoplan:<runId>:`. Runs never collide, and a run's
 * leftovers are found with one SCAN pattern. Counter keys embed the core's `counterKey` (`deps:t3`, `start:w1`, ...).
 */
export interface RunKeys {
  /** `octoplan:<runId>:` */
  readonly prefix: string;
  /** SCAN pattern matching every key of the run. */
  readonly all: string;
  /** The run's configuration (workflow, plan, start time, estimates) as JSON. */
  readonly config: string;
  /** A task's intermediate output (deleted by `delete-intermediates`). */
  output(taskId: string): string;
  /** SCAN pattern matching every intermediate output. */
  readonly outputs: string;
  /** A task's static (workflow-provided) input, written by the client. */
  staticInput(taskId: string): string;
  /** A sink's final output. */
  finalOutput(taskId: string): string;
  /** A scheduler-core counter, by its `counterKey`. */
  counter(counterKey: string): string;
  /** SCAN pattern matching every counter. */
  readonly counters: string;
  /** Marker of a test fault already injected (`RunConfig.crashOnFirstAttempt`): the re-run does not crash again. */
  crashMarker(taskId: string): string;
  /** The TASK_READY record of a task (a late subscriber probes it). */
  readyRecord(taskId: string): string;
  /** SCAN pattern matching every TASK_READY record. */
  readonly readyRecords: string;
  /** When the original of a duplicable task started executing (epoch ms), for task-dup estimates. */
  execStart(taskId: string): string;
  /** SCAN pattern matching every exec-start record. */
  readonly execStarts: string;
  /** Channel of TASK_READY for one task. */
  readyChannel(taskId: string): string;
  /** Channel of TASK_COMPLETED for one task. */
  completedChannel(taskId: string): string;
  /** Channel on which the sink announces the run's completion to the client. */
  readonly workflowCompletedChannel: string;
  /** List of trace records (JSON lines) written by the workers at shutdown. */
  readonly traceList: string;
  /** List of worker failures (JSON), so the client fails fast with the worker's message. */
  readonly errorList: string;
  /** Invocations issued (client and workers count before sending), also numbers flexible instances. */
  readonly invocationCount: string;
  /** Hash: invocation key → its number, and `<key>#sent` once it was sent (idempotent invocations, see `TraceSink`). */
  readonly invocationsByKey: string;
  /** Workers that finished (after writing their trace records). */
  readonly workersDone: string;
  /** Hash: instance id → the platform's request id of its invocation (Lambda's `awsRequestId`). */
  readonly requestIds: string;
  /** Set once by the sink that completes the run: the completion message, for a client that subscribed late. */
  readonly completion: string;
}

/** The keys of run `runId`. A run id may not contain `*`, `?`, `[` or whitespace (they would break SCAN patterns). */
export function runKeys(runId: string): RunKeys {
  if (!/^[^\s*?[\]]+$/.test(runId)) throw new Error(`run id '${runId}' must be non-empty without whitespace, '*', '?', '[' or ']'`);
  const prefix = `octoplan:${runId}:`;
  return {
    prefix,
    all: `${prefix}*`,
    config: `${prefix}config`,
    output: (taskId) => `${prefix}out:${taskId}`,
    outputs: `${prefix}out:*`,
    staticInput: (taskId) => `${prefix}static:${taskId}`,
    finalOutput: (taskId) => `${prefix}final:${taskId}`,
    counter: (key) => `${prefix}ctr:${key}`,
    counters: `${prefix}ctr:*`,
    crashMarker: (taskId) => `${prefix}crashed:${taskId}`,
    readyRecord: (taskId) => `${prefix}readyrec:${taskId}`,
    readyRecords: `${prefix}readyrec:*`,
    execStart: (taskId) => `${prefix}execstart:${taskId}`,
    execStarts: `${prefix}execstart:*`,
    readyChannel: (taskId) => `${prefix}ready:${taskId}`,
    completedChannel: (taskId) => `${prefix}completed:${taskId}`,
    workflowCompletedChannel: `${prefix}workflow-completed`,
    traceList: `${prefix}trace`,
    errorList: `${prefix}errors`,
    invocationCount: `${prefix}invocations`,
    invocationsByKey: `${prefix}invocations-by-key`,
    workersDone: `${prefix}workers-done`,
    requestIds: `${prefix}request-ids`,
    completion: `${prefix}completion`,
  };
}
