import { ConfigError } from '../../core/errors.js';
import type { Plan } from '../../core/plan.js';
import type { Workflow } from '../../core/workflow.js';
import type { OptimizationPass, PlannerContext } from '../planner.js';
import { acceptAdditions, strictlyShorter } from './keep-if-not-longer.js';
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

/** Options of the pre-load pass. */
export interface PreLoadOptions {
  /**
   * A task is a candidate when at least this many of its upstream tasks run on another or a flexible worker (default
   * 2, the reference's final rule "≥2 external upstreams"; its history used >4, then ≥1). With a single external
   * input there is nothing to overlap: the task cannot start before that input exists anyway.
   */
  readonly minExternalUpstreams?: number;
  /** Outer iterations along the critical path, at most (default 100, as the reference). */
  readonly maxIterations?: number;
  /** Estimates the pass may make, the base estimate included (default 40; one estimate of a 10k-task plan takes about 0.7 s); bounds planning time on huge DAGs. */
  readonly maxEstimates?: number;
}

/** Defaults of `PreLoadOptions`. */
export const PRE_LOAD_DEFAULTS = { minExternalUpstreams: 2, maxIterations: 100, maxEstimates: 40 } as const;

/**
 * Pre-load (thesis §3.4.3): a fixed worker downloads a task's remote inputs as soon as each is uploaded, while it is
 * still busy with earlier tasks, instead of all at once when the task becomes ready.
 *
 * Assignment: candidates are fixed-worker tasks with at least `minExternalUpstreams` upstream tasks on other or
 * flexible workers (flexible tasks are skipped: only a fixed worker exists before its task is ready). Then, along the
 * estimated critical path: the candidates on it get pre-load together; if the estimate does not strictly shrink, the
 * set is split in halves and each half tried on top of what was kept (`acceptAdditions`). When the critical path
 * changes, the candidates on the new path are tried. The pass stops when an iteration keeps nothing, the path offers
 * no untried candidate, `maxIterations` is reached or the estimate budget runs out. A candidate is tried on at most
 * one path: rejected ones are not retried, which keeps the number of estimates near (critical-path candidates) ×
 * log, instead of the reference's one estimate per candidate per iteration.
 *
 * Departures from the reference: only critical-path candidates are tried (pre-load elsewhere cannot shorten the
 * estimated makespan, only cost subscriptions); acceptance is per group with bisection; the estimate is the real
 * scheduler core, so pre-load's effect includes CPU sharing and notification delays. Per-task overrides: `true`
 * adds pre-load to a fixed task unconditionally (before the base estimate, so the guarantee below is relative to the
 * plan with the user's choices), `false` never adds it and drops one the input plan carried; pre-loads the user
 * forced in the workflow stay. The returned plan's estimate is never longer than that base's.
 */
export function createPreLoadPass(options: PreLoadOptions = {}): OptimizationPass {
  const name = 'pre-load';
  const minExternal = nonNegativeOption(name, 'minExternalUpstreams', options.minExternalUpstreams, PRE_LOAD_DEFAULTS.minExternalUpstreams);
  const maxIterations = nonNegativeOption(name, 'maxIterations', options.maxIterations, PRE_LOAD_DEFAULTS.maxIterations);
  const maxEstimates = nonNegativeOption(name, 'maxEstimates', options.maxEstimates, PRE_LOAD_DEFAULTS.maxEstimates);
  if (maxEstimates < 1) throw new ConfigError(`${name}: maxEstimates must be at least 1 (the base estimate)`);
  return {
    name,
    description: `fixed workers download remote inputs early; kept where the estimate shrinks (candidates: ≥${minExternal} external upstreams)`,
    apply(workflow: Workflow, plan: Plan, ctx: PlannerContext): Plan {
      const budget = new EstimateBudget(ctx, maxEstimates);
      const start = withoutOverriddenOff(workflow, plan, ctx, name);
      const forced: Addition[] = overriddenOn(workflow, start, ctx, name)
        .filter((id) => start.tasks.get(id)!.workerId !== null)
        .map((taskId) => ({ taskId, optimization: { kind: name } }));
      let current = withAdditions(start, forced);
      let estimate = budget.estimate(current);

      const candidates = new Set(preLoadCandidates(workflow, current, minExternal));
      const tried = new Set<string>();
      for (let iteration = 0; iteration < maxIterations && budget.left; iteration++) {
        const onPath = estimate.criticalPath.filter((id) => candidates.has(id) && !tried.has(id) && mayAdd(current, ctx, id, name));
        if (onPath.length === 0) break;
        for (const id of onPath) tried.add(id);
        const result = acceptAdditions(
          current,
          estimate,
          onPath.map((taskId) => ({ taskId, optimization: { kind: name } })),
          strictlyShorter,
          budget,
        );
        if (result.accepted.length === 0) break;
        current = result.plan;
        estimate = result.estimate;
      }
      return withEstimate(current, estimate);
    },
  };
}

/**
 * Fixed-worker tasks with at least `minExternalUpstreams` upstream tasks on another or a flexible worker, in
 * topological order.
 */
export function preLoadCandidates(workflow: Workflow, plan: Plan, minExternalUpstreams: number): string[] {
  return workflow.topologicalOrder.filter((id) => {
    const workerId = plan.tasks.get(id)!.workerId;
    if (workerId === null) return false;
    let external = 0;
    for (const up of workflow.tasks.get(id)!.upstream) if (plan.tasks.get(up)!.workerId !== workerId) external++;
    return external >= minExternalUpstreams && external > 0;
  });
}

/** The pre-load pass with its defaults. */
export const preLoadPass: OptimizationPass = createPreLoadPass();
