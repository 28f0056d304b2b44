import { ConfigError } from '../core/errors.js';
import type { Planner } from './planner.js';
import { assignWorkers, fixedTaskPlans, type WorkerAssignmentOptions } from './worker-assignment.js';

/** Creates a Uniform planner with its worker-assignment options. */
export function createUniformPlanner(options: WorkerAssignmentOptions = {}): Planner {
  return {
    name: 'uniform',
    description: 'one configuration, workers assigned by Algorithm 3 (co-locate short tasks with large outputs)',
    defaultMemoryMb: [2048],
    plan(workflow, ctx) {
      const [config, ...more] = ctx.resources;
      if (!config || more.length > 0) throw new ConfigError(`planner 'uniform' takes exactly one resource configuration, got ${ctx.resources.length}`);
      const workerOf = assignWorkers(workflow, ctx.predictions, ctx.sla, config, options);
      const tasks = fixedTaskPlans(workflow, workerOf, () => config);
      const plan = { workflow: workflow.name, planner: 'uniform', sla: ctx.sla, tasks };
      return { ...plan, predictedMakespanMs: ctx.estimate(plan).makespanMs };
    },
  };
}

/**
 * Uniform (thesis §3.4.2): every task gets the one user-given configuration; worker ids come from Algorithm 3. The
 * reference planned flexibly when a workflow had no history; here a planner always has predictions (the engine
 * throws "no samples" otherwise), so the planned shape is the same on every run.
 */
export const uniformPlanner: Planner = createUniformPlanner();
