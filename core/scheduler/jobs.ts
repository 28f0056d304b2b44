import type { SchedulerContext, TaskInfo } from './context.js';
import { emit, type Outbox } from './outbox.js';
import { markAvailable, markSettled } from './knowledge.js';
import { SchedulerProtocolError } from './protocol-error.js';
import type { Job, WorkerData } from './worker-state.js';

/** Looks a task up, failing loudly on an id the workflow does not have. */
export function taskInfo(ctx: SchedulerContext, taskId: string): TaskInfo {
  const info = ctx.tasks.get(taskId);
  if (!info) throw new SchedulerProtocolError(`unknown task '${taskId}' in workflow '${ctx.workflow.name}'`);
  return info;
}

/** Takes a task on: it runs here once the step ends. Idempotent, so every readiness signal may call it. */
export function markReady(w: WorkerData, out: Outbox, taskId: string): void {
  if (w.handled.has(taskId)) return;
  w.handled.add(taskId);
  w.settledUpstreams.delete(taskId);
  out.ready.push({ taskId, duplicate: false });
}

/** Starts gathering a task's inputs: outputs not here are downloaded, then it executes. */
export function startJob(ctx: SchedulerContext, w: WorkerData, out: Outbox, taskId: string, duplicate: boolean): void {
  const info = taskInfo(ctx, taskId);
  if (w.jobs.has(taskId)) throw new Error(`internal: task '${taskId}' started twice on one worker`);
  const job: Job = { taskId, duplicate, missing: 0, phase: 'gathering' };
  w.jobs.set(taskId, job);
  if (!duplicate && info.preWarm) {
    emit(w, out, { kind: 'pre-warm', resources: info.preWarm.targetResources, delayMs: info.preWarm.delayMs ?? 0, taskId });
  }
  for (const input of info.upstream) {
    if (w.local.has(input)) continue;
    job.missing++;
    const list = w.waiters.get(input);
    if (list) list.push(job);
    else w.waiters.set(input, [job]);
    // A readiness signal means every input exists; a duplicate starts only when its inputs do. So the original is
    // always there to fetch, even while a duplicate of it runs here (the first copy to arrive wins).
    fetch(w, out, input, taskId);
  }
  if (info.staticInputBytes > 0) {
    job.missing++;
    emit(w, out, { kind: 'download-static', taskId });
  }
  if (job.missing === 0) execute(w, out, job);
}

/** Downloads an output unless it is here or on its way. */
export function fetch(w: WorkerData, out: Outbox, taskId: string, forTaskId: string): void {
  if (w.local.has(taskId) || w.downloading.has(taskId)) return;
  w.downloading.add(taskId);
  emit(w, out, { kind: 'download', taskId, forTaskId });
}

/**
 * An output is now on this worker, so jobs gathering it may start executing. `settles`: which of this worker's own
 * tasks may count it as settled now (see `markSettled`): none for a download, the uncounted children for a task that
 * ran here, all for a duplicate.
 */
export function outputArrived(
  ctx: SchedulerContext,
  w: WorkerData,
  out: Outbox,
  taskId: string,
  settles: 'none' | 'uncounted' | 'all',
): void {
  w.local.add(taskId);
  const waiting = w.waiters.get(taskId);
  if (waiting) {
    w.waiters.delete(taskId);
    for (const job of waiting) inputArrived(w, out, job);
  }
  markAvailable(ctx, w, out, taskId);
  if (settles !== 'none') markSettled(ctx, w, out, taskId, settles);
}

/** One more input of `job` is here. */
export function inputArrived(w: WorkerData, out: Outbox, job: Job): void {
  if (job.phase !== 'gathering') return;
  job.missing--;
  if (job.missing === 0) execute(w, out, job);
}

function execute(w: WorkerData, out: Outbox, job: Job): void {
  job.phase = 'executing';
  emit(w, out, { kind: 'execute', taskId: job.taskId, duplicate: job.duplicate });
}
