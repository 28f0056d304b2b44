import { PlanValidationError } from './errors.js';
import type { Optimization } from './optimizations.js';
import type { SchedulerParams } from './scheduler/context.js';
import { resourceKey, sameResources, type ResourceConfig } from './resources.js';
import type { Sla } from './sla.js';
import type { Workflow } from './workflow.js';

/**
 * What a planner decides for one task: the worker that runs it (or `null`: a flexible worker, WUKONG's scheduling
 * decides at run time), the resources of that worker, and the optimizations that apply.
 */
export interface TaskPlan {
  readonly workerId: string | null;
  readonly resources: ResourceConfig;
  readonly optimizations: readonly Optimization[];
}

/** A complete plan for one workflow run. */
export interface Plan {
  readonly workflow: string;
  /** Planner name as selected on the CLI (e.g. `uniform`), with `+opt` style suffixes left to the planner. */
  readonly planner: string;
  readonly sla: Sla;
  readonly tasks: ReadonlyMap<string, TaskPlan>;
  /** The planner's own estimate of the makespan, when it made one. */
  readonly predictedMakespanMs?: number;
  /**
   * Run-wide scheduler-core knobs the planner chose (WUKONG's clustering, delayed I/O and large-output threshold,
   * the task-dup saving threshold); unset ones take the core's defaults, and a run's own overrides win over them.
   */
  readonly schedulerParams?: Partial<SchedulerParams>;
}

/**
 * Checks that a plan fits its workflow: every task planned and no unknown task, resources positive, and every fixed
 * worker id used with a single resource config (one worker is one Lambda instance).
 */
export function validatePlan(workflow: Workflow, plan: Plan): void {
  if (plan.workflow !== workflow.name) {
    throw new PlanValidationError(`plan is for workflow '${plan.workflow}', not '${workflow.name}'`);
  }
  for (const id of workflow.tasks.keys()) {
    if (!plan.tasks.has(id)) throw new PlanValidationError(`plan for '${workflow.name}' has no entry for task '${id}'`, id);
  }
  const workerResources = new Map<string, { taskId: string; resources: ResourceConfig }>();
  for (const [id, entry] of plan.tasks) {
    if (!workflow.tasks.has(id)) {
      throw new PlanValidationError(`plan for '${workflow.name}' names unknown task '${id}'`, id);
    }
    if (!(entry.resources.memoryMb > 0 && entry.resources.vCpus > 0)) {
      throw new PlanValidationError(`task '${id}': resources must have positive memoryMb and vCpus`, id);
    }
    if (entry.workerId === null) continue;
    const first = workerResources.get(entry.workerId);
    if (!first) {
      workerResources.set(entry.workerId, { taskId: id, resources: entry.resources });
    } else if (!sameResources(first.resources, entry.resources)) {
      throw new PlanValidationError(
        `worker '${entry.workerId}' is planned with ${resourceKey(first.resources)} for task '${first.taskId}' ` +
          `but ${resourceKey(entry.resources)} for task '${id}'`,
        id,
      );
    }
  }
}

/** A plan that gives every task the same resources and a flexible worker (the WUKONG baseline's shape). */
export function flexiblePlan(workflow: Workflow, planner: string, sla: Sla, config: ResourceConfig): Plan {
  const tasks = new Map<string, TaskPlan>();
  for (const task of workflow.tasks.values()) {
    tasks.set(task.id, { workerId: null, resources: config, optimizations: task.optimizations });
  }
  return { workflow: workflow.name, planner, sla, tasks };
}
