import type { SchedulerContext } from './context.js';
import { markSettled } from './knowledge.js';
import { emit, type Outbox } from './outbox.js';
import { onDupOriginalSettled } from './sink.js';
import type { Finish, WorkerData } from './worker-state.js';

/** Starts tracking what a task's output still needs. */
export function newFinish(w: WorkerData, taskId: string, outputBytes: number, large: boolean): Finish {
  const f: Finish = {
    taskId,
    outputBytes,
    large,
    upload: 'none',
    commitsAfterUpload: [],
    dispatchesAfterUpload: [],
    becomeUsed: false,
    pendingCounters: 0,
    uncommittedChildren: 0,
  };
  w.finishes.set(taskId, f);
  return f;
}

/**
 * Once nothing about a task's output is pending, publish TASK_COMPLETED and forget the finish (keeps long chains
 * from accumulating records). Publishing only now means a worker acting on TASK_COMPLETED never races this worker's
 * own reporting. A task others may duplicate also reports that it no longer needs storage.
 */
export function settle(ctx: SchedulerContext, w: WorkerData, out: Outbox, f: Finish): void {
  if (
    f.upload === 'uploading' ||
    f.pendingCounters > 0 ||
    f.uncommittedChildren > 0 ||
    f.commitsAfterUpload.length > 0 ||
    f.dispatchesAfterUpload.length > 0 ||
    !w.finishes.has(f.taskId)
  ) {
    return;
  }
  w.finishes.delete(f.taskId);
  emit(w, out, { kind: 'publish-task-completed', taskId: f.taskId, uploaded: f.upload === 'done' });
  markSettled(ctx, w, out, f.taskId, 'counted');
  if (ctx.dupOriginals.has(f.taskId)) onDupOriginalSettled(w, out, f.taskId);
}
