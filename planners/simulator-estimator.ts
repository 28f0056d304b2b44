import type { Plan } from '../core/plan.js';
import type { Predictions } from '../core/predictions/index.js';
import type { SchedulerParams } from '../core/scheduler/index.js';
import type { Sla } from '../core/sla.js';
import type { Workflow } from '../core/workflow.js';
import { estimatePlan } from '../simulator/estimate-plan.js';
import type { PlatformModel } from '../simulator/platform-model.js';
import type { PlanEstimate, PlanEstimator } from './planner.js';

/**
 * The standard estimator: the plan simulated with the prediction engine's values under `sla` (deterministic). The
 * only place planners reach into the simulator, through its public estimate function.
 */
export function simulatorEstimator(
  workflow: Workflow,
  predictions: Predictions,
  sla: Sla,
  platform: PlatformModel,
  schedulerParams?: Partial<SchedulerParams>,
): PlanEstimator {
  return (plan: Plan): PlanEstimate => {
    const { run, summary } = estimatePlan(workflow, plan, predictions, sla, platform, schedulerParams);
    return {
      makespanMs: summary.makespanMs,
      criticalPath: summary.criticalPath,
      gbSeconds: summary.billing.gbSeconds,
      costUsd: summary.billing.totalUsd,
      workers: run.workers,
      tasks: run.tasks,
    };
  };
}
