import type { Plan } from '../core/plan.js';
import type { Workflow } from '../core/workflow.js';
import { SimEngine } from './engine.js';
import { PlatformState } from './platform-state.js';
import type { SimulationOptions, SimulationResult } from './simulation-types.js';
import { createWorkflowRun } from './workflow-run.js';

export type { DupQuery, SimulationOptions, SimulationResult } from './simulation-types.js';

/**
 * Simulates one run of `plan` in virtual time, alone on an idle platform: an engine, a platform and one workflow run
 * (`workflow-run.ts` says what is modelled). The scheduler core decides; the run carries the commands out with
 * durations from `options.durations` and latencies from the platform model. Deterministic for a given seed: ties in
 * the event queue break by sequence number and every random draw comes from a stream named after its use.
 */
export function simulate(workflow: Workflow, plan: Plan, options: SimulationOptions): SimulationResult {
  const engine = new SimEngine();
  const platform = new PlatformState(engine, options.platform);
  const run = createWorkflowRun(engine, platform, workflow, plan, options);
  run.start();
  // A failed run stops the simulation: nothing after its failure is recorded.
  const events = engine.run(() => run.failed);
  return { ...run.result(), events };
}
