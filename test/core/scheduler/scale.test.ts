import { describe, expect, it } from 'vitest';
import type { Plan, TaskPlan } from '../../../core/plan.js';
import { createSchedulerContext } from '../../../core/scheduler/context.js';
import { runToCompletion } from '../../../core/scheduler/run-to-completion.js';
import { MEDIAN } from '../../../core/sla.js';
import { createWorkflow, type TaskSpec, type Workflow } from '../../../core/workflow.js';
import { MB, SMALL } from './fixtures.js';

/** A seeded DAG of `n` tasks, each taking 1-3 inputs among the 200 before it, with a new root every 1,000 tasks. */
function bigWorkflow(n: number): Workflow {
  let seed = 12345;
  const next = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const specs: TaskSpec[] = [];
  for (let i = 0; i < n; i++) {
    const upstream = new Set<string>();
    if (i % 1000 !== 0) {
      const k = 1 + Math.floor(next() * 3);
      for (let j = 0; j < k; j++) upstream.add(`t${i - 1 - Math.floor(next() * Math.min(i, 200))}`);
    }
    specs.push({ id: `t${i}`, functionName: `f${i % 7}`, upstream: [...upstream] });
  }
  return createWorkflow('big', specs);
}

function planFor(workflow: Workflow, shape: 'fixed' | 'flexible'): Plan {
  const tasks = new Map<string, TaskPlan>();
  // Fixed: groups of 3 consecutive tasks, workers reused across the DAG (many remote edges and entry tasks).
  const workers = Math.ceil(workflow.tasks.size / 30);
  workflow.topologicalOrder.forEach((id, i) => {
    tasks.set(id, { workerId: shape === 'fixed' ? `w${Math.floor(i / 3) % workers}` : null, resources: SMALL, optimizations: [] });
  });
  return { workflow: workflow.name, planner: shape, sla: MEDIAN, tasks };
}

// Speed is measured by `npm run bench:perf`, not here: this checks that a large run completes, exactly once per task.
describe('scale', () => {
  const workflow = bigWorkflow(20_000);

  it.each(['flexible', 'fixed'] as const)('plays a 20,000-task %s run through the core to completion', (shape) => {
    const ctx = createSchedulerContext(workflow, planFor(workflow, shape), { clustering: true, delayedIo: true });
    // Every other task's output is large, so clustering and delayed I/O are exercised at scale too.
    const result = runToCompletion(ctx, { outputBytes: (id) => (id.length % 2 === 0 ? 8 * MB : 100) });
    expect(result.completed).toBe(true);
    expect(result.executions.length).toBe(20_000);
    expect(new Set(result.executions.map((e) => e.taskId)).size).toBe(20_000);
  });
});
