import { describe, expect, it } from 'vitest';
import { createWorkflow } from '../../../core/workflow.js';
import { createPreLoadPass, preLoadCandidates, preLoadPass } from '../../../planners/optimizations/pre-load.js';
import { contextFor, fixedPredictions, handPlan, overrides, spec, tasksWith, withForced } from './helpers.js';

// r fans out to a (long, on r's worker w1), b (w2) and x (w3), whose large outputs c needs on w1. While w1 runs a,
// b and x are already uploaded: with pre-load, w1 downloads them during a instead of after it. d has a single
// external upstream (not a candidate); b and x are entry tasks of their workers (one external upstream each).
const workflow = createWorkflow('pre-load', [spec('r'), spec('a', ['r']), spec('b', ['r']), spec('x', ['r']), spec('c', ['a', 'b', 'x']), spec('d', ['b'])]);
const predictions = fixedPredictions({ r: 50, a: 3000, b: 100, x: 100, c: 100, d: 100 }, { b: 20e6, x: 20e6 });
const plan = handPlan(workflow, { r: 'w1', a: 'w1', b: 'w2', x: 'w3', c: 'w1', d: 'w1' });

describe('pre-load pass', () => {
  it('candidates are fixed tasks with at least minExternalUpstreams upstreams elsewhere', () => {
    expect(preLoadCandidates(workflow, plan, 2)).toEqual(['c']);
    expect(preLoadCandidates(workflow, plan, 1).sort()).toEqual(['b', 'c', 'd', 'x']);
    expect(preLoadCandidates(workflow, plan, 3)).toEqual([]);
    const flexible = handPlan(workflow, { r: 'w1', a: 'w1', b: 'w2', x: 'w3', c: null, d: 'w1' });
    expect(preLoadCandidates(workflow, flexible, 1)).not.toContain('c');
  });

  it('pre-loads exactly the critical-path task whose early downloads shorten the estimate', () => {
    const ctx = contextFor(workflow, predictions);
    const before = ctx.estimate(plan);
    expect(before.criticalPath).toContain('c');
    const out = preLoadPass.apply(workflow, plan, ctx);
    expect(tasksWith(out, 'pre-load')).toEqual(['c']);
    const after = ctx.estimate(out);
    expect(after.makespanMs).toBeLessThan(before.makespanMs - 100);
    expect(out.predictedMakespanMs).toBe(after.makespanMs);
  });

  it('does not keep a pre-load that cannot shorten the estimate: c alone on a worker that starts when c is ready', () => {
    const alone = handPlan(workflow, { r: 'w1', a: 'w1', b: 'w2', x: 'w3', c: 'w4', d: 'w1' });
    expect(preLoadCandidates(workflow, alone, 2)).toEqual(['c']);
    const ctx = contextFor(workflow, predictions);
    expect(ctx.estimate(alone).criticalPath).toContain('c');
    const before = ctx.estimates();
    const out = preLoadPass.apply(workflow, alone, ctx);
    expect(ctx.estimates() - before).toBe(2); // the base, then c tried and dropped
    expect(tasksWith(out, 'pre-load')).toEqual([]);
    expect(out.predictedMakespanMs).toBe(ctx.estimate(alone).makespanMs);
  });

  it('with a threshold of 1, only critical-path candidates are tried', () => {
    const ctx = contextFor(workflow, predictions);
    const out = createPreLoadPass({ minExternalUpstreams: 1 }).apply(workflow, plan, ctx);
    expect(tasksWith(out, 'pre-load')).toEqual(['c']);
  });

  it('honours per-task overrides: false never, true always (fixed tasks only)', () => {
    const off = contextFor(workflow, predictions, { taskOverrides: overrides({ c: { 'pre-load': false } }) });
    expect(tasksWith(preLoadPass.apply(workflow, plan, off), 'pre-load')).toEqual([]);
    const on = contextFor(workflow, predictions, { taskOverrides: overrides({ d: { 'pre-load': true } }) });
    expect(tasksWith(preLoadPass.apply(workflow, plan, on), 'pre-load')).toEqual(['c', 'd']);
    const flexiblePlan = handPlan(workflow, { r: 'w1', a: 'w1', b: 'w2', x: 'w3', c: 'w1', d: null });
    expect(tasksWith(preLoadPass.apply(workflow, flexiblePlan, on), 'pre-load')).toEqual(['c']);
  });

  it('an override false drops a pre-load the input plan carried, but never one forced in the workflow', () => {
    const forced = withForced(workflow, new Map([['d', [{ kind: 'pre-load' as const }]]]));
    const forcedPlan = handPlan(forced, { r: 'w1', a: 'w1', b: 'w2', x: 'w3', c: 'w1', d: 'w1' });
    const withC = { ...forcedPlan, tasks: new Map(forcedPlan.tasks).set('c', { ...forcedPlan.tasks.get('c')!, optimizations: [{ kind: 'pre-load' as const }] }) };
    const ctx = contextFor(forced, predictions, { taskOverrides: overrides({ c: { 'pre-load': false }, d: { 'pre-load': false } }) });
    expect(tasksWith(preLoadPass.apply(forced, withC, ctx), 'pre-load')).toEqual(['d']);
  });

  it('stays within its estimate budget', () => {
    const ctx = contextFor(workflow, predictions);
    createPreLoadPass({ minExternalUpstreams: 1, maxEstimates: 2 }).apply(workflow, plan, ctx);
    expect(ctx.estimates()).toBeLessThanOrEqual(2);
  });
});
