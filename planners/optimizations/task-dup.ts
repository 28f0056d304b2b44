import { ConfigError } from '../../core/errors.js';
import type { Plan } from '../../core/plan.js';
import { predictTaskSizes } from '../../core/predictions/index.js';
import type { Workflow } from '../../core/workflow.js';
import type { OptimizationPass, PlannerContext } from '../planner.js';
import { acceptAdditions, notLonger } from './keep-if-not-longer.js';
import {
  EstimateBudget,
  mayAdd,
  nonNegativeOption,
  overriddenOn,
  withAdditions,
  withEstimate,
  withoutOverriddenOff,
  type Addition,
} from './shared.js';

/** Options of the task-dup pass. */
export interface TaskDupOptions {
  /**
   * Largest predicted execution time (on the task's planned resources, under the run's SLA) of a task worth
   * duplicating (default 500 ms): duplication re-runs the task on the waiting worker, so only short tasks are cheap
   * enough to race (thesis: "fast tasks with small inputs").
   */
  readonly maxExecMs?: number;
  /**
   * Largest predicted input of a task worth duplicating (default 5 MiB, the size WUKONG-opt already treats as a large
   * output): the duplicating worker must download every input itself.
   */
  readonly maxInputBytes?: number;
  /** Saving the runtime must predict before it duplicates (default 150 ms, the reference's threshold). */
  readonly minSavedMs?: number;
  /** Estimates the pass may make, the base estimate included (default 40; one estimate of a 10k-task plan takes about 0.7 s). */
  readonly maxEstimates?: number;
}

/** Defaults of `TaskDupOptions`. */
export const TASK_DUP_DEFAULTS = { maxExecMs: 500, maxInputBytes: 5 * 1024 * 1024, minSavedMs: 150, maxEstimates: 40 } as const;

/**
 * Task-dup (thesis §3.4.3): a fixed worker waiting for a task's output may run the task itself when the runtime
 * predicts a saving above `minSavedMs`; the first output to finish wins.
 *
 * Assignment: tasks whose predicted execution time and input size are within `maxExecMs` and `maxInputBytes` and
 * that have a downstream task on a different fixed worker get `{kind: 'task-dup', minSavedMs}`. Then the set is kept
 * only as far as the estimate is not longer (group testing, `acceptAdditions`): the estimate runs the same
 * duplication decisions as a real run, so a duplicate that would slow the run (CPU shared with the dependent's worker,
 * extra downloads) is caught at plan time.
 *
 * Departures from the reference (which annotated every task with a downstream on a different *or flexible* worker and
 * applied no thresholds, before the author removed task-dup as ineffective): the thesis's thresholds are applied; a
 * downstream on a flexible worker does not count, because only a fixed worker can duplicate (a flexible worker does
 * not exist before its task is ready, see `core/scheduler/context.ts` dupCandidates), so annotating for it would
 * change nothing. Per-task overrides: `true` adds task-dup regardless of the rules (before the base estimate),
 * `false` never adds it and drops one the input plan carried; task-dups forced in the workflow stay. The returned
 * plan's estimate is never longer than the plan with the user's choices applied.
 */
export function createTaskDupPass(options: TaskDupOptions = {}): OptimizationPass {
  const name = 'task-dup';
  const maxExecMs = nonNegativeOption(name, 'maxExecMs', options.maxExecMs, TASK_DUP_DEFAULTS.maxExecMs);
  const maxInputBytes = nonNegativeOption(name, 'maxInputBytes', options.maxInputBytes, TASK_DUP_DEFAULTS.maxInputBytes);
  const minSavedMs = nonNegativeOption(name, 'minSavedMs', options.minSavedMs, TASK_DUP_DEFAULTS.minSavedMs);
  const maxEstimates = nonNegativeOption(name, 'maxEstimates', options.maxEstimates, TASK_DUP_DEFAULTS.maxEstimates);
  if (maxEstimates < 1) throw new ConfigError(`${name}: maxEstimates must be at least 1 (the base estimate)`);
  const addition = (taskId: string): Addition => ({ taskId, optimization: { kind: name, minSavedMs } });
  return {
    name,
    description: `short tasks (≤${maxExecMs} ms, ≤${maxInputBytes} B input) may be re-run by a waiting fixed worker; kept if the estimate is not longer`,
    apply(workflow: Workflow, plan: Plan, ctx: PlannerContext): Plan {
      const budget = new EstimateBudget(ctx, maxEstimates);
      const start = withoutOverriddenOff(workflow, plan, ctx, name);
      const base = withAdditions(start, overriddenOn(workflow, start, ctx, name).map(addition));
      const estimate = budget.estimate(base);
      const candidates = taskDupCandidates(workflow, base, ctx, maxExecMs, maxInputBytes).filter((id) => mayAdd(base, ctx, id, name));
      const result = acceptAdditions(base, estimate, candidates.map(addition), notLonger, budget);
      return withEstimate(result.plan, result.estimate);
    },
  };
}

/**
 * Tasks within the execution-time and input-size thresholds (predicted on their planned resources) that have a
 * downstream task on a fixed worker other than their own, in topological order.
 */
export function taskDupCandidates(workflow: Workflow, plan: Plan, ctx: PlannerContext, maxExecMs: number, maxInputBytes: number): string[] {
  const sizes = predictTaskSizes(workflow, ctx.predictions, ctx.sla);
  return workflow.topologicalOrder.filter((id) => {
    const task = workflow.tasks.get(id)!;
    const entry = plan.tasks.get(id)!;
    const hasRemoteFixedDownstream = task.downstream.some((d) => {
      const other = plan.tasks.get(d)!.workerId;
      return other !== null && other !== entry.workerId;
    });
    if (!hasRemoteFixedDownstream) return false;
    const inputBytes = sizes.get(id)!.inputBytes;
    if (inputBytes > maxInputBytes) return false;
    return ctx.predictions.execMs(task.functionName, inputBytes, entry.resources, ctx.sla) <= maxExecMs;
  });
}

/** The task-dup pass with its defaults. */
export const taskDupPass: OptimizationPass = createTaskDupPass();
