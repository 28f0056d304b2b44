import { ConfigError } from '../core/errors.js';
import type { Plan, TaskPlan } from '../core/plan.js';
import { resourceKey, type ResourceConfig } from '../core/resources.js';
import type { Workflow } from '../core/workflow.js';
import { estimateSlackMs } from './estimate-slack.js';
import type { PlanEstimate, Planner, PlannerContext } from './planner.js';
import { assignWorkers, fixedTaskPlans, type WorkerAssignmentOptions } from './worker-assignment.js';

/** Options of the Non-Uniform planner. */
export interface NonUniformOptions extends WorkerAssignmentOptions {
  /**
   * Relative slack within which an estimate counts as "not longer" than the baseline (default 1e-9): the reference
   * compared floats with `==`, so any rounding difference rejected a downgrade that changed nothing.
   */
  readonly makespanTolerance?: number;
  /**
   * Estimates the downgrading may make, baseline included (default 32). Each estimate is a full simulation, so this
   * bounds planning time: about 32 × 25 ms for 1,000 tasks and 32 × 0.35 s for 10,000 on a 2-core machine. On a
   * 1,000-task random DAG the result stopped changing after about 30 estimates (experiments/perf/planning-perf.ts).
   */
  readonly maxEstimates?: number;
}

/** How the downgrading went, for reports and tests. */
export interface DowngradeReport {
  readonly baselineMakespanMs: number;
  readonly finalMakespanMs: number;
  /** Trials made while downgrading, baseline included (what `maxEstimates` bounds). */
  readonly estimates: number;
  /** Trials decided without an estimate: the plan had been estimated, and rejected, before. */
  readonly repeatedTrials: number;
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
 * - downgrades are accepted in batches instead of one worker at a time, so that a 10,000-task plan needs tens of
 *   estimates instead of thousands. Per configuration step, candidate workers are ranked by how much of their tasks'
 *   slack in the current estimate (`estimateSlackMs`) the weaker configuration's predicted extra time would leave;
 *   the longest prefix of that ranking whose downgrade keeps the estimate within the baseline is found by bisection,
 *   accepted, and the ranking is recomputed from the new estimate for the rest, until a round accepts nobody or the
 *   estimate budget (`maxEstimates`) is spent. Every accepted step is an estimate within the baseline, as in
 *   Algorithm 4; a worker the greedy per-worker loop would have downgraded may stay stronger when the budget runs out.
 *   A trial of a plan already estimated and rejected (each round after the first at a level begins with one) is
 *   rejected without a new estimate, but still counts against the budget, so plans do not depend on it;
 * - the plan returned carries the estimate of exactly that plan, so optimizations never see a stale estimate (the
 *   reference passed the last, possibly reverted, trial's timings on).
 */
export function createNonUniformPlanner(options: NonUniformOptions = {}): Planner & {
  planWithReport(workflow: Workflow, ctx: PlannerContext): { plan: Plan; report: DowngradeReport };
} {
  const tolerance = options.makespanTolerance ?? 1e-9;
  const maxEstimates = options.maxEstimates ?? 32;
  if (!(Number.isInteger(maxEstimates) && maxEstimates >= 1)) throw new ConfigError(`non-uniform: maxEstimates must be a positive integer, got ${maxEstimates}`);
  const planWithReport = (workflow: Workflow, ctx: PlannerContext) => {
    const configs = distinctStrongestFirst(ctx.resources);
    const strongest = configs[0];
    if (!strongest) throw new ConfigError("planner 'non-uniform' needs at least one resource configuration");
    const workerOf = assignWorkers(workflow, ctx.predictions, ctx.sla, strongest, options);
    const level = new Map<string, number>();
    for (const w of workerOf.values()) level.set(w, 0);
    const tasksOf = new Map<string, string[]>();
    for (const id of workflow.topologicalOrder) {
      const w = workerOf.get(id)!;
      const list = tasksOf.get(w);
      if (list) list.push(id);
      else tasksOf.set(w, [id]);
    }
    // Task plans are immutable, so the trial plans share one per task and configuration level rather than each
    // building its own for every task (up to `maxEstimates` plans).
    const taskPlansAt = configs.map((config) => fixedTaskPlans(workflow, workerOf, () => config));
    const taskIds = [...taskPlansAt[0]!.keys()];
    const build = (): Plan => {
      const tasks = new Map<string, TaskPlan>();
      for (const id of taskIds) tasks.set(id, taskPlansAt[level.get(workerOf.get(id)!)!]!.get(id)!);
      return { workflow: workflow.name, planner: 'non-uniform', sla: ctx.sla, tasks };
    };

    let estimates = 1;
    let skipped = 0;
    const baseline = ctx.estimate(build());
    const limitMs = baseline.makespanMs * (1 + tolerance);
    let current: PlanEstimate = baseline;
    const onCriticalPath = new Set(baseline.criticalPath.map((t) => workerOf.get(t)!));
    // Workers in order of first appearance, so rankings break ties deterministically.
    const candidates = [...tasksOf.keys()].filter((w) => !onCriticalPath.has(w));
    const rankOf = new Map(candidates.map((w, i) => [w, i]));

    // Rejected trials by the configuration levels of the candidates (the only thing trials change). A round's first
    // trial moves every remaining candidate, which after an accepted prefix is the plan the previous round began with
    // and was rejected; the estimator is deterministic, so it is rejected again without an estimate. (Accepted states
    // never recur: every trial moves at least one worker further down.) A trial still counts against `maxEstimates`,
    // so the plan is exactly the one the search without this shortcut makes.
    const rejected = new Set<string>();
    const levelsKey = () => candidates.map((w) => String.fromCharCode(48 + level.get(w)!)).join('');

    /** Moves `group` to `target` and estimates; keeps the move and returns true if within the baseline. */
    const trial = (group: readonly string[], target: number): boolean => {
      for (const w of group) level.set(w, target);
      estimates++;
      const key = levelsKey();
      const estimate = rejected.has(key) ? undefined : ctx.estimate(build());
      if (estimate === undefined) {
        skipped++;
        for (const w of group) level.set(w, target - 1);
        return false;
      }
      if (estimate.makespanMs <= limitMs) {
        current = estimate;
        return true;
      }
      rejected.add(key);
      for (const w of group) level.set(w, target - 1);
      return false;
    };

    /** The longest accepted prefix of `ranked` (0 when none fits or the budget is spent). */
    const acceptLongestPrefix = (ranked: readonly string[], target: number): number => {
      if (estimates >= maxEstimates) return 0;
      if (trial(ranked, target)) return ranked.length;
      let lo = 0;
      let hi = ranked.length - 1;
      while (lo < hi && estimates < maxEstimates) {
        const mid = Math.ceil((lo + hi) / 2);
        // Each trial starts from the last accepted state: the first `lo` workers are already at `target`.
        if (trial(ranked.slice(lo, mid), target)) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    };

    let movable = candidates;
    for (let target = 1; target < configs.length && movable.length > 0; target++) {
      let remaining = movable;
      while (remaining.length > 0 && estimates < maxEstimates) {
        const ranked = rankByRoom(remaining, target, current);
        const accepted = acceptLongestPrefix(ranked, target);
        if (accepted === 0) break;
        remaining = ranked.slice(accepted);
      }
      // Only workers that reached this level may try the next, weaker one (Algorithm 4 stops at the first failure).
      movable = movable.filter((w) => level.get(w) === target);
    }

    /** Candidates by the room a downgrade to `target` would leave (slack minus predicted extra time), most first. */
    function rankByRoom(workers: readonly string[], target: number, estimate: PlanEstimate): string[] {
      const slack = estimateSlackMs(workflow, estimate);
      const inputBytes = new Map(estimate.tasks.map((r) => [r.taskId, r.inputBytes]));
      const room = new Map<string, number>();
      for (const w of workers) {
        let minSlackMs = Infinity;
        let extraMs = 0;
        for (const id of tasksOf.get(w)!) {
          const task = workflow.tasks.get(id)!;
          minSlackMs = Math.min(minSlackMs, slack.get(id) ?? Infinity);
          const bytes = inputBytes.get(id) ?? task.staticInputBytes;
          extraMs +=
            ctx.predictions.execMs(task.functionName, bytes, configs[target]!, ctx.sla) -
            ctx.predictions.execMs(task.functionName, bytes, configs[target - 1]!, ctx.sla);
        }
        room.set(w, minSlackMs - extraMs);
      }
      return [...workers].sort((a, b) => room.get(b)! - room.get(a)! || rankOf.get(a)! - rankOf.get(b)!);
    }

    return {
      plan: { ...build(), predictedMakespanMs: current.makespanMs },
      report: { baselineMakespanMs: baseline.makespanMs, finalMakespanMs: current.makespanMs, estimates, repeatedTrials: skipped, levels: level },
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
