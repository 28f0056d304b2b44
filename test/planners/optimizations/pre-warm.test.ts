import { describe, expect, it } from 'vitest';
import { resources, resourceKey } from '../../../core/resources.js';
import { createWorkflow } from '../../../core/workflow.js';
import { createPreWarmPass, preWarmPass } from '../../../planners/optimizations/pre-warm.js';
import { contextFor, fixedPredictions, handPlan, MB2048, optimizationOn, overrides, spec, tasksWith, withForced } from './helpers.js';

// r runs 3 s on root worker w1; a and b then run on w2, which the estimate starts cold when r completes.
const chain = createWorkflow('pre-warm', [spec('r'), spec('a', ['r']), spec('b', ['a'])]);
const predictions = fixedPredictions({ r: 3000, a: 100, b: 100 });
const COLD_MS = 400; // fixedPredictions' cold start at the median

describe('pre-warm pass', () => {
  it('has r warm up w2 so that the environment is ready when w2 is invoked', () => {
    const plan = handPlan(chain, { r: 'w1', a: 'w2', b: 'w2' });
    const ctx = contextFor(chain, predictions);
    const before = ctx.estimate(plan);
    const w2 = before.workers.find((w) => w.workerId === 'w2')!;
    expect(w2.start).toBe('cold');
    const out = preWarmPass.apply(chain, plan, ctx);
    expect(tasksWith(out, 'pre-warm')).toEqual(['r']);
    const warm = optimizationOn(out, 'r', 'pre-warm');
    expect(warm).toMatchObject({ kind: 'pre-warm' });
    if (warm?.kind !== 'pre-warm') throw new Error('unreachable');
    expect(resourceKey(warm.targetResources)).toBe(resourceKey(MB2048));
    // Only one candidate issuer: fire at 75 % of [latest − keep-alive, latest] blended 0.7/0.3 with latest, measured
    // from r's start.
    const r = before.tasks.find((t) => t.taskId === 'r')!;
    const w1 = before.workers.find((w) => w.workerId === 'w1')!;
    const latestMs = w2.invokedAtMs - COLD_MS;
    const lo = Math.max(latestMs - 7000, w1.readyAtMs);
    const expectedTrigger = 0.7 * latestMs + 0.3 * (lo + 0.75 * (latestMs - lo));
    expect(warm.delayMs).toBe(Math.floor(expectedTrigger - r.startMs));
    const after = ctx.estimate(out);
    expect(after.workers.find((w) => w.workerId === 'w2')!.start).toBe('warm');
    expect(after.makespanMs).toBeLessThan(before.makespanMs - 300);
    expect(out.predictedMakespanMs).toBe(after.makespanMs);
  });

  it('warms the target configuration, not the issuer one', () => {
    const small = resources(1024);
    const plan = handPlan(chain, { r: 'w1', a: ['w2', small], b: ['w2', small] });
    const out = preWarmPass.apply(chain, plan, contextFor(chain, predictions, { resources: [MB2048, small] }));
    const warm = optimizationOn(out, 'r', 'pre-warm');
    expect(warm?.kind === 'pre-warm' && resourceKey(warm.targetResources)).toBe(resourceKey(small));
  });

  it('targets no root worker and no flexible worker', () => {
    const roots = createWorkflow('roots', [spec('r1'), spec('r2'), spec('s', ['r1', 'r2'])]);
    const ctx = contextFor(roots, fixedPredictions({ r1: 3000, r2: 100, s: 100 }));
    expect(tasksWith(preWarmPass.apply(roots, handPlan(roots, { r1: 'w1', r2: 'w2', s: 'w1' }), ctx), 'pre-warm')).toEqual([]);
    const flexible = handPlan(chain, { r: null, a: null, b: null });
    const out = preWarmPass.apply(chain, flexible, contextFor(chain, predictions));
    expect(tasksWith(out, 'pre-warm')).toEqual([]);
  });

  it('finds no issuer when the keep-alive window misses every other worker', () => {
    // w1 is active from 0.4 s to 3.4 s and w2's warm-up is due 400 ms before w2's invocation at about 3.4 s: even a
    // 100 ms window then overlaps w1's activity.
    const plan = handPlan(chain, { r: 'w1', a: 'w2', b: 'w2' });
    const ctx = contextFor(chain, predictions);
    expect(tasksWith(createPreWarmPass({ keepAliveMs: 100 }).apply(chain, plan, ctx), 'pre-warm')).toEqual(['r']);
    const quick = fixedPredictions({ r: 10, a: 100, b: 100 });
    const out = preWarmPass.apply(chain, plan, contextFor(chain, quick));
    // r ends about 10 ms after w1 is ready: w2's warm-up would have to be sent before w1 even existed.
    expect(tasksWith(out, 'pre-warm')).toEqual([]);
  });

  it('gives two targets that pick the same worker two different tasks of it', () => {
    // w1 runs r then m (both long); x (after r) and y (after m) run on cold workers w2 and w3 (w3 with another
    // configuration, so it cannot reuse w2's idle environment).
    const wf = createWorkflow('two', [spec('r'), spec('m', ['r']), spec('x', ['r']), spec('y', ['m']), spec('z', ['x', 'y'])]);
    const small = resources(1024);
    const ctx = contextFor(wf, fixedPredictions({ r: 2000, m: 2000, x: 100, y: 100, z: 100 }), { resources: [MB2048, small] });
    const plan = handPlan(wf, { r: 'w1', m: 'w1', x: 'w2', y: ['w3', small], z: ['w3', small] });
    const cold = ctx.estimate(plan).workers.filter((w) => w.start === 'cold').map((w) => w.workerId).sort();
    expect(cold).toEqual(['w1', 'w2', 'w3']);
    const out = preWarmPass.apply(wf, plan, ctx);
    expect(tasksWith(out, 'pre-warm')).toEqual(['m', 'r']);
    expect(ctx.estimate(out).workers.filter((w) => w.purpose !== 'pre-warm' && w.start === 'cold').map((w) => w.workerId)).toEqual(['w1']);
  });

  it('honours overrides: false keeps a task from issuing, true makes it issue one aimed at a later worker', () => {
    const plan = handPlan(chain, { r: 'w1', a: 'w2', b: 'w2' });
    const off = contextFor(chain, predictions, { taskOverrides: overrides({ r: { 'pre-warm': false } }) });
    expect(tasksWith(preWarmPass.apply(chain, plan, off), 'pre-warm')).toEqual([]);
    // a runs on w2 itself, b on w3 which starts cold after a: forcing a to issue aims it at w3.
    const three = handPlan(chain, { r: 'w1', a: 'w2', b: 'w3' });
    const on = contextFor(chain, predictions, { taskOverrides: overrides({ a: { 'pre-warm': true }, r: { 'pre-warm': false } }) });
    const out = preWarmPass.apply(chain, three, on);
    expect(tasksWith(out, 'pre-warm')).toEqual(['a']);
  });

  it('keeps a pre-warm forced in the workflow and does not replace it', () => {
    const forcedWarm = { kind: 'pre-warm' as const, targetResources: resources(512), delayMs: 5 };
    const wf = withForced(chain, new Map([['r', [forcedWarm]]]));
    const plan = handPlan(wf, { r: 'w1', a: 'w2', b: 'w2' });
    const ctx = contextFor(wf, predictions, { taskOverrides: overrides({ r: { 'pre-warm': false } }) });
    const out = preWarmPass.apply(wf, plan, ctx);
    expect(optimizationOn(out, 'r', 'pre-warm')).toEqual(forcedWarm);
  });
});
