import type { TaskRecord } from '../core/trace-records.js';
import type { Workflow } from '../core/workflow.js';
import type { PlanEstimate } from './planner.js';

/**
 * How much later each task of an estimated run could finish without delaying the run's end, read off the estimate's
 * own task records (critical-path-method total float). A task that is not the last input of a downstream task has
 * the gap to that last input as free float; the delays the estimate put between a task and its consumers (counters,
 * notifications, invocations, start-ups) are kept as they are, so the figure is an estimate, not a guarantee.
 *
 * Tasks the estimate has no record of get `Infinity` (an estimator that returns no records gives no guidance).
 */
export function estimateSlackMs(workflow: Workflow, estimate: PlanEstimate): Map<string, number> {
  const endMs = firstEndByTask(estimate.tasks);
  const lastInputEndMs = new Map<string, number>();
  for (const task of workflow.tasks.values()) {
    let latest = -Infinity;
    for (const up of task.upstream) latest = Math.max(latest, endMs.get(up) ?? -Infinity);
    lastInputEndMs.set(task.id, latest);
  }
  const slack = new Map<string, number>();
  const order = workflow.topologicalOrder;
  for (let i = order.length - 1; i >= 0; i--) {
    const task = workflow.tasks.get(order[i]!)!;
    const end = endMs.get(task.id);
    if (end === undefined) {
      slack.set(task.id, Infinity);
      continue;
    }
    let s = task.downstream.length === 0 ? estimate.makespanMs - end : Infinity;
    for (const down of task.downstream) {
      const viaDown = lastInputEndMs.get(down)! - end + slack.get(down)!;
      if (viaDown < s) s = viaDown;
    }
    slack.set(task.id, Math.max(0, s));
  }
  return slack;
}

/** The earliest end of each task (a duplicated task's first copy wins, as in a run). */
function firstEndByTask(records: readonly TaskRecord[]): Map<string, number> {
  const ends = new Map<string, number>();
  for (const r of records) {
    const seen = ends.get(r.taskId);
    if (seen === undefined || r.endMs < seen) ends.set(r.taskId, r.endMs);
  }
  return ends;
}
