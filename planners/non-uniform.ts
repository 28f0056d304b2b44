import { ConfigError } from '../core/errors.js';
import type { Plan } from '../core/plan.js';
import { resourceKey, type ResourceConfig } from '../core/resources.js';
import type { Workflow } from '../core/workflow.js';
import type { Planner, PlannerContext } from './planner.js';
import { assignWorkers, fixedTaskPlans, type WorkerAssignmentOptions } from './worker-assignment.js';

/** Options of the Non-Uniform planner. */
export interface NonUniformOptions extends WorkerAssignmentOptions {
  /**
   * Relative slack within which an estimate counts as "not longer" than the baseline (default 1e-9): the reference
   * compared floats with `==`, so any rounding difference rejected a downgrade that changed nothing.
   */
  readonly makespanTolerance?: number;
}

/** How the downgrading went, for reports and tests. */
export interface DowngradeReport {
  readonly baselineMakespanMs: number;
  readonly finalMakespanMs: number;
  /** Estimates made while downgrading. */
  readonly estimates: number;
  /** Configuration index (into the strongest-first list) each worker ended at. */
  readonly levels: ReadonlyMap<string, number>;
}

/**
 * Non-Uniform (thesis §3.4.2, Algorithm 4): every task starts on the strongest configuration, workers are assigned
 * by Algorithm 3, then workers with no task on the estimated critical path are moved to weaker configurations as long
 * as the estimated makespan does not grow.
 *
 * Departures from the reference, on purpose:
 * - "does not grow" is `≤ baseline·(1 + tolerance)`, not float equality;
 * - the assignment predicts with the strongest configuration, which every task then gets (the thesis); the
 *   reference predicted with the weakest and then raised every task;
 * - downgrades are tried for groups of workers at once and a group that lengthens the estimate is split in halves
 *   (group testing) instead of one worker at a time. Every accepted step keeps the estimate within the baseline, as
 *   in Algorithm 4, but a 10,000-task plan needs tens of estimates instead of thousands;
 * - the final plan is estimated again, so optimizations never see a stale estimate (the reference passed the last,
 *   possibly reverted, trial's timings on).
 */
export function createNonUniformPlanner(options: NonUniformOptions = {}): Planner & {
  planWithReport(workflow: Workflow, ctx: PlannerContext): { plan: Plan; report: DowngradeReport };
} {
  const tolerance = options.makespanTolerance ?? 1e-9;
  const planWithReport = (workflow: Workflow, ctx: PlannerContext) => {
    const configs = distinctStrongestFirst(ctx.resources);
    const strongest = configs[0];
    if (!strongest) throw new ConfigError("planner 'non-uniform' needs at least one resource configuration");
    const workerOf = assignWorkers(workflow, ctx.predictions, ctx.sla, strongest, options);
    const level = new Map<string, number>();
    for (const w of workerOf.values()) level.set(w, 0);
    const build = (): Plan => ({
      workflow: workflow.name,
      planner: 'non-uniform',
      sla: ctx.sla,
      tasks: fixedTaskPlans(workflow, workerOf, (w) => configs[level.get(w)!]!),
    });

    let estimates = 1;
    const baseline = ctx.estimate(build());
    const limitMs = baseline.makespanMs * (1 + tolerance);
    const onCriticalPath = new Set(baseline.criticalPath.map((t) => workerOf.get(t)!));
    // Workers in order of first appearance, so groups and their halves are deterministic.
    const candidates = [...new Set(workflow.topologicalOrder.map((t) => workerOf.get(t)!))].filter((w) => !onCriticalPath.has(w));
    let lastMakespanMs = baseline.makespanMs;

    const tryGroup = (group: readonly string[], target: number): void => {
      if (group.length === 0) return;
      for (const w of group) level.set(w, target);
      estimates++;
      const trial = ctx.estimate(build());
      if (trial.makespanMs <= limitMs) {
        lastMakespanMs = trial.makespanMs;
        return;
      }
      for (const w of group) level.set(w, target - 1);
      if (group.length === 1) return;
      const half = Math.ceil(group.length / 2);
      tryGroup(group.slice(0, half), target);
      tryGroup(group.slice(half), target);
    };

    let movable = candidates;
    for (let target = 1; target < configs.length && movable.length > 0; target++) {
      tryGroup(movable, target);
      // Only workers that reached this level may try the next, weaker one (Algorithm 4 stops at the first failure).
      movable = movable.filter((w) => level.get(w) === target);
    }
    const plan = build();
    const final = ctx.estimate(plan);
    estimates++;
    return {
      plan: { ...plan, predictedMakespanMs: final.makespanMs },
      report: { baselineMakespanMs: baseline.makespanMs, finalMakespanMs: lastMakespanMs, estimates, levels: level },
    };
  };
  return {
    name: 'non-uniform',
    description: 'strongest configuration first, Algorithm 3 workers, then workers off the critical path downgraded (Algorithm 4)',
    defaultMemoryMb: [8192, 4096, 2048],
    plan: (workflow, ctx) => planWithReport(workflow, ctx).plan,
    planWithReport,
  };
}

/** The configurations, strongest (most memory, then most vCPUs) first, without duplicates. */
function distinctStrongestFirst(configs: readonly ResourceConfig[]): ResourceConfig[] {
  const seen = new Map<string, ResourceConfig>();
  for (const c of configs) seen.set(resourceKey(c), c);
  return [...seen.values()].sort((a, b) => b.memoryMb - a.memoryMb || b.vCpus - a.vCpus);
}

/** The Non-Uniform planner with default options. */
export const nonUniformPlanner = createNonUniformPlanner();
