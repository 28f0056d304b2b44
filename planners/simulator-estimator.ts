import type { Plan } from '../core/plan.js';
import type { Predictions } from '../core/predictions/index.js';
import type { SchedulerParams } from '../core/scheduler/index.js';
import type { Sla } from '../core/sla.js';
import type { Workflow } from '../core/workflow.js';
import { expectedDurations } from '../simulator/duration-sources.js';
import { SimEngine } from '../simulator/engine.js';
import type { PlatformModel } from '../simulator/platform-model.js';
import { PlatformState } from '../simulator/platform-state.js';
import { r3 } from '../simulator/run-state.js';
import type { SimulationOptions, SimulationResult } from '../simulator/simulation-types.js';
import { createWorkflowRun, type WorkflowRun } from '../simulator/workflow-run.js';
import type { PlanEstimate, PlanEstimator } from './planner.js';

/**
 * The standard estimator: the plan simulated with the prediction engine's values under `sla` (deterministic), as
 * `simulator/estimate-plan.ts` simulates it (the same options; `test/planners/simulator-estimator.test.ts` holds the
 * two equal). The only place planners reach into the simulator.
 *
 * The makespan is known when the simulation ends; the trace records, the critical path and the bill are built from
 * the finished run only when first read. Most estimates a planner makes are read for their makespan alone
 * (Non-Uniform's rejected and intermediate trials, Uniform's one estimate, the passes' group tests), and building
 * the records of a 10,000-task run was about a third of an estimate's time, with the garbage it leaves.
 */
export function simulatorEstimator(
  workflow: Workflow,
  predictions: Predictions,
  sla: Sla,
  platform: PlatformModel,
  schedulerParams?: Partial<SchedulerParams>,
): PlanEstimator {
  const durations = expectedDurations(predictions, sla);
  return (plan: Plan): PlanEstimate => {
    const options: SimulationOptions = {
      platform,
      durations,
      seed: 0,
      latencyNoise: false,
      runId: `${workflow.name}-${plan.planner}-estimate`,
      ...(schedulerParams ? { schedulerParams } : {}),
    };
    const engine = new SimEngine();
    const run = createWorkflowRun(engine, new PlatformState(engine, platform), workflow, plan, options);
    run.start();
    const events = engine.run(() => run.failed);
    return lazyEstimate(run, events);
  };
}

/**
 * A finished estimate run: its makespan now, its records and summary when first read. The lazy fields are own
 * enumerable getters, so spreading, serializing or comparing an estimate sees them as it saw plain fields.
 */
function lazyEstimate(finished: WorkflowRun, events: number): PlanEstimate {
  let run: WorkflowRun | undefined = finished;
  let result: SimulationResult | undefined;
  const full = (): SimulationResult => {
    if (!result) {
      result = { ...run!.result(), events };
      // The run's state (every worker, event and transfer) is no longer needed once its records exist.
      run = undefined;
    }
    return result;
  };
  const { endedAtMs } = finished.usage();
  return {
    // The summary's makespan is the run-end record's, the end rounded to µs; a run that neither completed nor failed
    // has no end record, and its makespan comes from the task records.
    makespanMs: endedAtMs !== undefined ? r3(endedAtMs) : full().summary.makespanMs,
    get criticalPath() {
      return full().summary.criticalPath;
    },
    get gbSeconds() {
      return full().summary.billing.gbSeconds;
    },
    get costUsd() {
      return full().summary.billing.totalUsd;
    },
    get workers() {
      return full().run.workers;
    },
    get tasks() {
      return full().run.tasks;
    },
  };
}
