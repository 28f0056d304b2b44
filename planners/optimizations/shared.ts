import { ConfigError } from '../../core/errors.js';
import { findOptimization, withOptimization, type Optimization } from '../../core/optimizations.js';
import type { Plan, TaskPlan } from '../../core/plan.js';
import type { Workflow } from '../../core/workflow.js';
import type { OptimizationPassName, PlanEstimate, PlannerContext } from '../planner.js';

/** The built-in kinds the passes add; each pass adds the kind named like itself. */
export type PassKind = OptimizationPassName;

/** One optimization a pass proposes to add to one task. */
export interface Addition {
  readonly taskId: string;
  readonly optimization: Optimization;
}

/**
 * Counts the estimates a pass makes and stops it at a limit, so that planning time stays bounded on 10k-task DAGs
 * (each estimate simulates the whole plan).
 */
export class EstimateBudget {
  private used = 0;
  constructor(
    private readonly ctx: PlannerContext,
    /** Estimates allowed, the base estimate included. */
    readonly limit: number,
  ) {}

  /** Estimates made so far. */
  get count(): number {
    return this.used;
  }

  /** Whether another estimate may be made. */
  get left(): boolean {
    return this.used < this.limit;
  }

  /** Estimates `plan`, counting it (the limit is checked by callers through `left`, never here). */
  estimate(plan: Plan): PlanEstimate {
    this.used++;
    return this.ctx.estimate(plan);
  }
}

/** The user's per-task override of `pass` for `taskId`: true (always), false (never) or undefined (the pass decides). */
export function overrideOf(ctx: PlannerContext, taskId: string, pass: OptimizationPassName): boolean | undefined {
  return ctx.taskOverrides?.get(taskId)?.[pass];
}

/** Whether the user forced an optimization of `kind` on the task in the workflow itself (such ones are always kept). */
export function isForcedInWorkflow(workflow: Workflow, taskId: string, kind: PassKind): boolean {
  return findOptimization(workflow.tasks.get(taskId)?.optimizations ?? [], kind) !== undefined;
}

/** Whether the plan's entry for the task carries an optimization of `kind`. */
export function planHas(plan: Plan, taskId: string, kind: PassKind): boolean {
  return findOptimization(plan.tasks.get(taskId)?.optimizations ?? [], kind) !== undefined;
}

/** `plan` with each addition applied (replacing an optimization of the same kind on that task), other entries shared. */
export function withAdditions(plan: Plan, additions: readonly Addition[]): Plan {
  if (additions.length === 0) return plan;
  const tasks = new Map<string, TaskPlan>(plan.tasks);
  for (const { taskId, optimization } of additions) {
    const entry = tasks.get(taskId)!;
    tasks.set(taskId, { ...entry, optimizations: withOptimization(entry.optimizations, optimization) });
  }
  return { ...plan, tasks };
}

/**
 * `plan` without optimizations of `kind` on the tasks the user overrode to `false` for `pass`. Ones the user forced
 * in the workflow stay: the scheduler core reads those from the workflow even when a plan drops them, so removing
 * them from the plan would change nothing but the record of what runs.
 */
export function withoutOverriddenOff(workflow: Workflow, plan: Plan, ctx: PlannerContext, pass: PassKind): Plan {
  const overrides = ctx.taskOverrides;
  if (!overrides) return plan;
  let tasks: Map<string, TaskPlan> | undefined;
  for (const [taskId, entry] of overrides) {
    if (entry[pass] !== false || !planHas(plan, taskId, pass) || isForcedInWorkflow(workflow, taskId, pass)) continue;
    tasks ??= new Map(plan.tasks);
    const task = tasks.get(taskId)!;
    tasks.set(taskId, { ...task, optimizations: task.optimizations.filter((o) => o.kind !== pass) });
  }
  return tasks ? { ...plan, tasks } : plan;
}

/** Whether the pass may add its optimization to the task on its own: neither present already nor overridden off. */
export function mayAdd(plan: Plan, ctx: PlannerContext, taskId: string, pass: PassKind): boolean {
  return !planHas(plan, taskId, pass) && overrideOf(ctx, taskId, pass) !== false;
}

/**
 * The tasks whose override for `pass` is `true` and that do not carry that kind in `plan` yet (one already there, such
 * as one the user forced in the workflow, is kept as it is), in topological order so results do not depend on map
 * order.
 */
export function overriddenOn(workflow: Workflow, plan: Plan, ctx: PlannerContext, pass: PassKind): string[] {
  const overrides = ctx.taskOverrides;
  if (!overrides || overrides.size === 0) return [];
  return workflow.topologicalOrder.filter((id) => overrides.get(id)?.[pass] === true && !planHas(plan, id, pass));
}

/** The plan with its `predictedMakespanMs` set to `estimate` (a pass's output always carries its own estimate). */
export function withEstimate(plan: Plan, estimate: PlanEstimate): Plan {
  return { ...plan, predictedMakespanMs: estimate.makespanMs };
}

/** Fixed workers that own a root task: the client starts them, so no task of the run can pre-warm them in time. */
export function rootWorkers(workflow: Workflow, plan: Plan): Set<string> {
  const roots = new Set<string>();
  for (const id of workflow.roots) {
    const workerId = plan.tasks.get(id)!.workerId;
    if (workerId !== null) roots.add(workerId);
  }
  return roots;
}

/** Reads a non-negative finite numeric option, with a message naming the pass and option when it is not one. */
export function nonNegativeOption(pass: string, name: string, value: number | undefined, fallback: number): number {
  const resolved = value ?? fallback;
  if (!(Number.isFinite(resolved) && resolved >= 0)) throw new ConfigError(`${pass}: ${name} must be a non-negative number, got ${String(value)}`);
  return resolved;
}
