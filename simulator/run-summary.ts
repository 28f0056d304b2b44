import type { TaskRecord, TraceRun } from '../core/trace-records.js';
import { traceRunTotals } from '../core/trace-totals.js';
import type { Workflow } from '../core/workflow.js';
import { billRun, type BillingSummary } from './billing.js';
import type { PlatformModel } from './platform-model.js';

/** The metrics every run reports (see ARCHITECTURE.md, "Metrics every run reports"), computed from its records. */
export interface RunSummary {
  readonly runId: string;
  readonly status: 'completed' | 'failed' | 'unfinished';
  readonly makespanMs: number;
  readonly billing: BillingSummary;
  /** Invocations that ran tasks, and pre-warm invocations. */
  readonly workersLaunched: number;
  readonly preWarms: number;
  readonly coldStarts: number;
  readonly warmStarts: number;
  readonly uploadedBytes: number;
  readonly downloadedBytes: number;
  /** Upload and download operations on intermediate storage. */
  readonly storageOps: number;
  /** Σ execution time over task records (attempts included). */
  readonly totalExecMs: number;
  /** The observed critical path: from the last task to finish back through the upstream whose data came last. */
  readonly criticalPath: readonly string[];
}

/**
 * Summarizes a run from its records. GB-seconds are the run's one bill (`billRun`): each worker from ready to ended,
 * plus INIT for cold starts when the model bills INIT, because trace records do not split a cold start into dispatch
 * and INIT.
 */
export function summarizeRun(run: TraceRun, workflow: Workflow, model: PlatformModel): RunSummary {
  const billing = billRun(run, model);
  const totals = traceRunTotals(run);
  return {
    runId: run.header.runId,
    status: totals.status,
    makespanMs: totals.makespanMs,
    billing,
    workersLaunched: run.workers.length,
    preWarms: run.workers.filter((w) => w.purpose === 'pre-warm').length,
    coldStarts: run.workers.filter((w) => w.start === 'cold').length,
    warmStarts: run.workers.filter((w) => w.start === 'warm').length,
    uploadedBytes: totals.uploadedBytes,
    downloadedBytes: totals.downloadedBytes,
    storageOps: totals.storageOps,
    totalExecMs: totals.totalExecMs,
    criticalPath: observedCriticalPath(run.tasks, workflow),
  };
}

/**
 * Walks back from the task that finished last: at each step to the upstream task that finished last, since its
 * output was the one the task waited for. Duplicated tasks count by their first finished copy.
 */
export function observedCriticalPath(tasks: readonly TaskRecord[], workflow: Workflow): string[] {
  const endByTask = new Map<string, number>();
  for (const t of tasks) {
    const seen = endByTask.get(t.taskId);
    if (seen === undefined || t.endMs < seen) endByTask.set(t.taskId, t.endMs);
  }
  let current: string | undefined;
  for (const [id, end] of endByTask) if (current === undefined || end > endByTask.get(current)!) current = id;
  const path: string[] = [];
  while (current !== undefined) {
    path.push(current);
    let next: string | undefined;
    for (const up of workflow.tasks.get(current)?.upstream ?? []) {
      const end = endByTask.get(up);
      if (end !== undefined && (next === undefined || end > endByTask.get(next)!)) next = up;
    }
    current = next;
  }
  return path.reverse();
}
