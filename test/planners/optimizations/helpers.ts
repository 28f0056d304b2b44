import type { Optimization, OptimizationKind } from '../../../core/optimizations.js';
import type { Plan, TaskPlan } from '../../../core/plan.js';
import type { Predictions } from '../../../core/predictions/index.js';
import { resources, type ResourceConfig } from '../../../core/resources.js';
import { MEDIAN } from '../../../core/sla.js';
import { createWorkflow, type TaskSpec, type Workflow } from '../../../core/workflow.js';
import type { OptimizationPassName, PlannerContext } from '../../../planners/planner.js';
import { simulatorEstimator } from '../../../planners/simulator-estimator.js';
import { DEFAULT_PLATFORM_MODEL } from '../../../simulator/platform-defaults.js';
import { formulaPredictions } from '../fixtures.js';

export const MB2048 = resources(2048);

/** A planner context over the simulator estimator, counting estimates. */
export function contextFor(
  workflow: Workflow,
  predictions: Predictions,
  extra: { resources?: readonly ResourceConfig[]; taskOverrides?: PlannerContext['taskOverrides'] } = {},
): PlannerContext & { readonly estimates: () => number } {
  const estimate = simulatorEstimator(workflow, predictions, MEDIAN, DEFAULT_PLATFORM_MODEL);
  let count = 0;
  return {
    predictions,
    sla: MEDIAN,
    resources: extra.resources ?? [MB2048],
    estimate: (plan) => {
      count++;
      return estimate(plan);
    },
    optimizations: [],
    ...(extra.taskOverrides ? { taskOverrides: extra.taskOverrides } : {}),
    estimates: () => count,
  };
}

/** Predictions with per-function execution times and output sizes (startup: cold 400 ms, warm 40 ms). */
export function fixedPredictions(execMs: Record<string, number>, outputBytes: Record<string, number> = {}): Predictions {
  return formulaPredictions(1, {
    execMs: (fn) => execMs[fn] ?? 100,
    outputBytes: (fn) => outputBytes[fn] ?? 1024,
  });
}

/** A plan from task id -> [worker id or null, resources?]; optimizations are the workflow's forced ones. */
export function handPlan(workflow: Workflow, workers: Record<string, string | null | [string | null, ResourceConfig]>): Plan {
  const tasks = new Map<string, TaskPlan>();
  for (const task of workflow.tasks.values()) {
    const spec = workers[task.id];
    if (spec === undefined) throw new Error(`no worker for ${task.id}`);
    const [workerId, config] = Array.isArray(spec) ? spec : [spec, MB2048];
    tasks.set(task.id, { workerId, resources: config, optimizations: task.optimizations });
  }
  return { workflow: workflow.name, planner: 'hand', sla: MEDIAN, tasks };
}

/** Tasks whose plan entry carries an optimization of `kind`, sorted. */
export function tasksWith(plan: Plan, kind: OptimizationKind): string[] {
  return [...plan.tasks].filter(([, e]) => e.optimizations.some((o) => o.kind === kind)).map(([id]) => id).sort();
}

/** The optimization of `kind` on a task, if any. */
export function optimizationOn(plan: Plan, taskId: string, kind: OptimizationKind): Optimization | undefined {
  return plan.tasks.get(taskId)!.optimizations.find((o) => o.kind === kind);
}

/** `workflow` rebuilt with `forced` optimizations declared on some tasks (the user's task-level choices). */
export function withForced(workflow: Workflow, forced: ReadonlyMap<string, readonly Optimization[]>): Workflow {
  const specs: TaskSpec[] = [...workflow.tasks.values()].map((t) => {
    const id = t.id;
    return { id, functionName: t.functionName, upstream: t.upstream, staticInputBytes: t.staticInputBytes, optimizations: forced.get(id) ?? [] };
  });
  return createWorkflow(workflow.name, specs);
}

/** Shorthand for a task spec. */
export function spec(id: string, upstream: string[] = [], functionName = id): TaskSpec {
  return { id, functionName, upstream };
}

/** Overrides map from a plain object. */
export function overrides(entries: Record<string, Partial<Record<OptimizationPassName, boolean>>>): PlannerContext['taskOverrides'] {
  return new Map(Object.entries(entries));
}
