import { describe, expect, it } from 'vitest';
import { createWorkflow } from '../../../core/workflow.js';
import { createTaskDupPass, taskDupCandidates, taskDupPass, TASK_DUP_DEFAULTS } from '../../../planners/optimizations/task-dup.js';
import { withAdditions } from '../../../planners/optimizations/shared.js';
import { contextFor, fixedPredictions, handPlan, optimizationOn, overrides, spec, tasksWith } from './helpers.js';

// r (w1) fans out to a (w1), b (w2), long (w3) and f (flexible); c (w2) joins a, b and long.
const workflow = createWorkflow('task-dup', [spec('r'), spec('a', ['r']), spec('b', ['r']), spec('long', ['r']), spec('c', ['a', 'b', 'long']), spec('f', ['r'])]);
const predictions = fixedPredictions({ r: 50, a: 100, b: 100, long: 2000, c: 100, f: 100 });
const plan = handPlan(workflow, { r: 'w1', a: 'w1', b: 'w2', long: 'w3', c: 'w2', f: null });

describe('task-dup pass', () => {
  it('candidates: short, small-input tasks with a downstream on another fixed worker', () => {
    const ctx = contextFor(workflow, predictions);
    // b's only downstream is on its own worker, long exceeds maxExecMs, c and f have no downstream.
    expect(taskDupCandidates(workflow, plan, ctx, TASK_DUP_DEFAULTS.maxExecMs, TASK_DUP_DEFAULTS.maxInputBytes)).toEqual(['r', 'a']);
    expect(taskDupCandidates(workflow, plan, ctx, 5000, TASK_DUP_DEFAULTS.maxInputBytes)).toEqual(['r', 'a', 'long']);
    expect(taskDupCandidates(workflow, plan, ctx, 5000, 0)).toEqual(['r']); // only the root has no input at all
    // A downstream on a flexible worker does not count: a flexible worker cannot duplicate.
    const onlyFlexible = handPlan(workflow, { r: 'w1', a: 'w1', b: 'w1', long: 'w1', c: 'w1', f: null });
    expect(taskDupCandidates(workflow, onlyFlexible, ctx, 5000, TASK_DUP_DEFAULTS.maxInputBytes)).toEqual([]);
  });

  it('annotates a with minSavedMs 150 and drops r, whose duplication lengthens the estimate', () => {
    const ctx = contextFor(workflow, predictions);
    const base = ctx.estimate(plan).makespanMs;
    const rAlone = ctx.estimate(withAdditions(plan, [{ taskId: 'r', optimization: { kind: 'task-dup' } }])).makespanMs;
    expect(rAlone).toBeGreaterThan(base);
    const out = taskDupPass.apply(workflow, plan, ctx);
    expect(tasksWith(out, 'task-dup')).toEqual(['a']);
    expect(optimizationOn(out, 'a', 'task-dup')).toEqual({ kind: 'task-dup', minSavedMs: 150 });
    expect(out.predictedMakespanMs!).toBeLessThanOrEqual(base);
    expect(out.predictedMakespanMs).toBe(ctx.estimate(out).makespanMs);
  });

  it('passes its minSavedMs option on', () => {
    const out = createTaskDupPass({ minSavedMs: 40 }).apply(workflow, plan, contextFor(workflow, predictions));
    expect(optimizationOn(out, 'a', 'task-dup')).toEqual({ kind: 'task-dup', minSavedMs: 40 });
  });

  it('honours overrides: true adds task-dup even where the rules or the estimate would not, false never adds it', () => {
    const ctx = contextFor(workflow, predictions, { taskOverrides: overrides({ r: { 'task-dup': true }, long: { 'task-dup': true }, a: { 'task-dup': false } }) });
    expect(tasksWith(taskDupPass.apply(workflow, plan, ctx), 'task-dup')).toEqual(['long', 'r']);
  });

  it('rejects bad options with the pass and option named', () => {
    expect(() => createTaskDupPass({ maxExecMs: -1 })).toThrow(/task-dup: maxExecMs must be a non-negative number/);
  });
});
