import type { TraceRun } from '../core/trace-records.js';
import { traceRunTotals } from '../core/trace-totals.js';

/** Platforms whose runs are predictions (simulated or generated) rather than observations of a real system. */
const PREDICTED_PLATFORM_PREFIXES = ['simulator:', 'synthetic:'];

/** A run observed on a real platform (`lambda:<endpoint>`, ...), as opposed to simulated or synthetic. */
export function isRealRun(run: TraceRun): boolean {
  return !PREDICTED_PLATFORM_PREFIXES.some((prefix) => run.header.platform.startsWith(prefix));
}

/** What a single-run report states about one run: read from its trace records alone. */
export interface TraceRunSummary {
  readonly runId: string;
  readonly workflow: string;
  readonly planner: string;
  readonly sla: string;
  readonly platform: string;
  readonly seed: string;
  readonly real: boolean;
  /** `completed` or `failed` from the run's end record; `unfinished` when it has none. */
  readonly status: 'completed' | 'failed' | 'unfinished';
  /** From the end record, else the last task's end. */
  readonly makespanMs: number;
  readonly tasks: number;
  readonly workers: number;
  readonly coldStarts: number;
  readonly warmStarts: number;
  readonly preWarms: number;
  /** Memory × lifetime (invocation to end) of every worker, in GB-s with 1 GB = 1024 MB as Lambda bills. */
  readonly workerGbSeconds: number;
  readonly totalExecMs: number;
  readonly uploadedBytes: number;
  readonly downloadedBytes: number;
}

/**
 * Summarizes a run from its records. GB-s here is unrounded memory × lifetime; the simulator's billing (per-ms
 * rounding, price model) may differ slightly, which is why the compare results, not this, are the billed figures.
 */
export function summarizeTraceRun(run: TraceRun): TraceRunSummary {
  const totals = traceRunTotals(run);
  const taskWorkers = run.workers.filter((w) => w.purpose !== 'pre-warm');
  return {
    runId: run.header.runId,
    workflow: run.header.workflow,
    planner: run.header.planner,
    sla: run.header.sla,
    platform: run.header.platform,
    seed: run.header.seed === null ? '' : String(run.header.seed),
    real: isRealRun(run),
    status: totals.status,
    makespanMs: totals.makespanMs,
    tasks: new Set(run.tasks.map((t) => t.taskId)).size,
    workers: taskWorkers.length,
    coldStarts: taskWorkers.filter((w) => w.start === 'cold').length,
    warmStarts: taskWorkers.filter((w) => w.start === 'warm').length,
    preWarms: run.workers.length - taskWorkers.length,
    workerGbSeconds: run.workers.reduce((s, w) => s + (w.resources.memoryMb / 1024) * ((w.endedAtMs - w.invokedAtMs) / 1000), 0),
    totalExecMs: totals.totalExecMs,
    uploadedBytes: totals.uploadedBytes,
    downloadedBytes: totals.downloadedBytes,
  };
}
