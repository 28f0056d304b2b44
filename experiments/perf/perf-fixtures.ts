import type { Plan, TaskPlan } from '../../core/plan.js';
import { resources } from '../../core/resources.js';
import { MEDIAN } from '../../core/sla.js';
import type { Workflow } from '../../core/workflow.js';
import type { DurationSource } from '../../simulator/duration-sources.js';

/** Durations that cost nothing to compute, so perf figures measure the code under test, not a duration model. */
export const PERF_DURATIONS: DurationSource = {
  name: 'perf',
  execMs: (task) => 50 + ((task.taskId.length * 37) % 200),
  outputBytes: () => 64 * 1024,
  startupMs: (_r, start) => (start === 'cold' ? 400 : 40),
  transferMs: (_d, bytes) => 1 + bytes / 75_000,
};

/** Consecutive tasks (in topological order) share a fixed 2,048 MB worker, `tasksPerWorker` each. */
export function fixedPlan(workflow: Workflow, tasksPerWorker: number): Plan {
  const config = resources(2048);
  const tasks = new Map<string, TaskPlan>();
  workflow.topologicalOrder.forEach((id, i) => tasks.set(id, { workerId: `w${Math.floor(i / tasksPerWorker)}`, resources: config, optimizations: [] }));
  return { workflow: workflow.name, planner: 'fixed', sla: MEDIAN, tasks };
}
