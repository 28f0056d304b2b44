import type { SchedulerContext } from './context.js';
import { fetch, markReady } from './jobs.js';
import type { Outbox } from './outbox.js';
import { considerDuplicating } from './task-dup.js';
import type { WorkerData } from './worker-state.js';

/**
 * This worker learned that `taskId`'s output can be read (it is here, or it was uploaded): start pre-loads of it
 * for owned tasks, and reconsider the duplications it enables.
 */
export function markAvailable(ctx: SchedulerContext, w: WorkerData, out: Outbox, taskId: string): void {
  if (w.available.has(taskId)) return;
  w.available.add(taskId);
  const own = w.plannedWorkerId;
  if (own === null) return;
  if (!w.local.has(taskId)) {
    for (const child of ctx.tasks.get(taskId)!.downstream) {
      const c = ctx.tasks.get(child)!;
      // Pre-load: fetch now, while other tasks run, rather than when the child starts.
      if (c.preLoad && c.workerId === own && !w.handled.has(child)) fetch(w, out, taskId, child);
    }
  }
  const triggers = ctx.fixedWorkers.get(own)?.dupTriggers.get(taskId);
  if (triggers) for (const dependent of triggers) considerDuplicating(ctx, w, out, dependent);
}

/**
 * This worker learned that `taskId` finished and was fully reported. A fixed worker runs an owned task as soon as
 * all its upstream tasks are settled, without waiting for TASK_READY. `children` says which owned children learn it:
 * a task that ran here settles its uncounted children at once (no counter is involved) and its counted children only
 * once its own increments are answered, so no increment of a task that already ran can outlive the run.
 */
export function markSettled(
  ctx: SchedulerContext,
  w: WorkerData,
  out: Outbox,
  taskId: string,
  children: 'all' | 'counted' | 'uncounted',
): void {
  if (children === 'all') {
    // A task that ran here settles through its own finish, even if this worker also follows its TASK_COMPLETED.
    if (w.settled.has(taskId) || w.handled.has(taskId)) return;
    w.settled.add(taskId);
  }
  const own = w.plannedWorkerId;
  if (own === null) return;
  for (const child of ctx.tasks.get(taskId)!.downstream) {
    const c = ctx.tasks.get(child)!;
    if (c.workerId !== own || w.handled.has(child)) continue;
    if (children !== 'all' && (children === 'counted') !== c.usesCounter) continue;
    const settled = (w.settledUpstreams.get(child) ?? 0) + 1;
    if (settled === c.upstream.length) markReady(w, out, child);
    else w.settledUpstreams.set(child, settled);
  }
}

/**
 * `taskId`'s original output is in storage (TASK_COMPLETED, or found by a probe). A duplicate of it still gathering
 * inputs is abandoned: the original won before the copy even ran.
 */
export function learnUploaded(ctx: SchedulerContext, w: WorkerData, out: Outbox, taskId: string): void {
  const job = w.jobs.get(taskId);
  if (job && job.duplicate && job.phase === 'gathering') {
    job.phase = 'abandoned';
    w.jobs.delete(taskId);
    w.dupInFlight.delete(taskId);
  }
  markAvailable(ctx, w, out, taskId);
}
