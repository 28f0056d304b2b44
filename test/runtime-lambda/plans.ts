import { createPredictions } from '../../core/predictions/index.js';
import type { Plan } from '../../core/plan.js';
import { resources as makeResources } from '../../core/resources.js';
import { MEDIAN } from '../../core/sla.js';
import type { Workflow } from '../../core/workflow.js';
import type { OptimizationPassName } from '../../planners/planner.js';
import { getPlanner, runPlanner } from '../../planners/registry.js';
import { simulatorEstimator } from '../../planners/simulator-estimator.js';
import { taskEstimatesFrom } from '../../runtime-lambda/run-workflow.js';
import type { TaskEstimate } from '../../runtime-lambda/run-config.js';
import { DEFAULT_PLATFORM_MODEL } from '../../simulator/platform-defaults.js';
import { generateHistory } from '../../traces/synthetic/history-generator.js';
import { groupRuns } from '../../traces/trace-runs.js';

/** A plan for a real test run and the planner-side task estimates task-dup decisions use. */
export interface TestPlan {
  readonly plan: Plan;
  readonly taskEstimates: Record<string, TaskEstimate>;
}

/**
 * Plans `workflow` as `bench compare` does (experiments/compare/runner.ts): predictions from a seeded synthetic
 * history of the workload with the same parameters, the planner's default memory sizes strongest first, the
 * simulator as estimator, then the optimization passes.
 */
export function planFor(
  workflow: Workflow,
  params: Readonly<Record<string, number>>,
  plannerName: string,
  optimizations: readonly OptimizationPassName[],
): TestPlan {
  const records = generateHistory(workflow.name, { runs: 6, seed: 7, params });
  const predictions = createPredictions(groupRuns(records).runs, { workflow: workflow.name });
  const estimate = simulatorEstimator(workflow, predictions, MEDIAN, DEFAULT_PLATFORM_MODEL);
  const planner = getPlanner(plannerName);
  const configs = planner.defaultMemoryMb.map((mb) => makeResources(mb)).sort((a, b) => b.memoryMb - a.memoryMb);
  const planned = runPlanner(planner, workflow, { predictions, sla: MEDIAN, resources: configs, estimate, optimizations });
  return { plan: withShortPreWarmDelays(planned), taskEstimates: taskEstimatesFrom(estimate(planned).tasks) };
}

/** The longest pre-warm delay a test run waits for. */
export const MAX_TEST_PRE_WARM_DELAY_MS = 50;

/**
 * The synthetic history models the reference's Python on Lambda (image_transformer's split_image sleeps 9 s), so
 * the pre-warm pass plans delays of seconds, while our task code runs in milliseconds: a worker would sit idle for
 * those seconds after the run has completed, waiting to send its pre-warm. Tests cut the delays to a few ms; the
 * pre-warm path (the delayed empty invocation, the warm-up worker) is exercised all the same.
 */
function withShortPreWarmDelays(plan: Plan): Plan {
  const tasks = new Map(
    [...plan.tasks].map(([id, entry]) => [
      id,
      {
        ...entry,
        optimizations: entry.optimizations.map((o) =>
          o.kind === 'pre-warm' && (o.delayMs ?? 0) > MAX_TEST_PRE_WARM_DELAY_MS ? { ...o, delayMs: MAX_TEST_PRE_WARM_DELAY_MS } : o,
        ),
      },
    ]),
  );
  return { ...plan, tasks };
}
