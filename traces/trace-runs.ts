import type { RunEnd, RunHeader, TaskRecord, TraceRecord, TraceRun, WorkerRecord } from '../core/trace-records.js';

/** A record that does not fit the run structure (no header before it, duplicate header, after the run's end). */
export interface RunStructureProblem {
  /** Index of the record in the sequence given. */
  readonly index: number;
  readonly runId: string;
  readonly message: string;
}

/**
 * Groups a record sequence into runs. Records of a run must follow its header; a run may be interleaved with others
 * (several workers append to one file). Records that do not fit are reported and left out; the rest are kept.
 */
export function groupRuns(records: readonly TraceRecord[]): { runs: TraceRun[]; problems: RunStructureProblem[] } {
  interface Building {
    header: RunHeader;
    tasks: TaskRecord[];
    workers: WorkerRecord[];
    end?: RunEnd;
  }
  const byId = new Map<string, Building>();
  const problems: RunStructureProblem[] = [];
  records.forEach((record, index) => {
    if (record.type === 'run') {
      if (byId.has(record.runId)) {
        problems.push({ index, runId: record.runId, message: `run '${record.runId}' has a second header` });
      } else {
        byId.set(record.runId, { header: record, tasks: [], workers: [] });
      }
      return;
    }
    const run = byId.get(record.runId);
    if (!run) {
      problems.push({ index, runId: record.runId, message: `${record.type} record of run '${record.runId}' comes before (or without) its run header` });
      return;
    }
    if (run.end) {
      problems.push({ index, runId: record.runId, message: `${record.type} record of run '${record.runId}' comes after the run's end` });
      return;
    }
    if (record.type === 'task') run.tasks.push(record);
    else if (record.type === 'worker') run.workers.push(record);
    else run.end = record;
  });
  const runs = [...byId.values()].map((r): TraceRun => ({
    header: r.header,
    tasks: r.tasks,
    workers: r.workers,
    ...(r.end ? { end: r.end } : {}),
  }));
  return { runs, problems };
}

/** Flattens runs back into the canonical record order: header, workers, tasks, end. */
export function flattenRuns(runs: readonly TraceRun[]): TraceRecord[] {
  return runs.flatMap((run) => [run.header, ...run.workers, ...run.tasks, ...(run.end ? [run.end] : [])]);
}
