import type { Command, WorkerEvent } from '../core/scheduler/index.js';
import type { Execution, Instance, ReplyRecord } from './run-state.js';
import type { PendingInvocation, WorkflowRun } from './workflow-run.js';

/**
 * The events a run owns on the engine, all of one class with every field set in the constructor, so the run's
 * handler and the engine's loop see one object shape (V8 keeps their property loads monomorphic) and an event costs
 * one allocation: a reply carries the command it answers rather than a closure (a closure and its context are two
 * more objects per reply, and most of the garbage of a large simulation was these). Build them with the static
 * factories, which name what each kind carries.
 */

/** What a run's event is. */
export type RunEventKind = 'deliver' | 'exec-finished' | 'start-instance' | 'thread-free' | 'retry-invoke' | 'retry-exec';

export class RunEvent {
  private constructor(
    readonly owner: WorkflowRun,
    readonly kind: RunEventKind,
    readonly instance: Instance,
    /** deliver: the worker event the reply hands the worker, when known when it was sent (notifications, dup savings). */
    readonly reply: WorkerEvent | undefined,
    /**
     * deliver: the command this reply answers, when the answer is made on arrival from the store as it is then
     * (`answerOnArrival` in the run); undefined, with no `reply` either, for a reply that is only recorded.
     */
    readonly command: Command | undefined,
    /** deliver on a single-threaded worker: the reply's record, completed when the worker handles it. */
    readonly record: ReplyRecord | undefined,
    /** deliver through the storage server: the transfer's record, given its real duration when the server slowed it. */
    readonly transfer: ReplyRecord | undefined,
    /** deliver of a download: the bytes it brings. */
    readonly sizeBytes: number,
    /** exec-finished: the execution (its current completion is the one tagged with its version). */
    readonly execution: Execution | undefined,
    /** start-instance: the tasks the instance was invoked with. */
    readonly taskIds: readonly string[] | undefined,
    /** retry-invoke: the invocation to try again. */
    readonly invocation: PendingInvocation | undefined,
    /** retry-exec: the task to execute again, and the attempt it will be. */
    readonly taskId: string | undefined,
    readonly attempt: number,
  ) {}

  /** A reply (or notification) reaching `instance`: see the fields `reply`, `command`, `record`, `transfer`. */
  static deliver(
    owner: WorkflowRun,
    instance: Instance,
    reply: WorkerEvent | undefined,
    command: Command | undefined,
    record: ReplyRecord | undefined,
    transfer: ReplyRecord | undefined,
    sizeBytes = 0,
  ): RunEvent {
    return new RunEvent(owner, 'deliver', instance, reply, command, record, transfer, sizeBytes, undefined, undefined, undefined, undefined, 0);
  }

  /** An execution's completion; pushed again, tagged with the execution's version, whenever its speed changes. */
  static execFinished(owner: WorkflowRun, execution: Execution): RunEvent {
    return new RunEvent(owner, 'exec-finished', execution.instance, undefined, undefined, undefined, undefined, 0, execution, undefined, undefined, undefined, 0);
  }

  /** An instance's start-up is over: it handles its invocation. */
  static startInstance(owner: WorkflowRun, instance: Instance, taskIds: readonly string[]): RunEvent {
    return new RunEvent(owner, 'start-instance', instance, undefined, undefined, undefined, undefined, 0, undefined, taskIds, undefined, undefined, 0);
  }

  /** A single-threaded worker's thread may take its next queued task. */
  static threadFree(owner: WorkflowRun, instance: Instance): RunEvent {
    return new RunEvent(owner, 'thread-free', instance, undefined, undefined, undefined, undefined, 0, undefined, undefined, undefined, undefined, 0);
  }

  /** Lambda retries a failed invocation (`instance` is unused: the invocation has none yet). */
  static retryInvoke(owner: WorkflowRun, invocation: PendingInvocation): RunEvent {
    return new RunEvent(owner, 'retry-invoke', NO_INSTANCE, undefined, undefined, undefined, undefined, 0, undefined, undefined, invocation, undefined, 0);
  }

  /** A worker retries a failed task attempt. */
  static retryExec(owner: WorkflowRun, instance: Instance, taskId: string, attempt: number): RunEvent {
    return new RunEvent(owner, 'retry-exec', instance, undefined, undefined, undefined, undefined, 0, undefined, undefined, undefined, taskId, attempt);
  }
}

/** The `instance` of an event that has none (a retried invocation): never read. */
const NO_INSTANCE = undefined as unknown as Instance;
