import { flexiblePlan } from '../core/plan.js';
import { ConfigError } from '../core/errors.js';
import type { Planner } from './planner.js';

/**
 * WUKONG (thesis §3.4.2; Carver et al., SoCC'20): one resource configuration for every task and no worker ids, so
 * flexible workers decide at run time (the scheduler core's WUKONG logic: a fan-out continues one branch locally and
 * invokes a worker per other branch; the last arrival at a fan-in proceeds). Predictions are not used.
 */
export const wukongPlanner: Planner = {
  name: 'wukong',
  description: 'one configuration, flexible workers scheduled at run time (the baseline)',
  defaultMemoryMb: [2048],
  plan(workflow, ctx) {
    const [config, ...more] = ctx.resources;
    if (!config || more.length > 0) throw new ConfigError(`planner 'wukong' takes exactly one resource configuration, got ${ctx.resources.length}`);
    return flexiblePlan(workflow, 'wukong', ctx.sla, config);
  },
};
