import type { SchedulerContext } from './context.js';
import { emit, type Outbox } from './outbox.js';
import type { WorkerData } from './worker-state.js';

/** A sink ran here: store its output as a final result first (the client reads it on TASK_COMPLETED). */
export function startSink(w: WorkerData, out: Outbox, taskId: string): void {
  emit(w, out, { kind: 'store-final-output', taskId });
}

/**
 * The sink's final output is stored: publish its TASK_COMPLETED, then count it. With several sinks, the worker whose
 * `sinks-done` increment reaches their number publishes the run's completion.
 */
export function onFinalOutputStored(ctx: SchedulerContext, w: WorkerData, out: Outbox, taskId: string): void {
  emit(w, out, { kind: 'publish-task-completed', taskId, uploaded: false });
  if (ctx.sinks.length === 1) sinkCounted(ctx, w, out, taskId, true);
  else emit(w, out, { kind: 'increment-counter', counter: { kind: 'sinks-done' }, byTaskId: taskId });
}

/** The `sinks-done` counter answered for `taskId`. */
export function onSinksDone(ctx: SchedulerContext, w: WorkerData, out: Outbox, taskId: string, value: number): void {
  sinkCounted(ctx, w, out, taskId, value === ctx.sinks.length);
}

/**
 * A task that may have been duplicated elsewhere is done with storage (uploaded, counters reported): the run may
 * only be cleaned up after it, or its late reads and writes would hit deleted or leaked keys.
 */
export function onDupOriginalSettled(w: WorkerData, out: Outbox, taskId: string): void {
  reportCleanupReady(w, out, taskId);
}

/** The `cleanup-ready` counter answered: the last of the sinks and duplicable originals cleans up. */
export function onCleanupReady(ctx: SchedulerContext, w: WorkerData, out: Outbox, value: number): void {
  if (value === ctx.sinks.length + ctx.dupOriginals.size) cleanUp(w, out);
}

/**
 * A sink's count is in. The last one tells the client. Without duplicable tasks, all sinks counted means every task
 * and every counter update is done, so the last one also cleans up; with them, each sink reports `cleanup-ready`
 * only now, so the cleanup cannot delete a `sinks-done` increment still on its way.
 */
function sinkCounted(ctx: SchedulerContext, w: WorkerData, out: Outbox, taskId: string, last: boolean): void {
  if (last) emit(w, out, { kind: 'publish-workflow-completed' });
  if (ctx.dupOriginals.size > 0) reportCleanupReady(w, out, taskId);
  else if (last) cleanUp(w, out);
}

function reportCleanupReady(w: WorkerData, out: Outbox, taskId: string): void {
  emit(w, out, { kind: 'increment-counter', counter: { kind: 'cleanup-ready' }, byTaskId: taskId });
}

/**
 * Delete the intermediate outputs and the coordination metadata: counters and TASK_READY records (the reference
 * deletes only the outputs; its counter deletion targets the wrong store, so counters leak).
 */
function cleanUp(w: WorkerData, out: Outbox): void {
  emit(w, out, { kind: 'delete-intermediates' });
  emit(w, out, { kind: 'delete-counters' });
}
