import type { ResourceConfig } from '../resources.js';

/**
 * What a worker asks its interpreter (the simulator or the real runtime) to do. Commands whose outcome the worker
 * needs are answered with exactly one event (named on each command); the others are fire-and-forget. An interpreter
 * that models the latency of a fire-and-forget command (publish, invoke) keeps the worker alive until it is sent.
 */
export type Command =
  | SubscribeCommand
  | ProbeOutputsCommand
  | DownloadCommand
  | DownloadStaticCommand
  | ExecuteCommand
  | UploadCommand
  | IncrementCounterCommand
  | ReadCounterCommand
  | PublishTaskCompletedCommand
  | PublishTaskReadyCommand
  | InvokeWorkerCommand
  | PreWarmCommand
  | EstimateDupSavingsCommand
  | DiscardOutputCommand
  | StoreFinalOutputCommand
  | PublishWorkflowCompletedCommand
  | DeleteIntermediatesCommand
  | DeleteCountersCommand
  | ShutDownCommand;

export type CommandKind = Command['kind'];

/**
 * Subscribe to TASK_READY for tasks this worker owns and TASK_COMPLETED for tasks it pre-loads or may duplicate.
 * Answered by `subscribed` once the subscriptions are in effect; notifications published after that reach the worker.
 */
export interface SubscribeCommand {
  readonly kind: 'subscribe';
  readonly readyTaskIds: readonly string[];
  readonly completedTaskIds: readonly string[];
}

/**
 * Catch up on notifications published before the subscriptions took effect: which of the outputs `taskIds` are in
 * intermediate storage, and which of the tasks `readyTaskIds` have a TASK_READY record. Answered by `outputs-probed`.
 */
export interface ProbeOutputsCommand {
  readonly kind: 'probe-outputs';
  readonly taskIds: readonly string[];
  readonly readyTaskIds: readonly string[];
}

/**
 * Fetch `taskId`'s output from intermediate storage; `forTaskId` is the task that needs it. Answered by
 * `download-done`, even if the key vanished meanwhile: only an abandoned duplicate's late download can see that.
 */
export interface DownloadCommand {
  readonly kind: 'download';
  readonly taskId: string;
  readonly forTaskId: string;
}

/** Fetch the static (workflow-provided) input of `taskId`. Answered by `static-download-done`. */
export interface DownloadStaticCommand {
  readonly kind: 'download-static';
  readonly taskId: string;
}

/**
 * Run a task whose inputs are all on this worker. `duplicate`: a task-dup copy of a task planned elsewhere, whose
 * output stays on this worker. Answered by `exec-done` with the output size.
 */
export interface ExecuteCommand {
  readonly kind: 'execute';
  readonly taskId: string;
  readonly duplicate: boolean;
}

/** Write a task's output to intermediate storage. Answered by `upload-done`. */
export interface UploadCommand {
  readonly kind: 'upload';
  readonly taskId: string;
  readonly outputBytes: number;
}

/** The shared atomic counters a worker uses (all live in metadata storage and are deleted by `delete-counters`). */
export type CounterRef =
  /** How many of the task's upstream tasks have reported completion. */
  | { readonly kind: 'dependencies'; readonly taskId: string }
  /** Claims the start of a fixed worker that several workers may need to invoke; the claim returning 1 invokes it. */
  | { readonly kind: 'worker-start'; readonly workerId: string }
  /** How many sinks have stored their final output (only used when a workflow has several sinks). */
  | { readonly kind: 'sinks-done' }
  /**
   * How many of the tasks that must finish before intermediates can be deleted have finished: every sink, and every
   * task another worker may duplicate (its original still reads and writes storage after its dependents ran on the
   * copy). Only used when the plan has such tasks.
   */
  | { readonly kind: 'cleanup-ready' };

/** A stable string key for a counter, e.g. `deps:t3`, for interpreters that keep counters in a map. */
export function counterKey(counter: CounterRef): string {
  switch (counter.kind) {
    case 'dependencies':
      return `deps:${counter.taskId}`;
    case 'worker-start':
      return `start:${counter.workerId}`;
    case 'sinks-done':
      return 'sinks-done';
    case 'cleanup-ready':
      return 'cleanup-ready';
  }
}

/**
 * Atomically increment a counter and return the new value (Redis INCR). `byTaskId` is the task whose completion the
 * increment records (for a worker-start claim: the first task the claim is for). Answered by `counter-incremented`.
 */
export interface IncrementCounterCommand {
  readonly kind: 'increment-counter';
  readonly counter: CounterRef;
  readonly byTaskId: string;
}

/** Read a counter without changing it (0 when absent). Answered by `counter-read`. */
export interface ReadCounterCommand {
  readonly kind: 'read-counter';
  readonly counter: CounterRef;
}

/**
 * TASK_COMPLETED: the task finished and its worker is done reporting it (upload, counter increments, hand-offs), so
 * a subscriber may act on it without racing the producer. `uploaded`: its output is in intermediate storage.
 */
export interface PublishTaskCompletedCommand {
  readonly kind: 'publish-task-completed';
  readonly taskId: string;
  readonly uploaded: boolean;
}

/**
 * TASK_READY: record (until `delete-counters`) and publish that `taskId`, owned by the fixed worker
 * `workerId`, has all its inputs. The record lets a worker that subscribed late find it with `probe-outputs`.
 */
export interface PublishTaskReadyCommand {
  readonly kind: 'publish-task-ready';
  readonly taskId: string;
  readonly workerId: string;
}

/**
 * Start a worker: the planned fixed worker `workerId`, or a new flexible worker when `workerId` is null. `taskIds`
 * are ready to run on it. The new worker receives an `invoked` event with them.
 */
export interface InvokeWorkerCommand {
  readonly kind: 'invoke-worker';
  readonly workerId: string | null;
  readonly resources: ResourceConfig;
  readonly taskIds: readonly string[];
}

/**
 * After `delayMs`, make an empty invocation that leaves a warm worker of `resources` behind (the new instance gets
 * `invoked` with `preWarm: true`). Answered by `pre-warm-done` once sent; the worker stays alive until then.
 */
export interface PreWarmCommand {
  readonly kind: 'pre-warm';
  readonly resources: ResourceConfig;
  readonly delayMs: number;
  /** The task whose start triggered it. */
  readonly taskId: string;
}

/**
 * Ask for the predicted time saved if this worker ran each candidate upstream task of `taskId` itself instead of
 * waiting for it. The core does not predict; the interpreter answers `dup-savings` from the plan's predictions and
 * its clock.
 */
export interface EstimateDupSavingsCommand {
  readonly kind: 'estimate-dup-savings';
  readonly taskId: string;
  readonly candidateIds: readonly string[];
}

/**
 * A second copy of an output reached this worker after the first: `duplicate` when a task-dup copy finished after
 * the original arrived, `download` when the original arrived after the copy. The copy is dropped.
 */
export interface DiscardOutputCommand {
  readonly kind: 'discard-output';
  readonly taskId: string;
  readonly copy: 'duplicate' | 'download';
}

/** Store a sink's output as a final result of the run. Answered by `final-output-stored`. */
export interface StoreFinalOutputCommand {
  readonly kind: 'store-final-output';
  readonly taskId: string;
}

/** Tell the client that every sink has its final output stored. */
export interface PublishWorkflowCompletedCommand {
  readonly kind: 'publish-workflow-completed';
}

/** Delete every intermediate output of the run (final outputs stay). */
export interface DeleteIntermediatesCommand {
  readonly kind: 'delete-intermediates';
}

/**
 * Delete the run's coordination metadata: every counter (dependencies, worker-start, sinks-done, cleanup-ready) and
 * every TASK_READY record.
 */
export interface DeleteCountersCommand {
  readonly kind: 'delete-counters';
}

/** The worker has nothing left to do; it gets no more events (its subscriptions end with it). */
export interface ShutDownCommand {
  readonly kind: 'shut-down';
}

/** Commands answered by exactly one event; a worker does not shut down while one is outstanding. */
export const AWAITED_COMMAND_KINDS: ReadonlySet<CommandKind> = new Set<CommandKind>([
  'subscribe',
  'probe-outputs',
  'download',
  'download-static',
  'execute',
  'upload',
  'increment-counter',
  'read-counter',
  'pre-warm',
  'estimate-dup-savings',
  'store-final-output',
]);
