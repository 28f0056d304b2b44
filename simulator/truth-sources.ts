import type { Predictions } from '../core/predictions/index.js';
import type { Rng } from '../core/random.js';
import type { ResourceConfig } from '../core/resources.js';
import { percentile } from '../core/sla.js';
import type { Workflow } from '../core/workflow.js';
import { medianExecMs, medianOutputBytes, type FunctionBehaviour } from '../traces/workloads/behaviour.js';
import { platformInfrastructure, SAMPLED_QUANTILE_LEVELS, type DurationSource, type TaskRef } from './duration-sources.js';
import type { PlatformModel } from './platform-model.js';

/**
 * Truth sources: what the simulated world does, as opposed to what a planner believes (its predictions). A plan is
 * graded against one of these, never against draws from the predictions it was made from (see `../ARCHITECTURE.md`,
 * "Belief and truth"), except through `predictionTruth`, which exists to reproduce self-evaluation on purpose.
 *
 * Every per-task quantity is drawn once per task and truth sample (`drawTasks`), not once per call: whichever plan is
 * simulated, in whatever order its workers ask, task t gets the same execution-time and output-size draw. That makes
 * the draws common random numbers across the planner variants of one cell, so two identical plans give identical
 * runs and a difference between two plans is the plans', not the dice's.
 */

/** The random numbers of one task in one truth sample: standard normals and uniforms in [0, 1). */
export interface TaskDraw {
  readonly execZ: number;
  readonly execU: number;
  readonly outputZ: number;
  readonly outputU: number;
}

/**
 * One draw per task, in the workflow's topological order from `rng` (six raw numbers a task: two normals of two
 * each, two uniforms), so a task's draw depends only on the stream and its position, not on any plan.
 */
export function drawTasks(workflow: Workflow, rng: Rng): ReadonlyMap<string, TaskDraw> {
  const draws = new Map<string, TaskDraw>();
  for (const id of workflow.topologicalOrder) {
    draws.set(id, { execZ: rng.normal(), execU: rng.next(), outputZ: rng.normal(), outputU: rng.next() });
  }
  return draws;
}

function drawOf(draws: ReadonlyMap<string, TaskDraw>, task: TaskRef): TaskDraw {
  const draw = draws.get(task.taskId);
  if (!draw) throw new Error(`truth: no draw for task '${task.taskId}' (the draws were made for another workflow)`);
  return draw;
}

/** Start-up and transfer noise of one truth sample, drawn in the order the simulation asks. */
export interface InfrastructureRngs {
  readonly startup: Rng;
  readonly transfer: Rng;
}

/**
 * Fresh draws from a behaviour model (`traces/workloads/behaviour.ts`), per task: execution time is the model's
 * median for the task's input and resources times `exp(execNoiseSigma · z)`, output size likewise with
 * `outputNoiseSigma`. `behaviourOf` gives each task its behaviour: a built-in workload's per function, an imported
 * instance's per task (its recorded runtime and parallelism). Start-ups and transfers come from the platform model.
 */
export function generatorTruth(
  name: string,
  behaviourOf: (task: TaskRef) => FunctionBehaviour,
  draws: ReadonlyMap<string, TaskDraw>,
  model: PlatformModel,
  rngs: InfrastructureRngs,
): DurationSource {
  return {
    name,
    execMs: (task, inputBytes, resources: ResourceConfig) => {
      const behaviour = behaviourOf(task);
      return medianExecMs(behaviour, inputBytes, resources) * Math.exp(behaviour.execNoiseSigma * drawOf(draws, task).execZ);
    },
    outputBytes: (task, inputBytes) => {
      const behaviour = behaviourOf(task);
      return Math.round(medianOutputBytes(behaviour, inputBytes) * Math.exp(behaviour.outputNoiseSigma * drawOf(draws, task).outputZ));
    },
    ...platformInfrastructure(model, rngs),
  };
}

/**
 * Self-evaluation, kept as an explicit choice: each task's execution time and output size are the prediction
 * engine's conditional quantile at the task's own uniform draw (on the `SAMPLED_QUANTILE_LEVELS` grid, as
 * `sampledDurations` does), so the world is made of the planner's beliefs. Labelled as such wherever it is used.
 */
export function predictionTruth(
  predictions: Predictions,
  draws: ReadonlyMap<string, TaskDraw>,
  model: PlatformModel,
  rngs: InfrastructureRngs,
): DurationSource {
  const level = (u: number) => percentile((100 * (Math.floor(u * SAMPLED_QUANTILE_LEVELS) + 0.5)) / SAMPLED_QUANTILE_LEVELS);
  return {
    name: 'predictions (self-evaluation)',
    execMs: (task, inputBytes, resources) => predictions.execMs(task.functionName, inputBytes, resources, level(drawOf(draws, task).execU)),
    outputBytes: (task, inputBytes) => predictions.outputBytes(task.functionName, inputBytes, level(drawOf(draws, task).outputU)),
    ...platformInfrastructure(model, rngs),
  };
}
