import { describe, expect, it } from 'vitest';
import type { TraceRecord, TraceRun } from '../../core/trace-records.js';
import { generateHistory } from '../../traces/synthetic/history-generator.js';
import { runProblems } from '../../traces/run-checks.js';
import { groupRuns } from '../../traces/trace-runs.js';

/** Issue 21: whole-run checks, which no single record shows. */
const history: TraceRecord[] = generateHistory('gemm', { runs: 2, seed: 3 });
const run: TraceRun = groupRuns(history).runs[0]!;

describe('runProblems', () => {
  it('a generated run is sound', () => {
    for (const r of groupRuns(generateHistory('text_analysis', { runs: 3, seed: 1 })).runs) expect(runProblems(r)).toEqual([]);
  });

  it('the same task twice on one worker with the same attempt', () => {
    const twice = { ...run, tasks: [...run.tasks, run.tasks[0]!] };
    expect(runProblems(twice).map((p) => p.message)).toEqual([
      `run '${run.header.runId}': task '${run.tasks[0]!.taskId}' is recorded twice on worker '${run.tasks[0]!.workerId}' with attempt 1, over the same time (from ${run.tasks[0]!.startMs} ms)`,
    ]);
    // Two records of one attempt at different times (a failed attempt's record beside what moved before it) are none.
    const t = run.tasks[0]!;
    const later = { ...t, startMs: t.endMs + 1, endMs: t.endMs + 2, execMs: 0.5 };
    expect(runProblems({ ...run, tasks: [...run.tasks, later] })).toEqual([]);
    // A retry (attempt 2) on the same worker is no duplicate.
    expect(runProblems({ ...run, tasks: [...run.tasks, { ...run.tasks[0]!, attempt: 2 }] })).toEqual([]);
  });

  it('a task on a worker without a worker record, once per worker', () => {
    const workerId = run.tasks[0]!.workerId;
    const problems = runProblems({ ...run, workers: run.workers.filter((w) => w.workerId !== workerId) });
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(new RegExp(`ran on worker '${workerId}', which has no worker record`));
  });

  it('a run without tasks, or without workers', () => {
    expect(runProblems({ ...run, tasks: [], workers: [] }).map((p) => p.message)).toEqual([`run '${run.header.runId}' has no task records`]);
    expect(runProblems({ ...run, workers: [] }).map((p) => p.message)).toEqual([`run '${run.header.runId}' has no worker records`]);
  });
});
