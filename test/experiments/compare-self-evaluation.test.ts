import { mean, sampleStandardDeviation } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { createPredictions } from '../../core/predictions/index.js';
import { rngFor } from '../../core/random.js';
import { resources } from '../../core/resources.js';
import { MEDIAN } from '../../core/sla.js';
import { buildCompareMatrix } from '../../experiments/compare/build-matrix.js';
import { runCompare } from '../../experiments/compare/runner.js';
import { historySeed } from '../../experiments/compare/seeds.js';
import { loadPlanner, runPlanner } from '../../planners/registry.js';
import { simulatorEstimator } from '../../planners/simulator-estimator.js';
import { sampledDurations } from '../../simulator/duration-sources.js';
import { DEFAULT_PLATFORM_MODEL } from '../../simulator/platform-defaults.js';
import { simulate } from '../../simulator/simulate.js';
import { generateHistory } from '../../traces/synthetic/history-generator.js';
import { groupRuns } from '../../traces/trace-runs.js';
import { getWorkload, workloadNames } from '../../traces/workloads/registry.js';

const RUNS = 50;
const SEED = 1;
const PLANNERS = ['wukong', 'uniform', 'non-uniform'];

/**
 * Makespans of `runs` simulations the way `bench compare` graded plans before truth was a separate input: durations
 * sampled call by call from the planner's own predictions, on streams named per variant
 * (`compare/<workload>/<sla>/<variant>/run-<i>/<stream>`).
 */
async function selfEvaluatedBefore(workload: string, planner: string): Promise<number[]> {
  const definition = getWorkload(workload);
  const workflow = definition.build(Object.fromEntries(definition.params.map((p) => [p.name, p.defaultValue])));
  const runs = groupRuns(generateHistory(workload, { runs: 10, seed: historySeed(SEED, workload) })).runs;
  const predictions = createPredictions(runs, { workflow: workflow.name });
  const estimate = simulatorEstimator(workflow, predictions, MEDIAN, DEFAULT_PLATFORM_MODEL);
  const loaded = await loadPlanner(planner);
  const configs = loaded.defaultMemoryMb.map((mb) => resources(mb)).sort((a, b) => b.memoryMb - a.memoryMb);
  const plan = runPlanner(loaded, workflow, { predictions, sla: MEDIAN, resources: configs, estimate, optimizations: [] });
  const makespans: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const stream = (name: string) => rngFor(SEED, `compare/${workload}/median/${planner}/run-${run}/${name}`);
    const durations = sampledDurations(predictions, DEFAULT_PLATFORM_MODEL, { exec: stream('exec'), output: stream('output'), startup: stream('startup'), transfer: stream('transfer') });
    const { summary } = simulate(workflow, plan, { platform: DEFAULT_PLATFORM_MODEL, durations, seed: stream('platform').int(2 ** 31) });
    if (summary.status === 'completed') makespans.push(summary.makespanMs);
  }
  return makespans;
}

describe('--truth predictions reproduces the self-evaluated figures of before', () => {
  it(`each planner's mean makespan over ${RUNS} runs agrees with the per-call sampling of before (paired draws change runs, not the distribution)`, { timeout: 120_000 }, async () => {
    const built = await buildCompareMatrix({ truth: 'predictions', planners: PLANNERS, optimizations: ['none'], runs: RUNS, seed: SEED });
    const now = await runCompare(built.matrix);
    const zs: { cell: string; z: number }[] = [];
    for (const workload of workloadNames()) {
      for (const planner of PLANNERS) {
        const after = now.runs.filter((r) => r.workload === workload && r.variant === planner && r.status === 'completed').map((r) => r.makespanMs);
        const before = await selfEvaluatedBefore(workload, planner);
        expect(after).toHaveLength(RUNS);
        expect(before).toHaveLength(RUNS);
        // The standard error of the difference of two independent means of RUNS runs each.
        const se = Math.sqrt(sampleStandardDeviation(after) ** 2 / RUNS + sampleStandardDeviation(before) ** 2 / RUNS);
        zs.push({ cell: `${workload}/${planner}`, z: se === 0 ? 0 : (mean(after) - mean(before)) / se });
      }
    }
    // 18 comparisons of samples from one distribution: |z| ≤ 1 for about 68 % of them by chance alone, and none
    // should pass 3 (a Bonferroni bound at 5 % for 18 tests is 2.99). A change of distribution — a draw per call
    // becoming a draw per function, or a level grid shifted — moves many cells by several standard errors at once.
    const within1 = zs.filter((c) => Math.abs(c.z) <= 1).length / zs.length;
    for (const { cell, z } of zs) expect(Math.abs(z), cell).toBeLessThanOrEqual(3);
    expect(within1).toBeGreaterThanOrEqual(0.5);
  });
});
