import type { Plan } from '../core/plan.js';
import { planRunHeader, type RunHeader, type TaskRecord, type TraceRecord, type TraceRun, type TransferRecord, type WorkerRecord } from '../core/trace-records.js';
import type { Workflow } from '../core/workflow.js';
import { initMs } from './platform-model.js';
import { r3, type FailedAttempt, type Instance, type RunOutcome } from './run-state.js';
import type { SimulationOptions } from './simulation-types.js';

/**
 * The record builder: turns what a run kept (its instances, their tasks' progress, failed attempts, how it ended) into
 * trace records in the common format, times rounded to microseconds, workers and tasks in a stable order.
 *
 * Built once per run, when it is over, and for a large run it is a good share of the whole simulation, so it copies
 * little: transfer records are rounded in place (a transfer is complete by then; rounding is idempotent, so building
 * twice gives the same records) and the lists a run kept become the records' lists; the records of one worker share
 * its resources object. A caller that edits records must copy them first.
 */

/** The trace records of one run, header first and run-end last. */
export function buildRecords(
  runId: string,
  workflow: Workflow,
  plan: Plan,
  options: SimulationOptions,
  instances: readonly Instance[],
  failedAttempts: readonly FailedAttempt[],
  outcome: RunOutcome,
  retries: number,
): TraceRecord[] {
  const header = planRunHeader(runId, workflow, plan, {
    platform: `simulator:${options.platform.profile}`,
    seed: options.seed,
    params: { durations: options.durations.name, initMs: initMs(options.platform), retries },
  });
  const workers: WorkerRecord[] = [];
  const tasks: TaskRecord[] = [];
  for (const instance of instances) {
    const readyAtMs = r3(instance.readyAtMs);
    const resources = { memoryMb: instance.resources.memoryMb, vCpus: instance.resources.vCpus };
    workers.push({
      type: 'worker',
      runId,
      workerId: instance.id,
      resources,
      invokedAtMs: r3(instance.invokedAtMs),
      readyAtMs,
      endedAtMs: Math.max(readyAtMs, r3(instance.endedAtMs)),
      start: instance.start,
      startupMs: r3(instance.readyAtMs - instance.invokedAtMs),
      purpose: instance.preWarm ? 'pre-warm' : 'tasks',
    });
    for (const [taskId, p] of instance.tasks) {
      // Nothing to record when no attempt finished here and nothing moved (a failed attempt has a record of its own).
      // A finished task is recorded even when it took no time and moved nothing (a zero-runtime task whose inputs and
      // output stayed on its worker): a run must hold a record of every task it ran, or it cannot be replayed.
      if (p.execEndMs === undefined && p.downloads.length === 0 && p.uploads.length === 0) continue;
      const startMs = r3(p.startMs);
      const endMs = Math.max(startMs, r3(p.endMs));
      const task: TaskRecord = {
        type: 'task',
        runId,
        taskId,
        functionName: workflow.tasks.get(taskId)!.functionName,
        workerId: instance.id,
        resources,
        inputBytes: p.inputBytes,
        outputBytes: p.outputBytes,
        startMs,
        endMs,
        execMs: Math.min(r3(p.execMs), endMs - startMs),
        downloads: roundTransfers(p.downloads),
        uploads: roundTransfers(p.uploads),
      };
      // Optional fields in the schema's order, only when present (as JSON has them).
      if (p.attempt > 1) task.attempt = p.attempt;
      if (p.counterOps.length > 0) task.counterOps = p.counterOps;
      if (p.publishOps.length > 0) task.publishOps = p.publishOps;
      tasks.push(task);
    }
  }
  for (const f of failedAttempts) {
    tasks.push({
      type: 'task',
      runId,
      taskId: f.taskId,
      functionName: workflow.tasks.get(f.taskId)!.functionName,
      workerId: f.instance.id,
      resources: { memoryMb: f.instance.resources.memoryMb, vCpus: f.instance.resources.vCpus },
      inputBytes: f.inputBytes,
      outputBytes: 0,
      startMs: r3(f.startMs),
      endMs: r3(f.endMs),
      execMs: r3(f.endMs) - r3(f.startMs),
      downloads: [],
      uploads: [],
      attempt: f.attempt,
    });
  }
  workers.sort((a, b) => a.invokedAtMs - b.invokedAtMs || a.workerId.localeCompare(b.workerId));
  tasks.sort((a, b) => a.startMs - b.startMs || a.taskId.localeCompare(b.taskId));
  const end: TraceRecord[] = outcome.status === 'unfinished' ? [] : [{ type: 'run-end', runId, status: outcome.status, makespanMs: r3(outcome.atMs) }];
  return [header, ...workers, ...tasks, ...end];
}

/**
 * Transfer records as written, rounded in place: times to µs (`threadBusyMs` was rounded when the reply was handled).
 * Each was made with its fields in the written order, `threadBusyMs` last, so the JSON is a copy's.
 */
function roundTransfers(transfers: TransferRecord[]): TransferRecord[] {
  for (const t of transfers) {
    t.startMs = r3(t.startMs);
    t.durationMs = r3(t.durationMs);
  }
  return transfers;
}

export function toRun(records: readonly TraceRecord[]): TraceRun {
  const header = records[0] as RunHeader;
  const tasks: TaskRecord[] = [];
  const workers: WorkerRecord[] = [];
  let end: TraceRun['end'];
  for (const r of records) {
    if (r.type === 'task') tasks.push(r);
    else if (r.type === 'worker') workers.push(r);
    else if (r.type === 'run-end') end = r;
  }
  return end ? { header, tasks, workers, end } : { header, tasks, workers };
}
