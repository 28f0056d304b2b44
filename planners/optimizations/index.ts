import type { OptimizationPass } from '../planner.js';
import { preLoadPass } from './pre-load.js';
import { preWarmPass } from './pre-warm.js';
import { taskDupPass } from './task-dup.js';

export { createPreLoadPass, preLoadCandidates, preLoadPass, PRE_LOAD_DEFAULTS, type PreLoadOptions } from './pre-load.js';
export { createPreWarmPass, preWarmPass, PRE_WARM_DEFAULTS, type PreWarmOptions } from './pre-warm.js';
export { createTaskDupPass, taskDupCandidates, taskDupPass, TASK_DUP_DEFAULTS, type TaskDupOptions } from './task-dup.js';
export { acceptAdditions, notLonger, strictlyShorter, type Acceptance, type AcceptedAdditions } from './keep-if-not-longer.js';
export { loadTaskOverrides, parseTaskOverrides, type TaskOverrides } from './overrides-file.js';

/**
 * The optimization passes (thesis §3.4.3), in the order they are applied when several are asked for: pre-load first
 * (it changes when fixed workers are busy downloading, which moves the invocations pre-warm aims at), then pre-warm
 * (aimed at the run pre-load shaped), then task-dup (decided at run time, checked on the final shape).
 */
export const OPTIMIZATION_PASSES: readonly OptimizationPass[] = [preLoadPass, preWarmPass, taskDupPass];
