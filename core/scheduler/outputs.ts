import { sameResources } from '../resources.js';
import type { SchedulerContext } from './context.js';
import { dispatchReady } from './dispatch.js';
import { newFinish, settle } from './finish.js';
import { outputArrived, taskInfo } from './jobs.js';
import { emit, type Outbox } from './outbox.js';
import { startSink } from './sink.js';
import type { Finish, WorkerData } from './worker-state.js';

/**
 * A task ran here and its output is on this worker. Decides, per downstream task, what the output needs:
 * - a child on this fixed worker needs nothing moved; a counted one gets its counter incremented at once;
 * - a child on another fixed worker, or a flexible child needing other resources, runs elsewhere: upload, then
 *   increment its counter (or hand it on directly when this is its only upstream task);
 * - flexible children (default path): one with no other upstream task continues here, the rest go to new workers
 *   after the upload; a fan-in child's counter is incremented after the upload and the increment that completes it
 *   decides who proceeds;
 * - flexible children of a large output with clustering on, when nothing else forces an upload: all run here; a
 *   fan-in child's counter is read first and, if every other upstream task is done, it runs here without the output
 *   ever being uploaded; otherwise it is delayed (delayed I/O) or reported at once.
 * The output is uploaded only when a consumer may run on another worker, and always before a counter increment
 * that could let another worker read it (write before signal).
 */
export function handleOutput(ctx: SchedulerContext, w: WorkerData, out: Outbox, taskId: string, outputBytes: number): void {
  const info = taskInfo(ctx, taskId);
  outputArrived(ctx, w, out, taskId, 'uncounted');
  if (info.downstream.length === 0) {
    startSink(w, out, taskId);
    return;
  }
  const large = ctx.params.clustering && outputBytes > ctx.params.largeOutputThresholdBytes;
  const f = newFinish(w, taskId, outputBytes, large);

  const localCounted: string[] = [];
  const elsewhere: string[] = [];
  const flexSingle: string[] = [];
  const flexFanIn: string[] = [];
  for (const child of info.downstream) {
    const c = ctx.tasks.get(child)!;
    if (c.workerId !== null && c.workerId === w.plannedWorkerId) {
      if (c.usesCounter) localCounted.push(child);
    } else if (c.workerId !== null || !sameResources(c.resources, w.resources)) {
      elsewhere.push(child);
    } else if (c.upstream.length === 1) {
      flexSingle.push(child);
    } else {
      flexFanIn.push(child);
    }
  }
  const mustUpload = elsewhere.length > 0 || (!large && (flexFanIn.length > 0 || flexSingle.length > 1));
  if (mustUpload) {
    f.upload = 'uploading';
    emit(w, out, { kind: 'upload', taskId, outputBytes });
  }
  for (const child of localCounted) increment(w, out, f, child);
  for (const child of elsewhere) {
    if (ctx.tasks.get(child)!.usesCounter) f.commitsAfterUpload.push(child);
    else f.dispatchesAfterUpload.push(child);
  }
  for (const child of flexSingle) {
    if (large || !f.becomeUsed) dispatchReady(ctx, w, out, child, f);
    else f.dispatchesAfterUpload.push(child);
  }
  for (const child of flexFanIn) {
    if (mustUpload) {
      f.commitsAfterUpload.push(child);
    } else {
      // Clustering: ask whether the child would be ready if this output counted, before deciding to upload it.
      addUncommitted(w, f, child);
      emit(w, out, { kind: 'read-counter', counter: { kind: 'dependencies', taskId: child } });
    }
  }
  settle(ctx, w, out, f);
}

/** The upload finished: report completion to the children that waited for it. */
export function onUploadDone(ctx: SchedulerContext, w: WorkerData, out: Outbox, f: Finish): void {
  f.upload = 'done';
  const commits = f.commitsAfterUpload.splice(0);
  const dispatches = f.dispatchesAfterUpload.splice(0);
  for (const child of commits) increment(w, out, f, child);
  for (const child of dispatches) dispatchReady(ctx, w, out, child, f);
  settle(ctx, w, out, f);
}

/**
 * A dependency counter answered (after an increment by `f`'s task, or a read). The child is ready for this worker
 * when the value plus this worker's unreported completions equals its upstream count. A read counts only while this
 * worker holds an unreported completion: then nobody else can complete the child.
 */
export function onDependencyCounter(
  ctx: SchedulerContext,
  w: WorkerData,
  out: Outbox,
  child: string,
  value: number,
  incrementedBy: Finish | undefined,
): 'ran-here' | 'not-ready' {
  const held = w.uncommitted.get(child);
  const heldCount = held?.length ?? 0;
  let outcome: 'ran-here' | 'not-ready' = 'not-ready';
  if (!w.handled.has(child) && (incrementedBy || heldCount > 0) && value + heldCount === taskInfo(ctx, child).upstream.length) {
    releaseUncommitted(ctx, w, out, child);
    dispatchReady(ctx, w, out, child, heldCount > 0 || !incrementedBy ? 'local' : incrementedBy);
    outcome = 'ran-here';
  }
  if (incrementedBy) {
    // Settle after the hand-off, so TASK_COMPLETED follows everything this completion caused.
    incrementedBy.pendingCounters--;
    settle(ctx, w, out, incrementedBy);
  }
  return outcome;
}

/** Reports every unreported completion towards `child`: upload each output (once), then increment. */
export function commitAll(w: WorkerData, out: Outbox, child: string): void {
  const producers = w.uncommitted.get(child);
  if (!producers) return;
  w.uncommitted.delete(child);
  for (const producer of producers) {
    const f = w.finishes.get(producer)!;
    f.uncommittedChildren--;
    if (f.upload === 'done') {
      increment(w, out, f, child);
      continue;
    }
    f.commitsAfterUpload.push(child);
    if (f.upload === 'none') {
      f.upload = 'uploading';
      emit(w, out, { kind: 'upload', taskId: producer, outputBytes: f.outputBytes });
    }
  }
}

function increment(w: WorkerData, out: Outbox, f: Finish, child: string): void {
  f.pendingCounters++;
  emit(w, out, { kind: 'increment-counter', counter: { kind: 'dependencies', taskId: child }, byTaskId: f.taskId });
}

function addUncommitted(w: WorkerData, f: Finish, child: string): void {
  f.uncommittedChildren++;
  const list = w.uncommitted.get(child);
  if (list) list.push(f.taskId);
  else w.uncommitted.set(child, [f.taskId]);
}

/** The child runs here on outputs already here: its unreported completions never need reporting. */
function releaseUncommitted(ctx: SchedulerContext, w: WorkerData, out: Outbox, child: string): void {
  const producers = w.uncommitted.get(child);
  if (!producers) return;
  w.uncommitted.delete(child);
  for (const producer of producers) {
    const f = w.finishes.get(producer)!;
    f.uncommittedChildren--;
    settle(ctx, w, out, f);
  }
}
