import type { TraceRun } from './trace-records.js';

/** What a run's records add up to, whichever summary reports them (the simulator's, a report's). */
export interface TraceRunTotals {
  /** `completed` or `failed` from the run's end record; `unfinished` when it has none. */
  readonly status: 'completed' | 'failed' | 'unfinished';
  /** From the end record, else the last task's end. */
  readonly makespanMs: number;
  readonly uploadedBytes: number;
  readonly downloadedBytes: number;
  /** Upload and download operations on intermediate storage. */
  readonly storageOps: number;
  /** Σ execution time over task records (attempts included). */
  readonly totalExecMs: number;
}

/** Totals of a run from its records alone (one pass over its task records). */
export function traceRunTotals(run: TraceRun): TraceRunTotals {
  let uploadedBytes = 0;
  let downloadedBytes = 0;
  let storageOps = 0;
  let totalExecMs = 0;
  let lastEndMs = 0;
  for (const task of run.tasks) {
    for (const u of task.uploads) uploadedBytes += u.sizeBytes;
    for (const d of task.downloads) downloadedBytes += d.sizeBytes;
    storageOps += task.uploads.length + task.downloads.length;
    totalExecMs += task.execMs;
    lastEndMs = Math.max(lastEndMs, task.endMs);
  }
  return {
    status: run.end?.status ?? 'unfinished',
    makespanMs: run.end?.makespanMs ?? lastEndMs,
    uploadedBytes,
    downloadedBytes,
    storageOps,
    totalExecMs,
  };
}
