import type { Plan } from '../../core/plan.js';
import type { PlanEstimate } from '../planner.js';
import { withAdditions, type Addition, type EstimateBudget } from './shared.js';

/** Decides whether a trial estimate is good enough to keep, given the estimate of the plan it was built on. */
export type Acceptance = (trial: PlanEstimate, current: PlanEstimate) => boolean;

/** Keeps additions that leave the estimated makespan no longer (pre-warm, task-dup). */
export const notLonger: Acceptance = (trial, current) => trial.makespanMs <= current.makespanMs;

/** Keeps additions that make the estimated makespan strictly shorter (pre-load's rule, thesis §3.4.3). */
export const strictlyShorter: Acceptance = (trial, current) => trial.makespanMs < current.makespanMs;

/** What group testing kept. */
export interface AcceptedAdditions {
  readonly plan: Plan;
  readonly estimate: PlanEstimate;
  readonly accepted: readonly Addition[];
  /** Additions tried and dropped, or left untried because the estimate budget ran out. */
  readonly rejected: readonly Addition[];
}

/**
 * Adds as many of `additions` to `plan` as the estimate allows, by group testing: the whole set is tried first; a set
 * the estimate does not accept is split in halves, each tried on top of what was kept so far, down to single
 * additions. Every kept step passes `accept` against the plan it extends, so with `notLonger` or `strictlyShorter`
 * the returned estimate is never longer than `estimate` (the worst case keeps nothing and returns `plan` itself).
 *
 * Why groups: when all additions help (the common case), one estimate decides them all; the cost grows with the
 * number of harmful additions times log n, not with n. This replaces the reference's one-estimate-per-task loop,
 * which a 10k-task DAG cannot afford. When the budget runs out, the additions not yet decided are dropped.
 */
export function acceptAdditions(
  plan: Plan,
  estimate: PlanEstimate,
  additions: readonly Addition[],
  accept: Acceptance,
  budget: EstimateBudget,
): AcceptedAdditions {
  let currentPlan = plan;
  let currentEstimate = estimate;
  const accepted: Addition[] = [];
  const rejected: Addition[] = [];
  const tryGroup = (group: readonly Addition[]): void => {
    if (group.length === 0) return;
    if (!budget.left) {
      rejected.push(...group);
      return;
    }
    const trialPlan = withAdditions(currentPlan, group);
    const trial = budget.estimate(trialPlan);
    if (accept(trial, currentEstimate)) {
      currentPlan = trialPlan;
      currentEstimate = trial;
      accepted.push(...group);
      return;
    }
    if (group.length === 1) {
      rejected.push(group[0]!);
      return;
    }
    const half = Math.ceil(group.length / 2);
    tryGroup(group.slice(0, half));
    tryGroup(group.slice(half));
  };
  tryGroup(additions);
  return { plan: currentPlan, estimate: currentEstimate, accepted, rejected };
}
