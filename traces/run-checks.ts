import type { TraceRun } from '../core/trace-records.js';

/**
 * Checks of a run as a whole, which no single record shows: each record can be valid and the run still impossible.
 * `traces validate` reports them as errors; commands reading a history print them as warnings and keep the run (its
 * records still teach the predictions what they measured).
 */

/** A problem of one run: which run, what is wrong. */
export interface RunProblem {
  readonly runId: string;
  readonly message: string;
}

/** The problems of one run (empty when it is sound). */
export function runProblems(run: TraceRun): RunProblem[] {
  const runId = run.header.runId;
  const problems: RunProblem[] = [];
  if (run.tasks.length === 0) problems.push({ runId, message: `run '${runId}' has no task records` });
  if (run.workers.length === 0 && run.tasks.length > 0) problems.push({ runId, message: `run '${runId}' has no worker records` });

  // A worker runs one attempt of a task once: the same (task, worker, attempt) twice over overlapping times is a
  // record written twice or two runs merged under one id, and would count the task's times twice in the predictions.
  // Records of one attempt at different times are not: the simulator writes a failed attempt's record beside the
  // record of what moved before the failure.
  const byKey = new Map<string, { startMs: number; endMs: number }[]>();
  for (const task of run.tasks) {
    const key = `${task.taskId}\u0000${task.workerId}\u0000${task.attempt ?? 1}`;
    const earlier = byKey.get(key) ?? [];
    if (earlier.some((e) => e.startMs <= task.endMs && task.startMs <= e.endMs)) {
      problems.push({
        runId,
        message: `run '${runId}': task '${task.taskId}' is recorded twice on worker '${task.workerId}' with attempt ${task.attempt ?? 1}, over the same time (from ${task.startMs} ms)`,
      });
    }
    earlier.push({ startMs: task.startMs, endMs: task.endMs });
    byKey.set(key, earlier);
  }

  // Every task ran on a worker the run records (its start-up, memory and lifetime are in that record). Reported once
  // per missing worker, naming its first task.
  if (run.workers.length > 0) {
    const workers = new Set(run.workers.map((w) => w.workerId));
    const missing = new Map<string, string>();
    for (const task of run.tasks) if (!workers.has(task.workerId) && !missing.has(task.workerId)) missing.set(task.workerId, task.taskId);
    for (const [workerId, taskId] of missing) {
      problems.push({ runId, message: `run '${runId}': task '${taskId}' ran on worker '${workerId}', which has no worker record` });
    }
  }
  return problems;
}

/** The problems of every run, in run order. */
export function allRunProblems(runs: readonly TraceRun[]): RunProblem[] {
  return runs.flatMap(runProblems);
}
