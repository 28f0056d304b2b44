import { createWorkflow, type Workflow } from '../../core/workflow.js';
import type { RuntimeWorkload, TaskCall } from './task-function.js';

/**
 * The workflow `measureOverhead` runs: a root `seed` on one worker, then a chain `step-1 … step-N` on another, each
 * step also reading the seed. Every step therefore has two upstream tasks on different workers, so finishing step i
 * costs exactly the orchestration being measured: a dependency-counter INCR for step i+1, a TASK_COMPLETED publish,
 * and the local hand-off to step i+1 on the same warm worker.
 */
export function overheadProbeWorkflow(steps: number): Workflow {
  const tasks = [{ id: 'seed-0', functionName: 'seed', upstream: [] as string[] }];
  for (let i = 1; i <= steps; i++) tasks.push({ id: `step-${i}`, functionName: 'step', upstream: i === 1 ? ['seed-0'] : [`step-${i - 1}`, 'seed-0'] });
  return createWorkflow('octoplan_overhead', tasks);
}

/** `seed` writes one byte; `step` returns its first input: task code that costs next to nothing. */
export const overheadProbeRuntime: RuntimeWorkload = {
  name: 'octoplan_overhead',
  functions: {
    seed: () => Buffer.from([1]),
    step: (call: TaskCall) => Buffer.from(call.inputs[0] ?? Buffer.alloc(1)),
  },
  staticInputs: () => new Map(),
};
