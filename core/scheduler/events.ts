import type { CounterRef } from './commands.js';

/**
 * What a worker learns: its invocation, the outcome of a command it issued, or a notification it subscribed to.
 * The interpreter delivers them one at a time to `step`.
 */
export type WorkerEvent =
  | InvokedEvent
  | SubscribedEvent
  | OutputsProbedEvent
  | DownloadDoneEvent
  | StaticDownloadDoneEvent
  | ExecDoneEvent
  | UploadDoneEvent
  | CounterIncrementedEvent
  | CounterReadEvent
  | TaskReadyEvent
  | TaskCompletedEvent
  | DupSavingsEvent
  | FinalOutputStoredEvent
  | PreWarmDoneEvent;

export type WorkerEventKind = WorkerEvent['kind'];

/**
 * The worker started. `taskIds` are ready to run (the roots a fixed worker owns, or the tasks another worker
 * delegated to it). `preWarm`: an empty warm-up invocation, which shuts down at once.
 */
export interface InvokedEvent {
  readonly kind: 'invoked';
  readonly taskIds: readonly string[];
  readonly preWarm?: boolean;
}

/** The worker's `subscribe` is in effect. */
export interface SubscribedEvent {
  readonly kind: 'subscribed';
}

/** Answer to `probe-outputs`: the probed outputs in intermediate storage, and the probed tasks with a TASK_READY record. */
export interface OutputsProbedEvent {
  readonly kind: 'outputs-probed';
  readonly existing: readonly string[];
  /** Omitted means none (an interpreter that keeps no TASK_READY records can lose a TASK_READY to a late subscriber). */
  readonly readyTaskIds?: readonly string[];
}

/** `taskId`'s output is now on this worker. */
export interface DownloadDoneEvent {
  readonly kind: 'download-done';
  readonly taskId: string;
}

/** `taskId`'s static input is now on this worker. */
export interface StaticDownloadDoneEvent {
  readonly kind: 'static-download-done';
  readonly taskId: string;
}

/** The task ran; its output (of `outputBytes`) is on this worker. */
export interface ExecDoneEvent {
  readonly kind: 'exec-done';
  readonly taskId: string;
  readonly outputBytes: number;
}

/** `taskId`'s output is in intermediate storage. */
export interface UploadDoneEvent {
  readonly kind: 'upload-done';
  readonly taskId: string;
}

/** Answer to `increment-counter`: the value after this worker's increment. */
export interface CounterIncrementedEvent {
  readonly kind: 'counter-incremented';
  readonly counter: CounterRef;
  readonly byTaskId: string;
  readonly value: number;
}

/** Answer to `read-counter`. */
export interface CounterReadEvent {
  readonly kind: 'counter-read';
  readonly counter: CounterRef;
  readonly value: number;
}

/** TASK_READY: every input of `taskId` (owned by this worker) is available. */
export interface TaskReadyEvent {
  readonly kind: 'task-ready';
  readonly taskId: string;
}

/** TASK_COMPLETED: `taskId` finished and its worker reported it; `uploaded`: its output is in intermediate storage. */
export interface TaskCompletedEvent {
  readonly kind: 'task-completed';
  readonly taskId: string;
  readonly uploaded: boolean;
}

/** Answer to `estimate-dup-savings`: predicted ms saved by duplicating each candidate (missing: no estimate). */
export interface DupSavingsEvent {
  readonly kind: 'dup-savings';
  readonly taskId: string;
  readonly savings: readonly { readonly taskId: string; readonly savedMs: number }[];
}

/** The sink's final output is stored. */
export interface FinalOutputStoredEvent {
  readonly kind: 'final-output-stored';
  readonly taskId: string;
}

/** The delayed warm-up invocation of a `pre-warm` command was sent. */
export interface PreWarmDoneEvent {
  readonly kind: 'pre-warm-done';
}
