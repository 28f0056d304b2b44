import { sameResources } from '../resources.js';
import type { SchedulerContext, TaskInfo } from './context.js';
import { settle } from './finish.js';
import { markReady, taskInfo } from './jobs.js';
import { emit, queueFixedInvoke, queueFlexibleInvoke, type Outbox } from './outbox.js';
import type { Finish, WorkerData } from './worker-state.js';

/**
 * Hands on a task whose inputs all exist, unlocked by this worker. `via` is the output that unlocked it: on the
 * default path one flexible child continues here (WUKONG's become) and the others go to new workers; `'local'`
 * (clustering, delayed I/O) keeps it here. A flexible task needs a worker of its planned resources, so a worker of
 * other resources always delegates it.
 */
export function dispatchReady(
  ctx: SchedulerContext,
  w: WorkerData,
  out: Outbox,
  taskId: string,
  via: Finish | 'local',
): void {
  const info = taskInfo(ctx, taskId);
  if (info.workerId !== null) {
    dispatchFixed(ctx, w, out, info, via === 'local' ? undefined : via);
  } else if (!sameResources(info.resources, w.resources)) {
    queueFlexibleInvoke(out, info.resources, taskId);
  } else if (via === 'local' || via.large) {
    markReady(w, out, taskId);
  } else if (!via.becomeUsed) {
    via.becomeUsed = true;
    markReady(w, out, taskId);
  } else {
    queueFlexibleInvoke(out, info.resources, taskId);
  }
}

/**
 * A ready task planned on a fixed worker. Its own tasks run here. Another fixed worker is invoked exactly once in
 * a run, by whoever is sure to be first:
 * - a worker owning a root task is started by the client, and a task with an upstream task on its own worker can
 *   only be ready once that worker runs: both get TASK_READY;
 * - a worker with a single entry task is invoked by the one completion that unlocks that task;
 * - a worker with several entry tasks is invoked by the first to claim its start counter; the others send
 *   TASK_READY. (The reference invokes whenever no upstream task shares the worker id, which can start a second
 *   instance of a worker that is already running.)
 */
function dispatchFixed(ctx: SchedulerContext, w: WorkerData, out: Outbox, info: TaskInfo, producer: Finish | undefined): void {
  const target = info.workerId!;
  if (target === w.plannedWorkerId) {
    markReady(w, out, info.id);
    return;
  }
  const worker = ctx.fixedWorkers.get(target)!;
  if (worker.ownsRoot || !info.entry || w.startedWorkers.has(target)) {
    emit(w, out, { kind: 'publish-task-ready', taskId: info.id, workerId: target });
    return;
  }
  if (worker.entryCount === 1) {
    w.startedWorkers.add(target);
    queueFixedInvoke(out, target, worker.resources, info.id);
    return;
  }
  // The producer's TASK_COMPLETED waits for the claim, so nobody acting on it can outrun this hand-off.
  if (producer) producer.pendingCounters++;
  const pending = w.pendingClaims.get(target);
  if (pending) {
    pending.taskIds.push(info.id);
    if (producer) pending.producers.push(producer.taskId);
    return;
  }
  w.pendingClaims.set(target, { taskIds: [info.id], producers: producer ? [producer.taskId] : [] });
  emit(w, out, { kind: 'increment-counter', counter: { kind: 'worker-start', workerId: target }, byTaskId: info.id });
}

/** The worker-start claim for `workerId` returned `value`: 1 means this worker starts it. */
export function onWorkerStartClaimed(
  ctx: SchedulerContext,
  w: WorkerData,
  out: Outbox,
  workerId: string,
  value: number,
): boolean {
  const pending = w.pendingClaims.get(workerId);
  if (!pending) return false;
  w.pendingClaims.delete(workerId);
  w.startedWorkers.add(workerId);
  const worker = ctx.fixedWorkers.get(workerId)!;
  for (const taskId of pending.taskIds) {
    if (value === 1) queueFixedInvoke(out, workerId, worker.resources, taskId);
    else emit(w, out, { kind: 'publish-task-ready', taskId, workerId });
  }
  for (const producer of pending.producers) {
    const f = w.finishes.get(producer)!;
    f.pendingCounters--;
    settle(ctx, w, out, f);
  }
  return true;
}
