import { join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../core/plan.js';
import { resourceKey, resources } from '../../core/resources.js';
import { MEDIAN, percentile } from '../../core/sla.js';
import { createWorkflow, type Workflow } from '../../core/workflow.js';
import type { PlanEstimate, PlannerContext } from '../../planners/planner.js';
import { createNonUniformPlanner, nonUniformPlanner } from '../../planners/non-uniform.js';
import { getPlanner, loadPlanner, runPlanner } from '../../planners/registry.js';
import { simulatorEstimator } from '../../planners/simulator-estimator.js';
import { uniformPlanner } from '../../planners/uniform.js';
import { wukongPlanner } from '../../planners/wukong.js';
import { DEFAULT_PLATFORM_MODEL } from '../../simulator/platform-defaults.js';
import { planToJson } from '../../traces/plan-file.js';
import { randomLayeredDag } from '../../traces/synthetic/random-dag.js';
import { formulaPredictions } from './fixtures.js';

const STRONG = [8192, 4096, 2048].map((m) => resources(m));

function context(workflow: Workflow, seed: number, memoryMb: readonly number[]): PlannerContext {
  const predictions = formulaPredictions(seed);
  return {
    predictions,
    sla: MEDIAN,
    resources: memoryMb.map((m) => resources(m)),
    estimate: simulatorEstimator(workflow, predictions, MEDIAN, DEFAULT_PLATFORM_MODEL),
    optimizations: [],
  };
}

// Shapes the issue names: chains (width 1), wide levels, fan-outs and fan-ins (random layered DAGs mix them).
const dagArb = fc.record({
  tasks: fc.integer({ min: 1, max: 40 }),
  seed: fc.integer({ min: 0, max: 100_000 }),
  widthMean: fc.constantFrom(1, 2, 5, 12),
  maxFanIn: fc.constantFrom(1, 2, 4),
});

describe('planners', () => {
  test.prop([dagArb], { numRuns: 40 })('every task gets one config and (except wukong) one worker id; uniform uses only its config', (d) => {
    const workflow = randomLayeredDag({ tasks: d.tasks, seed: d.seed, widthMean: d.widthMean, maxFanIn: d.maxFanIn });
    for (const planner of [wukongPlanner, uniformPlanner]) {
      const plan = planner.plan(workflow, context(workflow, d.seed, [2048]));
      expect(plan.tasks.size).toBe(workflow.tasks.size);
      for (const id of workflow.tasks.keys()) {
        const entry = plan.tasks.get(id)!;
        expect(resourceKey(entry.resources)).toBe(resourceKey(resources(2048)));
        if (planner === wukongPlanner) expect(entry.workerId).toBeNull();
        else expect(entry.workerId).toMatch(/^w\d+$/);
      }
    }
  });

  test.prop([dagArb], { numRuns: 25 })(
    'non-uniform: never lengthens its own estimate, stays within the given configs, one worker one config, deterministic',
    (d) => {
      const workflow = randomLayeredDag({ tasks: d.tasks, seed: d.seed, widthMean: d.widthMean, maxFanIn: d.maxFanIn });
      const ctx = context(workflow, d.seed, [2048, 8192, 4096]);
      const { plan, report } = createNonUniformPlanner().planWithReport(workflow, ctx);
      expect(report.finalMakespanMs).toBeLessThanOrEqual(report.baselineMakespanMs * (1 + 1e-9));
      expect(plan.predictedMakespanMs!).toBeLessThanOrEqual(report.baselineMakespanMs * (1 + 1e-9));
      const allowed = new Set(STRONG.map(resourceKey));
      const byWorker = new Map<string, string>();
      for (const entry of plan.tasks.values()) {
        expect(allowed.has(resourceKey(entry.resources))).toBe(true);
        expect(entry.workerId).not.toBeNull();
        const seen = byWorker.get(entry.workerId!);
        if (seen) expect(resourceKey(entry.resources)).toBe(seen);
        byWorker.set(entry.workerId!, resourceKey(entry.resources));
      }
      const again = nonUniformPlanner.plan(workflow, context(workflow, d.seed, [2048, 8192, 4096]));
      expect(JSON.stringify(planToJson(again))).toBe(JSON.stringify(planToJson(plan)));
    },
  );
});

describe('Algorithm 4 (downgrading), pinned with a hand-made estimator', () => {
  // r → {a, b, c}, all equally short: with MAX_CLUSTERING 1, a stays on r's worker and b, c get a worker each.
  const workflow = createWorkflow('pin', [
    { id: 'r', functionName: 'r', upstream: [] },
    { id: 'a', functionName: 'a', upstream: ['r'] },
    { id: 'b', functionName: 'b', upstream: ['r'] },
    { id: 'c', functionName: 'c', upstream: ['r'] },
  ]);

  it('downgrades off-critical-path workers as far as the estimate allows, and leaves the critical path alone', () => {
    const predictions = formulaPredictions(0, { execMs: () => 1, outputBytes: () => 1 });
    let calls = 0;
    // The critical path runs through r and a (worker of a); b's worker may go to the weakest config, c's only one step.
    const estimate = (plan: Plan): PlanEstimate => {
      calls++;
      const memory = (id: string) => plan.tasks.get(id)!.resources.memoryMb;
      const makespanMs = 100 + (memory('c') < 4096 ? 50 : 0) + (memory('a') < 8192 ? 70 : 0);
      return { makespanMs, criticalPath: ['r', 'a'], gbSeconds: 0, costUsd: 0, workers: [], tasks: [] };
    };
    const planner = createNonUniformPlanner({ maxClustering: 1 });
    const { plan, report } = planner.planWithReport(workflow, { predictions, sla: MEDIAN, resources: STRONG, estimate, optimizations: [] });
    const memory = Object.fromEntries([...plan.tasks].map(([id, t]) => [id, t.resources.memoryMb]));
    // MAX_CLUSTERING 1: r and a share w0 (the upstream worker takes one short), b and c get w1 and w2.
    expect(Object.fromEntries([...plan.tasks].map(([id, t]) => [id, t.workerId]))).toEqual({ r: 'w0', a: 'w0', b: 'w1', c: 'w2' });
    expect(memory).toEqual({ r: 8192, a: 8192, b: 2048, c: 4096 });
    expect(report.finalMakespanMs).toBe(100);
    // Baseline, {w1,w2}→4096 accepted, {w1,w2}→2048 rejected, bisection: w1→2048 accepted, next round w2→2048
    // rejected; the plan returned carries the last accepted estimate, so no final one: 5 trials. The last trial's
    // plan (both at 2048) is the one rejected before, so it is rejected without a fifth estimate.
    expect(calls).toBe(4);
    expect(report.estimates).toBe(5);
    expect(report.repeatedTrials).toBe(1);
  });
});

describe('planner registry', () => {
  it('lists the valid names for an unknown planner', async () => {
    expect(() => getPlanner('fastest')).toThrow(/unknown planner 'fastest' \(planners: wukong, uniform, non-uniform/);
    await expect(loadPlanner('./nope/planner.js')).rejects.toThrow(/cannot load planner module '\.\/nope\/planner\.js'/);
  });

  it('loads a user-defined planner from a module path and runs it with the optimization passes', async () => {
    const planner = await loadPlanner(join(import.meta.dirname, 'fixtures', 'one-worker-planner.ts'));
    expect(planner.name).toBe('one-worker');
    const workflow = randomLayeredDag({ tasks: 12, seed: 4 });
    const ctx = { ...context(workflow, 4, planner.defaultMemoryMb), optimizations: ['pre-load', 'pre-warm', 'task-dup'] as const };
    const plan = runPlanner(planner, workflow, ctx);
    expect(new Set([...plan.tasks.values()].map((t) => t.workerId))).toEqual(new Set(['solo']));
    expect([...plan.tasks.values()].every((t) => t.resources.memoryMb === 4096)).toBe(true);
  });

  it("wukong plans carry WUKONG's own settings, wukong-octoflows the reference's (5 MiB)", () => {
    const workflow = randomLayeredDag({ tasks: 10, seed: 2 });
    const own = getPlanner('wukong').plan(workflow, context(workflow, 2, [2048]));
    const ref = getPlanner('wukong-octoflows').plan(workflow, context(workflow, 2, [2048]));
    expect(own.schedulerParams).toEqual({ clustering: true, delayedIo: true, largeOutputThresholdBytes: 200_000_000 });
    expect(ref.schedulerParams).toEqual({ clustering: true, delayedIo: true, largeOutputThresholdBytes: 5 * 1024 * 1024 });
    expect(ref.planner).toBe('wukong-octoflows');
  });

  it('a higher SLA never makes a uniform plan estimate shorter', () => {
    const workflow = randomLayeredDag({ tasks: 30, seed: 3 });
    const predictions = formulaPredictions(3);
    const run = (sla: typeof MEDIAN) => {
      const ctx = { predictions, sla, resources: [resources(2048)], estimate: simulatorEstimator(workflow, predictions, sla, DEFAULT_PLATFORM_MODEL), optimizations: [] };
      return uniformPlanner.plan(workflow, ctx).predictedMakespanMs!;
    };
    expect(run(percentile(90))).toBeGreaterThanOrEqual(run(MEDIAN));
  });
});
