import type { ResourceConfig } from '../core/resources.js';
import type { WorkerState } from '../core/scheduler/index.js';
import type { RoundTripRecord, TransferRecord } from '../core/trace-records.js';
import type { RunEvent } from './run-event.js';

/** What a run keeps while it goes: its worker instances, their tasks' progress and executions (shared by the run and the record builder). */

/** A worker instance (one Lambda invocation) in the simulation. */
export interface Instance {
  readonly id: string;
  readonly plannedWorkerId: string | null;
  readonly resources: ResourceConfig;
  readonly preWarm: boolean;
  readonly invokedAtMs: number;
  readyAtMs: number;
  endedAtMs: number;
  start: 'cold' | 'warm';
  startupMs: number;
  /** The scheduler core's state of the worker; dropped when it shuts down (it is never stepped again). */
  state: WorkerState | undefined;
  stopped: boolean;
  /** Sizes of outputs held on this instance. */
  readonly held: Map<string, number>;
  /** Tasks executing here, for CPU sharing. */
  readonly running: Set<Execution>;
  /**
   * Single-threaded worker (`cpu.singleThreadedWorker`): the task whose code runs on the thread now, the tasks queued
   * behind it, the replies that arrived meanwhile, whether a wake-up of the thread is queued, and the spans the
   * thread ran task code in (completed ones, in order).
   */
  runningTask?: Execution;
  readonly pendingTasks: { readonly taskId: string; readonly attempt: number }[];
  readonly heldReplies: RunEvent[];
  threadWakeQueued: boolean;
  readonly busy: ThreadSpan[];
  /** Per task handled here: the trace record being built. */
  readonly tasks: Map<string, TaskProgress>;
  /** The task executed here last: where a round trip naming no task of this instance is charged (as the runtime does). */
  lastExecuted?: TaskProgress;
}

export interface TaskProgress {
  /** 1 for the first attempt; the attempt that produced the output when the task ran more than once. */
  attempt: number;
  startMs: number;
  inputBytes: number;
  outputBytes: number;
  execMs: number;
  /** When the execution that produced the output finished; undefined while no attempt has (none began, or all failed). */
  execEndMs: number | undefined;
  endMs: number;
  readonly downloads: TransferRecord[];
  readonly uploads: TransferRecord[];
  readonly counterOps: RoundTripRecord[];
  readonly publishOps: RoundTripRecord[];
}

/** Times in records are kept to microseconds, so files stay readable and byte-stable across platforms. */
export function r3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** When a single-threaded worker's thread runs one task's code. */
export interface ThreadSpan {
  readonly startMs: number;
  readonly endMs: number;
}

/** A reply's record (transfer or round trip), completed when the worker handles the reply. */
export interface ReplyRecord {
  readonly startMs: number;
  durationMs: number;
  threadBusyMs?: number;
}

/** A task executing under processor sharing: work is measured in ms of running alone on its worker. */
export interface Execution {
  readonly instance: Instance;
  readonly taskId: string;
  readonly startMs: number;
  remainingAloneMs: number;
  lastUpdateMs: number;
  /** Bumped on every reschedule; a completion event with an older version is stale. */
  version: number;
  readonly outputBytes: number;
  /** Its completion event, made when first scheduled and pushed again (tagged with `version`) on every reschedule. */
  finishEvent: RunEvent | undefined;
}

/** A task attempt that failed: its time was spent, its output discarded. */
export interface FailedAttempt {
  readonly instance: Instance;
  readonly taskId: string;
  readonly attempt: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly inputBytes: number;
}

/** How a run ended: completed, failed (retries exhausted), or unfinished (the core stopped without completing). */
export type RunOutcome = { status: 'completed'; atMs: number } | { status: 'failed'; atMs: number; why: string } | { status: 'unfinished' };
