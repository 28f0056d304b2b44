import { flexiblePlan } from '../core/plan.js';
import { ConfigError } from '../core/errors.js';
import { WUKONG_OPT_PARAMS, type SchedulerParams } from '../core/scheduler/index.js';
import type { Planner } from './planner.js';

/**
 * WUKONG's own run-time settings (Carver et al., SoCC'20, and its code, `../shared/research/wukong.md` §3–4): task
 * clustering and delayed I/O on, large-output threshold `big_task_threshold` = 200,000,000 bytes. WUKONG compares
 * with `>=`, the core with `>`, so the two differ only for an output of exactly that many bytes.
 */
export const WUKONG_PARAMS: Partial<SchedulerParams> = { clustering: true, delayedIo: true, largeOutputThresholdBytes: 200_000_000 };

/** A WUKONG planner whose plans carry `params` as the run's scheduler settings. */
function createWukongPlanner(name: string, description: string, params: Partial<SchedulerParams>): Planner {
  return {
    name,
    description,
    defaultMemoryMb: [2048],
    plan(workflow, ctx) {
      const [config, ...more] = ctx.resources;
      if (!config || more.length > 0) throw new ConfigError(`planner '${name}' takes exactly one resource configuration, got ${ctx.resources.length}`);
      return { ...flexiblePlan(workflow, name, ctx.sla, config), schedulerParams: params };
    },
  };
}

/**
 * WUKONG (thesis §3.4.2; Carver et al., SoCC'20): one resource configuration for every task and no worker ids, so
 * flexible workers decide at run time (the scheduler core's WUKONG logic: a fan-out continues one branch locally and
 * invokes a worker per other branch; the last arrival at a fan-in proceeds), with WUKONG's own clustering and
 * delayed-I/O settings. Predictions are not used.
 */
export const wukongPlanner: Planner = createWukongPlanner(
  'wukong',
  "the baseline: one configuration, flexible workers scheduled at run time, WUKONG's own settings (200 MB large output)",
  WUKONG_PARAMS,
);

/**
 * WUKONG as the reference implementation (OctoFlows) configured it for its headline runs (`octoflows.md` §5,
 * WUKONG-opt): clustering and delayed I/O on with a 5 MiB large-output threshold. The reference's delayed-I/O
 * re-check was inverted, which made it a no-op; the core implements the intended check.
 */
export const wukongOctoflowsPlanner: Planner = createWukongPlanner(
  'wukong-octoflows',
  "WUKONG with the reference implementation's settings (clustering and delayed I/O at 5 MiB)",
  {
    clustering: WUKONG_OPT_PARAMS.clustering,
    delayedIo: WUKONG_OPT_PARAMS.delayedIo,
    largeOutputThresholdBytes: WUKONG_OPT_PARAMS.largeOutputThresholdBytes,
  },
);
