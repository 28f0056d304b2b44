import type { Plan } from '../core/plan.js';
import type { Predictions } from '../core/predictions/index.js';
import type { ResourceConfig } from '../core/resources.js';
import type { Sla } from '../core/sla.js';
import type { TaskRecord, WorkerRecord } from '../core/trace-records.js';
import type { Workflow } from '../core/workflow.js';

/**
 * What a planner (or an optimization pass) learns from estimating a plan: the plan run through the scheduler core
 * in expected-value mode (see `simulator/estimate-plan.ts`). Planners see only these numbers and records, never the
 * simulator itself, so a planner cannot tell whether it will be simulated or run for real.
 */
export interface PlanEstimate {
  readonly makespanMs: number;
  /** Task ids from a root to the task that finished last. */
  readonly criticalPath: readonly string[];
  readonly gbSeconds: number;
  readonly costUsd: number;
  /** The estimated run's worker and task records (when each worker starts, cold or warm; when each task runs). */
  readonly workers: readonly WorkerRecord[];
  readonly tasks: readonly TaskRecord[];
}

/** Estimates a plan; deterministic for a given plan. */
export type PlanEstimator = (plan: Plan) => PlanEstimate;

/** The built-in optimization passes a run can ask for (thesis §3.4.3). */
export const OPTIMIZATION_PASS_NAMES = ['pre-warm', 'pre-load', 'task-dup'] as const;
export type BuiltinOptimizationPassName = (typeof OPTIMIZATION_PASS_NAMES)[number];
/**
 * A user-defined pass, loaded from a module path (`registry.ts`, `loadOptimizationPass`); namespaced like the
 * `custom:*` optimization kinds of `core/optimizations.ts`, so it can never shadow a built-in pass.
 */
export type CustomOptimizationPassName = `custom:${string}`;
export type OptimizationPassName = BuiltinOptimizationPassName | CustomOptimizationPassName;

/** Everything a planner decides with. */
export interface PlannerContext {
  readonly predictions: Predictions;
  readonly sla: Sla;
  /** The resource configurations the planner may use, strongest (most memory) first. */
  readonly resources: readonly ResourceConfig[];
  /** Estimates a candidate plan (the simulator in expected-value mode). */
  readonly estimate: PlanEstimator;
  /** Optimization passes to apply after planning, in this order. */
  readonly optimizations: readonly OptimizationPassName[];
  /**
   * Per-task overrides of the optimization passes (thesis §3.4.3, "overridable per task"): task id -> pass name ->
   * `true` (always apply this optimization to the task) or `false` (never). Every pass honours them; optimizations
   * the user forced in the workflow itself are kept regardless. See `planners/optimizations/overrides-file.ts`.
   */
  readonly taskOverrides?: ReadonlyMap<string, Readonly<Partial<Record<OptimizationPassName, boolean>>>>;
}

/**
 * A planner: decides, for every task, which worker runs it, with which resources, and which optimizations apply.
 * Must be deterministic: the same workflow and context give the same plan. A user-defined planner is a module whose
 * default export (or `planner` export) implements this interface; `bench` loads it by path.
 */
export interface Planner {
  readonly name: string;
  readonly description: string;
  /** Memory (MB) of the configurations used when the user gives none, strongest first. */
  readonly defaultMemoryMb: readonly number[];
  plan(workflow: Workflow, ctx: PlannerContext): Plan;
}

/**
 * An optimization pass (thesis §3.4.3): takes a plan and returns it with optimizations added to some tasks. A pass
 * never returns a plan whose estimate is longer than the plan it was given; task-level optimizations the user forced
 * in the workflow are kept. A user-defined pass is a module whose default (or `pass`) export implements this
 * interface with a `custom:<name>` name; `bench -O ./my-pass.ts` loads it by path, as planners are loaded. It may
 * attach `custom:<name>` optimizations (which the scheduler core carries but does not act on) or change the plan
 * itself; `overrideOf(ctx, taskId, name)` (`optimizations/shared.ts`) reads the per-task overrides for it.
 */
export interface OptimizationPass {
  readonly name: OptimizationPassName;
  readonly description: string;
  apply(workflow: Workflow, plan: Plan, ctx: PlannerContext): Plan;
}
