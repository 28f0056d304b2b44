/**
 * The simulator's records pinned by digest: a spread of simulations whose trace records must stay byte-identical
 * across performance work on the engine (issue 15 item 1). Every built-in workload is planned by every built-in
 * planner (with and without the optimization passes) on a generated history, then simulated against a generator
 * truth under several platforms: the defaults, worker and task failures on, the local profile (single-threaded
 * workers on a shared host CPU with background load), and a throttled account (few slots, a small scaling bucket, a
 * slow storage server, so invocations wait and transfers share the server). The planner's own estimate (expected
 * values, no latency noise) and the perf benchmark's layered DAGs (flexible and fixed plans) are in the spread too,
 * and so are load simulations (`simulateLoad`, several requests on one platform, records kept).
 *
 * `npx tsx experiments/perf/sim-digest.ts` prints the md5 over everything and one md5 per scenario, so a change
 * names the scenario it moved; `test/simulator/sim-digest.test.ts` pins the total.
 */
import { createHash } from 'node:crypto';
import { flexiblePlan, type Plan } from '../../core/plan.js';
import { createPredictions, type Predictions } from '../../core/predictions/index.js';
import { rngFor } from '../../core/random.js';
import { resources } from '../../core/resources.js';
import { MEDIAN } from '../../core/sla.js';
import type { TraceRecord } from '../../core/trace-records.js';
import type { Workflow } from '../../core/workflow.js';
import { getPlanner, runPlanner } from '../../planners/registry.js';
import { simulatorEstimator } from '../../planners/simulator-estimator.js';
import type { OptimizationPassName } from '../../planners/planner.js';
import type { DurationSource } from '../../simulator/duration-sources.js';
import { expectedDurations } from '../../simulator/duration-sources.js';
import { simulateLoad } from '../../simulator/load-simulation.js';
import { withOverrides } from '../../simulator/platform-config.js';
import { DEFAULT_PLATFORM_MODEL } from '../../simulator/platform-defaults.js';
import type { PlatformModel } from '../../simulator/platform-model.js';
import { simulate } from '../../simulator/simulate.js';
import { drawTasks, generatorTruth } from '../../simulator/truth-sources.js';
import { randomLayeredDag } from '../../traces/synthetic/random-dag.js';
import { generateHistory } from '../../traces/synthetic/history-generator.js';
import { groupRuns } from '../../traces/trace-runs.js';
import { WORKLOADS } from '../../traces/workloads/registry.js';
import { resolveParams, type WorkloadDefinition } from '../../traces/workloads/workload.js';
import { fixedPlan, PERF_DURATIONS } from './perf-fixtures.js';

const ALL_PASSES: readonly OptimizationPassName[] = ['pre-load', 'pre-warm', 'task-dup'];
/** The planners of the spread, named rather than taken from the registry, so a planner added later moves no pin. */
const DIGEST_PLANNERS: readonly string[] = ['wukong', 'uniform', 'non-uniform', 'wukong-octoflows'];

/** The platforms every plan runs on, by name. */
export const DIGEST_PLATFORMS: Readonly<Record<string, PlatformModel>> = {
  default: DEFAULT_PLATFORM_MODEL,
  failures: withOverrides(DEFAULT_PLATFORM_MODEL, {
    failures: { workerFailureProbability: 0.08, taskFailureProbability: 0.08, maxRetries: 2, retryDelaysMs: [500, 1500] },
  }),
  local: withOverrides(DEFAULT_PLATFORM_MODEL, { cpu: { singleThreadedWorker: true, hostCores: 2, backgroundMsPerTask: 15 } }),
  throttled: withOverrides(DEFAULT_PLATFORM_MODEL, {
    concurrency: { accountLimit: 4, scalingBurst: 2, scalingRefillPerS: 5 },
    storage: { serverBandwidthBytesPerMs: 20_000, serverOpsPerS: 2_000 },
  }),
};

/** One simulation of the spread: its name and its records. */
export interface DigestScenario {
  readonly name: string;
  readonly records: readonly TraceRecord[];
}

/** The md5 over every scenario's records (in order), and one per scenario. */
export interface SimulationDigest {
  readonly md5: string;
  readonly scenarios: Readonly<Record<string, string>>;
}

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

/** A fresh generator truth of `workload` (draw `k`): per-task draws from its behaviour model. */
function truthOf(workload: WorkloadDefinition, workflow: Workflow, platform: PlatformModel, k: number): DurationSource {
  const behaviours = workload.behaviour(resolveParams(workload));
  const base = `sim-digest/${workload.name}/${k}`;
  return generatorTruth(`generator:${workload.name}`, (task) => behaviours[task.functionName]!, drawTasks(workflow, rngFor(base, 'tasks')), platform, {
    startup: rngFor(base, 'startup'),
    transfer: rngFor(base, 'transfer'),
  });
}

/** Every built-in planner, without and with every optimization pass, on predictions of a generated history. */
function plansOf(workflow: Workflow, predictions: Predictions): { label: string; plan: Plan }[] {
  const plans: { label: string; plan: Plan }[] = [{ label: 'flexible', plan: flexiblePlan(workflow, 'flexible', MEDIAN, resources(2048)) }];
  const estimate = simulatorEstimator(workflow, predictions, MEDIAN, DEFAULT_PLATFORM_MODEL);
  for (const planner of DIGEST_PLANNERS.map(getPlanner)) {
    for (const optimizations of [[], ALL_PASSES]) {
      const ctx = { predictions, sla: MEDIAN, resources: planner.defaultMemoryMb.map((m) => resources(m)), estimate, optimizations };
      plans.push({ label: `${planner.name}${optimizations.length > 0 ? '+opt' : ''}`, plan: runPlanner(planner, workflow, ctx) });
    }
  }
  return plans;
}

/** Every simulation of the spread, in a fixed order (see the module's doc). */
export function* digestScenarios(): Generator<DigestScenario> {
  const loadMix = [];
  for (const workload of WORKLOADS) {
    const workflow = workload.build(resolveParams(workload));
    const history = generateHistory(workload.name, { runs: 6, seed: 11 });
    const predictions = createPredictions(groupRuns(history).runs, { workflow: workflow.name });
    const plans = plansOf(workflow, predictions);
    for (const { label, plan } of plans) {
      for (const [platformName, platform] of Object.entries(DIGEST_PLATFORMS)) {
        const result = simulate(workflow, plan, { platform, durations: truthOf(workload, workflow, platform, 0), seed: 5 });
        yield { name: `${workload.name}/${label}/${platformName}`, records: result.records };
      }
      // The planner's estimate: expected values under the SLA, no latency noise.
      const estimate = simulate(workflow, plan, { platform: DEFAULT_PLATFORM_MODEL, durations: expectedDurations(predictions, MEDIAN), seed: 0, latencyNoise: false });
      yield { name: `${workload.name}/${label}/expected`, records: estimate.records };
    }
    const optimized = plans.find((p) => p.label === 'non-uniform+opt')!.plan;
    loadMix.push({ workload, workflow, plan: optimized });
  }
  for (const tasks of [800, 3000]) {
    const workflow = randomLayeredDag({ tasks, seed: 3 });
    for (const [label, plan] of [
      ['flexible', flexiblePlan(workflow, 'flexible', MEDIAN, resources(2048))],
      ['fixed/16', fixedPlan(workflow, 16)],
    ] as const) {
      for (const [platformName, platform] of Object.entries(DIGEST_PLATFORMS)) {
        yield { name: `layered-${tasks}/${label}/${platformName}`, records: simulate(workflow, plan, { platform, durations: PERF_DURATIONS, seed: 2 }).records };
      }
    }
  }
  for (const [platformName, platform] of Object.entries(DIGEST_PLATFORMS)) {
    const result = simulateLoad({
      platform,
      mix: loadMix.map(({ workload, workflow, plan }, i) => ({
        name: workload.name,
        workflow,
        plan,
        weight: 1 + (i % 3),
        truth: (k: number) => truthOf(workload, workflow, platform, k + 1),
        slaMs: 10_000,
      })),
      arrivals: { kind: 'poisson', ratePerS: 4 },
      requests: 24,
      seed: 9,
      timeoutMs: 60_000,
      keepRecords: true,
    });
    yield { name: `load/${platformName}`, records: result.records!.flat() };
  }
}

/** Simulates the spread and digests it. */
export function simulationDigest(): SimulationDigest {
  const total = createHash('md5');
  const scenarios: Record<string, string> = {};
  for (const { name, records } of digestScenarios()) {
    const text = JSON.stringify(records);
    scenarios[name] = md5(text);
    total.update(name).update('\n').update(text).update('\n');
  }
  return { md5: total.digest('hex'), scenarios };
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, '/'))) {
  const start = performance.now();
  const digest = simulationDigest();
  if (process.argv.includes('--scenarios')) for (const [name, hash] of Object.entries(digest.scenarios)) console.log(`${hash}  ${name}`);
  console.log(`${digest.md5}  total of ${Object.keys(digest.scenarios).length} scenarios (${((performance.now() - start) / 1000).toFixed(1)} s)`);
}
