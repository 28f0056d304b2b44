import type { TraceRun } from '../core/trace-records.js';
import { traceRunTotals } from '../core/trace-totals.js';
import { billRun } from '../simulator/billing.js';
import { DEFAULT_PLATFORM_MODEL } from '../simulator/platform-defaults.js';

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
  /** GB-s billed (`billRun`, GB = 1,024 MB), the figure `bench simulate` and `bench run` print for the run. */
  readonly gbSeconds: number;
  /** Cost of the run in USD at the default platform's (AWS Lambda's) prices (`billRun`). */
  readonly costUsd: number;
  readonly totalExecMs: number;
  readonly uploadedBytes: number;
  readonly downloadedBytes: number;
}

/**
 * Summarizes a run from its records. GB-s and cost are the run's one bill (`billRun`) at the default platform's
 * prices, so a run shows the same figures here as in `bench simulate` and `bench run`.
 */
export function summarizeTraceRun(run: TraceRun): TraceRunSummary {
  const totals = traceRunTotals(run);
  const bill = billRun(run, DEFAULT_PLATFORM_MODEL);
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
    gbSeconds: bill.gbSeconds,
    costUsd: bill.totalUsd,
    totalExecMs: totals.totalExecMs,
    uploadedBytes: totals.uploadedBytes,
    downloadedBytes: totals.downloadedBytes,
  };
}
