import { createPredictions, scaleExecSamples, type Predictions } from '../../core/predictions/index.js';
import type { Seed } from '../../core/random.js';
import { beliefErrorRng } from './seeds.js';

/**
 * The belief a planner plans with at one prediction-error level: the training predictions with each function's
 * execution-time samples multiplied by
 *
 *   factor(f) = beliefScale[f] · (1 + bias) · exp(σ · z_f),   σ = sqrt(ln(1 + level²))
 *
 * where `level` is the coefficient of variation of the multiplicative error (0.25: a function's belief is off by
 * about ±25 %), z_f one standard normal per workload and function (`compare/<workload>/belief-error/<function>`),
 * shared by every level so that a higher level scales the same error rather than drawing a new one, and the log-normal
 * has median 1 (no bias of its own). `bias` shifts every function alike (0.2: believed 20 % slower than observed),
 * and `beliefScale` sets a function's factor by hand (a deliberately wrong prediction). Level 0 with no bias and no
 * scale is the training predictions themselves.
 */
export interface BeliefError {
  readonly level: number;
  readonly bias: number;
  readonly scale: Readonly<Record<string, number>>;
}

/** The execution-time factor of one function's belief (see `BeliefError`). */
export function beliefFactor(seed: Seed, workload: string, functionName: string, error: BeliefError): number {
  const sigma = Math.sqrt(Math.log(1 + error.level * error.level));
  const z = beliefErrorRng(seed, workload, functionName).normal();
  return (error.scale[functionName] ?? 1) * (1 + error.bias) * Math.exp(sigma * z);
}

/** The belief at an error level: `training` itself when nothing perturbs it. */
export function perturbedBelief(training: Predictions, seed: Seed, workload: string, error: BeliefError): Predictions {
  if (error.level === 0 && error.bias === 0 && Object.keys(error.scale).length === 0) return training;
  const samples = scaleExecSamples(training.samples, (fn) => beliefFactor(seed, workload, fn, error));
  return createPredictions(samples, training.options);
}
