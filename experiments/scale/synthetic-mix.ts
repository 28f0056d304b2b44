import { flexiblePlan } from '../../core/plan.js';
import { createPredictions } from '../../core/predictions/index.js';
import { rngFor, type Seed } from '../../core/random.js';
import { resources as makeResources, type ResourceConfig } from '../../core/resources.js';
import type { Sla } from '../../core/sla.js';
import type { Workflow } from '../../core/workflow.js';
import { loadPlanner, runPlanner } from '../../planners/registry.js';
import { simulatorEstimator } from '../../planners/simulator-estimator.js';
import type { LoadWorkflow } from '../../simulator/load-simulation.js';
import type { PlatformModel } from '../../simulator/platform-model.js';
import { toRun } from '../../simulator/run-records.js';
import { simulate } from '../../simulator/simulate.js';
import { drawTasks, generatorTruth } from '../../simulator/truth-sources.js';
import { behaviour, type FunctionBehaviour } from '../../traces/workloads/behaviour.js';
import { strongestFirst } from '../compare/runner.js';

/**
 * A generated DAG (`traces/synthetic/dag-families.ts`) as one workflow of a load mix. Every task behaves alike
 * (`SYNTHETIC_BEHAVIOUR`: 200 ms at one vCPU ± 20 %, a 256 KiB output ± 10 %), so a sweep over DAG sizes measures the
 * shape and the size, not the task code. The planner's belief is made from `HISTORY_RUNS` simulated runs of the DAG
 * (every task on its own flexible worker of 1,024, 2,048 and 4,096 MB in turn) on draws apart from the requests'.
 */
export const SYNTHETIC_BEHAVIOUR: FunctionBehaviour = behaviour({ baseExecMs: 200, execNoiseSigma: 0.2, outputFixedBytes: 256 * 1024, outputNoiseSigma: 0.1 });

/** Simulated runs the belief of a generated DAG is made from. */
export const HISTORY_RUNS = 3;

/** The truth of request (or history run) `k` of a generated DAG: fresh per-task draws from the synthetic behaviour. */
export function syntheticTruth(workflow: Workflow, platform: PlatformModel, seed: Seed, k: number) {
  const rng = (stream: string) => rngFor(seed, `scale/${workflow.name}/run-${k}/${stream}`);
  return generatorTruth('synthetic', () => SYNTHETIC_BEHAVIOUR, drawTasks(workflow, rng('tasks')), platform, { startup: rng('startup'), transfer: rng('transfer') });
}

/** Plans a generated DAG with `plannerName` on a belief from its simulated history; the mix entry runs that plan. */
export async function syntheticLoadWorkflow(
  workflow: Workflow,
  plannerName: string,
  sla: Sla,
  platform: PlatformModel,
  seed: Seed,
  offered?: readonly ResourceConfig[],
): Promise<LoadWorkflow> {
  const history = [1024, 2048, 4096].slice(0, HISTORY_RUNS).map((memoryMb, i) => {
    const plan = flexiblePlan(workflow, 'history', sla, makeResources(memoryMb));
    // Negative run numbers: the history's draws are apart from every request's.
    const { records } = simulate(workflow, plan, { platform, durations: syntheticTruth(workflow, platform, seed, -1 - i), seed: `${String(seed)}/history/${i}`, runId: `${workflow.name}-history-${i}` });
    return toRun(records);
  });
  const predictions = createPredictions(history, { workflow: workflow.name });
  const planner = await loadPlanner(plannerName);
  const configs = strongestFirst(offered ?? planner.defaultMemoryMb.map((memoryMb) => makeResources(memoryMb)));
  const estimate = simulatorEstimator(workflow, predictions, sla, platform);
  const plan = runPlanner(planner, workflow, { predictions, sla, resources: configs, estimate, optimizations: [] });
  return { name: workflow.name, workflow, plan, weight: 1, truth: (k) => syntheticTruth(workflow, platform, seed, k), slaMs: estimate(plan).makespanMs };
}
