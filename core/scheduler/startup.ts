import type { SchedulerContext } from './context.js';
import type { InvokedEvent, OutputsProbedEvent } from './events.js';
import { markReady, taskInfo } from './jobs.js';
import { learnUploaded } from './knowledge.js';
import { emit, type Outbox } from './outbox.js';
import { SchedulerProtocolError } from './protocol-error.js';
import type { WorkerData } from './worker-state.js';

/**
 * The worker started. A pre-warm invocation shuts down at once (it only leaves a warm instance behind). A flexible
 * worker runs its tasks. A fixed worker first subscribes to TASK_READY for its tasks that depend on other workers
 * and TASK_COMPLETED for its pre-loads and duplication candidates, and runs its invocation tasks once subscribed
 * (a task it runs could unlock one of its own tasks whose TASK_READY it must not miss).
 */
export function onInvoked(ctx: SchedulerContext, w: WorkerData, out: Outbox, event: InvokedEvent): void {
  if (event.preWarm) {
    w.phase = 'stopped';
    emit(w, out, { kind: 'shut-down' });
    return;
  }
  const own = w.plannedWorkerId;
  for (const taskId of event.taskIds) {
    const planned = taskInfo(ctx, taskId).workerId;
    if (planned !== own) {
      throw new SchedulerProtocolError(
        `worker '${own ?? 'flexible'}' invoked with task '${taskId}', which is planned on '${planned ?? 'a flexible worker'}'`,
      );
    }
  }
  if (own === null) {
    w.phase = 'running';
    for (const taskId of event.taskIds) markReady(w, out, taskId);
    return;
  }
  const worker = ctx.fixedWorkers.get(own);
  if (!worker) throw new SchedulerProtocolError(`no task of workflow '${ctx.workflow.name}' is planned on worker '${own}'`);
  w.ownedRemaining = worker.tasks.length;
  const invoked = new Set(event.taskIds);
  const readyTaskIds = worker.readySubscriptions.filter((id) => !invoked.has(id));
  const completedTaskIds = worker.completedSubscriptions;
  if (readyTaskIds.length === 0 && completedTaskIds.length === 0) {
    w.phase = 'running';
    for (const taskId of event.taskIds) markReady(w, out, taskId);
    return;
  }
  w.phase = 'subscribing';
  w.deferredStart = event.taskIds;
  emit(w, out, { kind: 'subscribe', readyTaskIds, completedTaskIds });
}

/**
 * Subscriptions are in effect. Probe what may have gone by before: TASK_READY records of entry tasks (unlocked
 * before this worker existed; the reference checks their inputs instead) and the outputs of TASK_COMPLETED
 * subscriptions. Then run the invocation tasks.
 */
export function onSubscribed(ctx: SchedulerContext, w: WorkerData, out: Outbox): void {
  w.phase = 'running';
  const worker = ctx.fixedWorkers.get(w.plannedWorkerId!)!;
  const invoked = new Set(w.deferredStart);
  const readyTaskIds = worker.tasks.filter((id) => {
    const info = ctx.tasks.get(id)!;
    return info.entry && info.upstream.length > 0 && !invoked.has(id) && !w.handled.has(id);
  });
  const taskIds = worker.completedSubscriptions.filter((id) => !w.available.has(id));
  if (readyTaskIds.length > 0 || taskIds.length > 0) emit(w, out, { kind: 'probe-outputs', taskIds, readyTaskIds });
  const start = w.deferredStart;
  w.deferredStart = [];
  for (const taskId of start) markReady(w, out, taskId);
}

/**
 * The probe answered. Outputs found are available (pre-load, task-dup) but not settled: their producers may still be
 * reporting, so only TASK_COMPLETED lets this worker run a task early. Tasks found ready run.
 */
export function onOutputsProbed(ctx: SchedulerContext, w: WorkerData, out: Outbox, event: OutputsProbedEvent): void {
  for (const taskId of event.existing) learnUploaded(ctx, w, out, taskId);
  for (const taskId of event.readyTaskIds ?? []) {
    if (taskInfo(ctx, taskId).workerId !== w.plannedWorkerId) {
      throw new SchedulerProtocolError(`worker '${w.plannedWorkerId}' probed TASK_READY of '${taskId}', which is not its task`);
    }
    markReady(w, out, taskId);
  }
}
