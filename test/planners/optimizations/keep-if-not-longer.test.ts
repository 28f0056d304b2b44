import { describe, expect, it } from 'vitest';
import type { Plan } from '../../../core/plan.js';
import { createWorkflow } from '../../../core/workflow.js';
import { acceptAdditions, notLonger, strictlyShorter } from '../../../planners/optimizations/keep-if-not-longer.js';
import { EstimateBudget, type Addition } from '../../../planners/optimizations/shared.js';
import type { PlanEstimate, PlannerContext } from '../../../planners/planner.js';
import { handPlan, MB2048, spec, tasksWith } from './helpers.js';

const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
const workflow = createWorkflow('group', ids.map((id) => spec(id)));
const plan = handPlan(workflow, Object.fromEntries(ids.map((id) => [id, id])));
const additions: Addition[] = ids.map((taskId) => ({ taskId, optimization: { kind: 'pre-load' } }));

/** An estimator where each pre-loaded task changes the makespan by a fixed amount. */
function fakeContext(effectMs: Record<string, number>): PlannerContext {
  const estimate = (p: Plan): PlanEstimate => {
    let makespanMs = 1000;
    for (const id of tasksWith(p, 'pre-load')) makespanMs += effectMs[id] ?? 0;
    return { makespanMs, criticalPath: [], gbSeconds: 0, costUsd: 0, workers: [], tasks: [] };
  };
  return { predictions: undefined as never, sla: { kind: 'median' }, resources: [MB2048], estimate, optimizations: [] };
}

describe('acceptAdditions (group testing)', () => {
  it('accepts the whole set with one estimate when it is not longer', () => {
    const ctx = fakeContext({ a: -5, c: 0 });
    const budget = new EstimateBudget(ctx, 10);
    const result = acceptAdditions(plan, ctx.estimate(plan), additions, notLonger, budget);
    expect(result.accepted).toHaveLength(8);
    expect(budget.count).toBe(1);
    expect(result.estimate.makespanMs).toBe(995);
  });

  it('drops exactly the harmful additions by bisection and never ends longer', () => {
    const ctx = fakeContext({ a: -5, c: 7, f: 3, h: -1 });
    const budget = new EstimateBudget(ctx, 100);
    const result = acceptAdditions(plan, ctx.estimate(plan), additions, notLonger, budget);
    expect(result.rejected.map((a) => a.taskId).sort()).toEqual(['c', 'f']);
    expect(tasksWith(result.plan, 'pre-load')).toEqual(['a', 'b', 'd', 'e', 'g', 'h']);
    expect(result.estimate.makespanMs).toBe(994);
  });

  it('with strictlyShorter, neutral additions alone are dropped', () => {
    const ctx = fakeContext({ b: -2 });
    const result = acceptAdditions(plan, ctx.estimate(plan), additions.slice(0, 1).concat(additions.slice(2, 3)), strictlyShorter, new EstimateBudget(ctx, 100));
    expect(result.accepted).toEqual([]);
    expect(result.plan).toBe(plan);
  });

  it('drops what it could not decide when the budget runs out', () => {
    const ctx = fakeContext({ a: 1, b: 1, c: 1, d: 1, e: 1, f: 1, g: 1, h: 1 });
    const budget = new EstimateBudget(ctx, 3);
    const result = acceptAdditions(plan, ctx.estimate(plan), additions, notLonger, budget);
    expect(budget.count).toBe(3);
    expect(result.accepted).toEqual([]);
    expect(result.rejected).toHaveLength(8);
  });
});
