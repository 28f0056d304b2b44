/**
 * The planners' estimator simulates a plan itself, so that it can leave the records unbuilt until they are read
 * (planning speed, issue 20 item 3). It must give exactly what the simulator's `estimatePlan` gives: the same
 * makespan (every Non-Uniform decision compares it), records, critical path and bill, on plain, optimized, throttled
 * and failing runs.
 */
import { describe, expect, it } from 'vitest';
import { flexiblePlan, type Plan } from '../../core/plan.js';
import { resources } from '../../core/resources.js';
import { MEDIAN, percentile } from '../../core/sla.js';
import type { Workflow } from '../../core/workflow.js';
import { nonUniformPlanner } from '../../planners/non-uniform.js';
import { OPTIMIZATION_PASS_NAMES } from '../../planners/planner.js';
import { runPlanner } from '../../planners/registry.js';
import { simulatorEstimator } from '../../planners/simulator-estimator.js';
import { uniformPlanner } from '../../planners/uniform.js';
import { estimatePlan } from '../../simulator/estimate-plan.js';
import { withOverrides } from '../../simulator/platform-config.js';
import { DEFAULT_PLATFORM_MODEL } from '../../simulator/platform-defaults.js';
import type { PlatformModel } from '../../simulator/platform-model.js';
import { randomLayeredDag } from '../../traces/synthetic/random-dag.js';
import { formulaPredictions } from './fixtures.js';

const PLATFORMS: Record<string, PlatformModel> = {
  default: DEFAULT_PLATFORM_MODEL,
  'account limit 4': withOverrides(DEFAULT_PLATFORM_MODEL, { concurrency: { accountLimit: 4 } }),
  // Every invocation fails without retries: the run fails, and its makespan is when it did.
  failing: withOverrides(DEFAULT_PLATFORM_MODEL, { failures: { workerFailureProbability: 0.3, maxRetries: 0 } }),
};

function plansOf(workflow: Workflow, seed: number, platform: PlatformModel): Plan[] {
  const predictions = formulaPredictions(seed);
  const ctx = (memoryMb: readonly number[], optimizations: typeof OPTIMIZATION_PASS_NAMES | readonly [] = []) => ({
    predictions,
    sla: MEDIAN,
    resources: memoryMb.map((m) => resources(m)),
    estimate: simulatorEstimator(workflow, predictions, MEDIAN, platform),
    optimizations,
  });
  return [
    flexiblePlan(workflow, 'flexible', MEDIAN, resources(2048)),
    runPlanner(uniformPlanner, workflow, ctx([2048])),
    runPlanner(nonUniformPlanner, workflow, ctx([8192, 4096, 2048], OPTIMIZATION_PASS_NAMES)),
  ];
}

describe('simulatorEstimator', () => {
  for (const [label, platform] of Object.entries(PLATFORMS)) {
    it(`equals estimatePlan on flexible, Uniform and optimized Non-Uniform plans (${label})`, () => {
      for (const seed of [1, 2]) {
        const workflow = randomLayeredDag({ tasks: 60, seed });
        const predictions = formulaPredictions(seed);
        for (const sla of [MEDIAN, percentile(90)]) {
          const estimator = simulatorEstimator(workflow, predictions, sla, platform);
          for (const plan of label === 'failing' ? [flexiblePlan(workflow, 'flexible', sla, resources(2048))] : plansOf(workflow, seed, platform)) {
            const expected = estimatePlan(workflow, plan, predictions, sla, platform);
            const got = estimator(plan);
            expect(got.makespanMs).toBe(expected.summary.makespanMs);
            expect(got.criticalPath).toEqual(expected.summary.criticalPath);
            expect(got.gbSeconds).toBe(expected.summary.billing.gbSeconds);
            expect(got.costUsd).toBe(expected.summary.billing.totalUsd);
            expect(got.workers).toEqual(expected.run.workers);
            expect(got.tasks).toEqual(expected.run.tasks);
          }
        }
      }
    });
  }

  it('a failing run is estimated as failed: its makespan is when it failed', () => {
    const workflow = randomLayeredDag({ tasks: 60, seed: 3 });
    const predictions = formulaPredictions(3);
    const plan = flexiblePlan(workflow, 'flexible', MEDIAN, resources(2048));
    const expected = estimatePlan(workflow, plan, predictions, MEDIAN, PLATFORMS.failing!);
    expect(expected.summary.status).toBe('failed');
    expect(simulatorEstimator(workflow, predictions, MEDIAN, PLATFORMS.failing!)(plan).makespanMs).toBe(expected.summary.makespanMs);
  });

  it('reads as a plain object: spread and JSON hold every field, built once', () => {
    const workflow = randomLayeredDag({ tasks: 30, seed: 4 });
    const predictions = formulaPredictions(4);
    const estimate = simulatorEstimator(workflow, predictions, MEDIAN, DEFAULT_PLATFORM_MODEL)(flexiblePlan(workflow, 'flexible', MEDIAN, resources(2048)));
    expect(Object.keys({ ...estimate }).sort()).toEqual(['costUsd', 'criticalPath', 'gbSeconds', 'makespanMs', 'tasks', 'workers']);
    expect(JSON.parse(JSON.stringify(estimate)).tasks).toHaveLength(estimate.tasks.length);
    // The records are built once: every read returns the same array.
    expect(estimate.tasks).toBe(estimate.tasks);
  });
});
