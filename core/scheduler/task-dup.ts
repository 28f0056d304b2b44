import type { SchedulerContext } from './context.js';
import type { DupSavingsEvent } from './events.js';
import { outputArrived, taskInfo } from './jobs.js';
import { emit, type Outbox } from './outbox.js';
import type { WorkerData } from './worker-state.js';

/**
 * Task-dup, on a fixed worker waiting for `dependent`: if some upstream task planned elsewhere carries task-dup, has
 * not finished, and has all its inputs readable from here, ask the interpreter for the predicted saving of running
 * it here. At most one estimate or duplicate per dependent at a time, as in the reference.
 */
export function considerDuplicating(ctx: SchedulerContext, w: WorkerData, out: Outbox, dependent: string): void {
  if (w.handled.has(dependent) || w.estimating.has(dependent)) return;
  const info = ctx.tasks.get(dependent)!;
  if (info.dupCandidates.some((c) => w.dupInFlight.has(c))) return;
  const candidates = info.dupCandidates.filter((c) => canDuplicate(ctx, w, c));
  if (candidates.length === 0) return;
  w.estimating.add(dependent);
  emit(w, out, { kind: 'estimate-dup-savings', taskId: dependent, candidateIds: candidates });
}

/**
 * The estimate arrived: duplicate the candidate with the largest saving if it exceeds its threshold (the task's
 * `minSavedMs`, else the run's `taskDupMinSavedMs`). Candidates that stopped qualifying meanwhile are skipped.
 */
export function onDupSavings(ctx: SchedulerContext, w: WorkerData, out: Outbox, event: DupSavingsEvent): void {
  w.estimating.delete(event.taskId);
  if (w.handled.has(event.taskId)) return;
  const candidates = taskInfo(ctx, event.taskId).dupCandidates;
  let best: string | undefined;
  let bestSavedMs = -Infinity;
  for (const { taskId, savedMs } of event.savings) {
    if (!candidates.includes(taskId) || !canDuplicate(ctx, w, taskId)) continue;
    const thresholdMs = ctx.tasks.get(taskId)!.taskDup?.minSavedMs ?? ctx.params.taskDupMinSavedMs;
    if (savedMs > thresholdMs && savedMs > bestSavedMs) {
      best = taskId;
      bestSavedMs = savedMs;
    }
  }
  if (best === undefined) return;
  w.dupInFlight.add(best);
  out.ready.push({ taskId: best, duplicate: true });
}

/**
 * A duplicate finished. If the original's output got here first, the copy is discarded; otherwise the copy is the
 * output this worker uses. Either way nothing is uploaded or counted: the original still reports completion.
 */
export function onDuplicateDone(ctx: SchedulerContext, w: WorkerData, out: Outbox, taskId: string): void {
  w.dupInFlight.delete(taskId);
  if (w.local.has(taskId)) emit(w, out, { kind: 'discard-output', taskId, copy: 'duplicate' });
  else outputArrived(ctx, w, out, taskId, 'all');
}

/**
 * A candidate qualifies while its original is not known done and all its inputs are readable from here. A flexible
 * candidate that has an upstream task run here is left alone: this worker's own counter update may make it the one
 * to run the original.
 */
function canDuplicate(ctx: SchedulerContext, w: WorkerData, taskId: string): boolean {
  const info = ctx.tasks.get(taskId)!;
  return (
    !w.available.has(taskId) &&
    !w.handled.has(taskId) &&
    !w.dupInFlight.has(taskId) &&
    info.upstream.every((input) => w.available.has(input)) &&
    (info.workerId !== null || !info.upstream.some((input) => w.handled.has(input)))
  );
}
