import { stringify } from 'csv-stringify/sync';
import { COMPARE_METRICS, type CompareResults } from '../core/compare-results.js';
import type { TraceRun } from '../core/trace-records.js';
import { summarize } from './stats.js';
import { summarizeTraceRun, type TraceRunSummary } from './trace-summary.js';

/** Columns of `runs.csv` for compare results: one row per simulated run, values exactly as in the results JSON. */
export const RUN_CSV_COLUMNS: readonly string[] = [
  'workload',
  'sla',
  'variant',
  'planner',
  'run',
  'runId',
  'status',
  ...COMPARE_METRICS,
  'warmStarts',
  'uploadedBytes',
  'downloadedBytes',
  'storageOps',
];

/** The statistics of `summary.csv`, per metric, in column order. */
export const SUMMARY_STATS = ['Mean', 'Std', 'P50', 'P95'] as const;

/** Columns of `summary.csv`: the cell, its run counts, then per metric mean, std, p50 and p95 over completed runs. */
export const SUMMARY_CSV_COLUMNS: readonly string[] = [
  'workload',
  'sla',
  'variant',
  'planner',
  'runs',
  'completedRuns',
  ...COMPARE_METRICS.flatMap((m) => SUMMARY_STATS.map((s) => `${m}${s}`)),
];

/** One row per run of a comparison. `planner` is the variant's planner (from its aggregate). */
export function runsCsv(results: CompareResults): string {
  const plannerOf = new Map(results.aggregates.map((a) => [`${a.workload}\u0000${a.sla}\u0000${a.variant}`, a.planner]));
  const rows = results.runs.map((r) => ({ ...r, planner: plannerOf.get(`${r.workload}\u0000${r.sla}\u0000${r.variant}`) ?? '' }));
  return stringify(rows, { header: true, columns: [...RUN_CSV_COLUMNS] });
}

/**
 * One row per (workload, SLA, variant): mean, sample std, p50 and p95 (linear interpolation) of each metric over the
 * cell's completed runs, as the comparison's own aggregates count them; empty where undefined (std of one run).
 */
export function summaryCsv(results: CompareResults): string {
  const rows = results.aggregates.map((a) => {
    const completed = results.runs.filter((r) => r.workload === a.workload && r.sla === a.sla && r.variant === a.variant && r.status === 'completed');
    const row: Record<string, string | number> = {
      workload: a.workload,
      sla: a.sla,
      variant: a.variant,
      planner: a.planner,
      runs: a.runs,
      completedRuns: completed.length,
    };
    for (const m of COMPARE_METRICS) {
      const s = summarize(completed.map((r) => r[m]));
      row[`${m}Mean`] = s.mean ?? '';
      row[`${m}Std`] = s.std ?? '';
      row[`${m}P50`] = s.p50 ?? '';
      row[`${m}P95`] = s.p95 ?? '';
    }
    return row;
  });
  return stringify(rows, { header: true, columns: [...SUMMARY_CSV_COLUMNS] });
}

/** Columns of `runs.csv` for a trace: one row per run in the file. */
export const TRACE_RUN_CSV_COLUMNS: readonly (keyof TraceRunSummary)[] = [
  'runId',
  'workflow',
  'planner',
  'sla',
  'platform',
  'seed',
  'real',
  'status',
  'makespanMs',
  'tasks',
  'workers',
  'coldStarts',
  'warmStarts',
  'preWarms',
  'workerGbSeconds',
  'totalExecMs',
  'uploadedBytes',
  'downloadedBytes',
];

/** One row per run of a trace file, summarized from its records. */
export function traceRunsCsv(runs: readonly TraceRun[]): string {
  return stringify(runs.map(summarizeTraceRun), { header: true, columns: [...TRACE_RUN_CSV_COLUMNS], cast: { boolean: (v) => String(v) } });
}

/** Columns of `tasks.csv`: one row per task record of a trace, transfers totalled. */
export const TASK_CSV_COLUMNS: readonly string[] = [
  'runId',
  'taskId',
  'functionName',
  'workerId',
  'memoryMb',
  'startMs',
  'endMs',
  'execMs',
  'downloads',
  'downloadMs',
  'downloadedBytes',
  'uploads',
  'uploadMs',
  'uploadedBytes',
  'inputBytes',
  'outputBytes',
];

/** One row per task record (a retried task has a row per attempt), for per-task analysis outside the toolkit. */
export function tasksCsv(runs: readonly TraceRun[]): string {
  const rows = runs.flatMap((run) =>
    run.tasks.map((t) => ({
      runId: t.runId,
      taskId: t.taskId,
      functionName: t.functionName,
      workerId: t.workerId,
      memoryMb: t.resources.memoryMb,
      startMs: t.startMs,
      endMs: t.endMs,
      execMs: t.execMs,
      downloads: t.downloads.length,
      downloadMs: t.downloads.reduce((s, d) => s + d.durationMs, 0),
      downloadedBytes: t.downloads.reduce((s, d) => s + d.sizeBytes, 0),
      uploads: t.uploads.length,
      uploadMs: t.uploads.reduce((s, u) => s + u.durationMs, 0),
      uploadedBytes: t.uploads.reduce((s, u) => s + u.sizeBytes, 0),
      inputBytes: t.inputBytes,
      outputBytes: t.outputBytes,
    })),
  );
  return stringify(rows, { header: true, columns: [...TASK_CSV_COLUMNS] });
}
