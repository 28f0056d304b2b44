import type { Command } from './commands.js';
import { startRecheck, onDependencyRead } from './delayed-io.js';
import { onWorkerStartClaimed } from './dispatch.js';
import type { WorkerEvent } from './events.js';
import { inputArrived, markReady, outputArrived, startJob, taskInfo } from './jobs.js';
import { learnUploaded, markSettled } from './knowledge.js';
import { emit, newOutbox, type Outbox } from './outbox.js';
import { handleOutput, onDependencyCounter, onUploadDone } from './outputs.js';
import { SchedulerProtocolError } from './protocol-error.js';
import { onCleanupReady, onFinalOutputStored, onSinksDone } from './sink.js';
import { onInvoked, onOutputsProbed, onSubscribed } from './startup.js';
import { onDupSavings, onDuplicateDone } from './task-dup.js';
import type { WorkerData, WorkerState } from './worker-state.js';

/** The next state of a worker and what it asks for, in order. */
export interface StepResult {
  readonly state: WorkerState;
  readonly commands: readonly Command[];
}

/**
 * Advances one worker by one event. Pure in the sans-I/O sense: no clock, no randomness, no I/O; the same state and
 * event give the same commands. `state` is consumed (see `WorkerState`); the event and context are never modified.
 * Throws `SchedulerProtocolError` for an event the worker cannot have been sent.
 */
export function step(state: WorkerState, event: WorkerEvent): StepResult {
  const { ctx, data: w } = state;
  // Stepping a consumed state would fork the shared internals, so it is refused (an O(1) version check).
  if (state.version !== w.version) {
    throw new SchedulerProtocolError('this worker state was already stepped; use the state step returned (or cloneWorkerState)');
  }
  w.version++;
  const out = newOutbox();
  if (w.phase === 'stopped') {
    // Notifications can still be in flight when a worker stops; anything else is an interpreter bug.
    if (event.kind !== 'task-ready' && event.kind !== 'task-completed') {
      throw new SchedulerProtocolError(`worker '${w.plannedWorkerId ?? 'flexible'}' got '${event.kind}' after shutting down`);
    }
    return { state: { ctx, data: w, version: w.version }, commands: [] };
  }
  if ((w.phase === 'created') !== (event.kind === 'invoked')) {
    throw new SchedulerProtocolError(
      w.phase === 'created'
        ? `worker '${w.plannedWorkerId ?? 'flexible'}' got '${event.kind}' before 'invoked'`
        : `worker '${w.plannedWorkerId ?? 'flexible'}' was invoked twice`,
    );
  }
  if (ANSWERS.has(event.kind)) {
    if (w.awaiting === 0) throw new SchedulerProtocolError(`worker '${w.plannedWorkerId ?? 'flexible'}' got '${event.kind}' it did not ask for`);
    w.awaiting--;
  }
  apply(state, w, out, event);
  return { state: { ctx, data: w, version: w.version }, commands: finishStep(state, w, out) };
}

/** Events that answer a command (the rest are the invocation and notifications). */
const ANSWERS: ReadonlySet<WorkerEvent['kind']> = new Set<WorkerEvent['kind']>([
  'subscribed',
  'outputs-probed',
  'download-done',
  'static-download-done',
  'exec-done',
  'upload-done',
  'counter-incremented',
  'counter-read',
  'dup-savings',
  'final-output-stored',
  'pre-warm-done',
]);

function apply(state: WorkerState, w: WorkerData, out: Outbox, event: WorkerEvent): void {
  const ctx = state.ctx;
  switch (event.kind) {
    case 'invoked':
      onInvoked(ctx, w, out, event);
      return;
    case 'subscribed':
      onSubscribed(ctx, w, out);
      return;
    case 'outputs-probed':
      onOutputsProbed(ctx, w, out, event);
      return;
    case 'download-done':
      if (!w.downloading.delete(event.taskId)) throw unexpected(w, event.kind, event.taskId);
      // Only a duplicate can have put the output here meanwhile; the later copy is dropped.
      if (w.local.has(event.taskId)) emit(w, out, { kind: 'discard-output', taskId: event.taskId, copy: 'download' });
      else outputArrived(ctx, w, out, event.taskId, 'none');
      return;
    case 'static-download-done': {
      const job = w.jobs.get(event.taskId);
      // An abandoned duplicate's static input may still arrive; it is simply dropped.
      if (job) inputArrived(w, out, job);
      return;
    }
    case 'exec-done': {
      const job = w.jobs.get(event.taskId);
      if (!job || job.phase !== 'executing') throw unexpected(w, event.kind, event.taskId);
      w.jobs.delete(event.taskId);
      if (job.duplicate) {
        onDuplicateDone(ctx, w, out, event.taskId);
        return;
      }
      if (w.plannedWorkerId !== null && taskInfo(ctx, event.taskId).workerId === w.plannedWorkerId) w.ownedRemaining--;
      handleOutput(ctx, w, out, event.taskId, event.outputBytes);
      return;
    }
    case 'upload-done': {
      const f = w.finishes.get(event.taskId);
      if (!f || f.upload !== 'uploading') throw unexpected(w, event.kind, event.taskId);
      onUploadDone(ctx, w, out, f);
      return;
    }
    case 'counter-incremented': {
      const counter = event.counter;
      if (counter.kind === 'dependencies') {
        const f = w.finishes.get(event.byTaskId);
        if (!f || f.pendingCounters === 0) throw unexpected(w, event.kind, counter.taskId);
        onDependencyCounter(ctx, w, out, counter.taskId, event.value, f);
      } else if (counter.kind === 'worker-start') {
        if (!onWorkerStartClaimed(ctx, w, out, counter.workerId, event.value)) throw unexpected(w, event.kind, counter.workerId);
      } else if (counter.kind === 'sinks-done') {
        onSinksDone(ctx, w, out, event.byTaskId, event.value);
      } else {
        onCleanupReady(ctx, w, out, event.value);
      }
      return;
    }
    case 'counter-read':
      if (event.counter.kind !== 'dependencies') throw unexpected(w, event.kind, event.counter.kind);
      onDependencyRead(ctx, w, out, event.counter.taskId, event.value);
      return;
    case 'task-ready': {
      const info = taskInfo(ctx, event.taskId);
      if (info.workerId === null || info.workerId !== w.plannedWorkerId) throw unexpected(w, event.kind, event.taskId);
      markReady(w, out, event.taskId);
      return;
    }
    case 'task-completed':
      taskInfo(ctx, event.taskId);
      // Without the output in storage the notification tells this worker nothing it can use.
      if (event.uploaded) {
        learnUploaded(ctx, w, out, event.taskId);
        markSettled(ctx, w, out, event.taskId, 'all');
      }
      return;
    case 'dup-savings':
      onDupSavings(ctx, w, out, event);
      return;
    case 'final-output-stored':
      onFinalOutputStored(ctx, w, out, event.taskId);
      return;
    case 'pre-warm-done':
      return;
  }
}

/**
 * Orders the step's commands (bookkeeping, invocations, local work), then, if the worker is idle: re-checks delayed
 * children, or shuts down once it has nothing left to run (a fixed worker: all its tasks done).
 */
function finishStep(state: WorkerState, w: WorkerData, out: Outbox): Command[] {
  for (const invoke of out.invokes) out.commands.push({ kind: 'invoke-worker', ...invoke });
  for (const { taskId, duplicate } of out.ready) startJob(state.ctx, w, out, taskId, duplicate);
  if (w.phase === 'running' && w.awaiting === 0) {
    if (w.uncommitted.size > 0) startRecheck(w, out);
    else if (w.ownedRemaining === 0) {
      w.phase = 'stopped';
      emit(w, out, { kind: 'shut-down' });
    }
  }
  return out.commands;
}

function unexpected(w: WorkerData, kind: string, subject: string): SchedulerProtocolError {
  return new SchedulerProtocolError(`worker '${w.plannedWorkerId ?? 'flexible'}' got unexpected '${kind}' for '${subject}'`);
}
