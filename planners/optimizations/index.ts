import type { OptimizationPass } from '../planner.js';

/** The optimization passes (thesis §3.4.3), in the order they are applied when several are asked for. */
export const OPTIMIZATION_PASSES: readonly OptimizationPass[] = [];
