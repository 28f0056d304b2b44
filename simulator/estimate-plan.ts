import type { Plan } from '../core/plan.js';
import type { Predictions } from '../core/predictions/index.js';
import type { SchedulerParams } from '../core/scheduler/index.js';
import type { Sla } from '../core/sla.js';
import type { Workflow } from '../core/workflow.js';
import { expectedDurations } from './duration-sources.js';
import type { PlatformModel } from './platform-model.js';
import { simulate, type SimulationResult } from './simulate.js';

/**
 * A planner's estimate of a plan: the plan simulated with the prediction engine's values under `sla` and the
 * platform's median latencies, so it is deterministic. Unlike the reference planners' own estimate
 * (`octoflows.md` §4), it runs the same scheduler core as a real run, so it accounts for CPU sharing between
 * co-located tasks, the start-up of every worker (flexible non-root workers included), warm starts left by pre-warm
 * invocations, and the delays of counters and notifications. This is the simulator's one entry point for planners.
 */
export function estimatePlan(
  workflow: Workflow,
  plan: Plan,
  predictions: Predictions,
  sla: Sla,
  platform: PlatformModel,
  schedulerParams?: Partial<SchedulerParams>,
): SimulationResult {
  return simulate(workflow, plan, {
    platform,
    durations: expectedDurations(predictions, sla),
    seed: 0,
    latencyNoise: false,
    runId: `${workflow.name}-${plan.planner}-estimate`,
    ...(schedulerParams ? { schedulerParams } : {}),
  });
}
