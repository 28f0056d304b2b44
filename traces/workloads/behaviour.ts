import type { Rng } from '../../core/random.js';
import type { ResourceConfig } from '../../core/resources.js';

/**
 * How one function of a built-in workload behaves, for generating synthetic histories. The model is deliberately
 * simple and explicit, so predictions can be checked against a known truth:
 *
 *   execMs      = (baseExecMs + execMsPerMiB · inputMiB) / speedup(vCpus) · LogNormal(0, execNoiseSigma)
 *   speedup     = min(vCpus, parallelism)          (below one vCPU Lambda gives a proportional CPU share)
 *   outputBytes = round((outputFixedBytes + outputPerInputByte · inputBytes) · LogNormal(0, outputNoiseSigma))
 *
 * `parallelism` is how many vCPUs the function can keep busy (1 for single-threaded Python, more for BLAS-backed
 * numpy), which is what makes bigger Lambda configurations pay off for some functions and not others.
 */
export interface FunctionBehaviour {
  /** Fixed part of the execution time at one vCPU. */
  readonly baseExecMs: number;
  /** Execution time per MiB of input at one vCPU. */
  readonly execMsPerMiB: number;
  /** vCPUs the function can use at once. */
  readonly parallelism: number;
  /** Log-normal sigma of execution-time noise (0.1 ≈ ±10 %). */
  readonly execNoiseSigma: number;
  readonly outputFixedBytes: number;
  readonly outputPerInputByte: number;
  /** Log-normal sigma of output-size noise; 0 for shapes fixed by the data (matrix blocks). */
  readonly outputNoiseSigma: number;
}

const MIB = 1024 * 1024;

/** The speed-up a function gets from its vCPU share. */
export function cpuSpeedup(behaviour: FunctionBehaviour, resources: ResourceConfig): number {
  return Math.min(resources.vCpus, behaviour.parallelism);
}

/** Noise-free execution time: the model's median for this input size and resources. */
export function medianExecMs(behaviour: FunctionBehaviour, inputBytes: number, resources: ResourceConfig): number {
  return (behaviour.baseExecMs + (behaviour.execMsPerMiB * inputBytes) / MIB) / cpuSpeedup(behaviour, resources);
}

/** Noise-free output size: the model's median for this input size. */
export function medianOutputBytes(behaviour: FunctionBehaviour, inputBytes: number): number {
  return Math.round(behaviour.outputFixedBytes + behaviour.outputPerInputByte * inputBytes);
}

/** One noisy execution time drawn from the model. */
export function sampleExecMs(behaviour: FunctionBehaviour, inputBytes: number, resources: ResourceConfig, rng: Rng): number {
  return rng.lognormal(medianExecMs(behaviour, inputBytes, resources), behaviour.execNoiseSigma);
}

/** One noisy output size drawn from the model. */
export function sampleOutputBytes(behaviour: FunctionBehaviour, inputBytes: number, rng: Rng): number {
  return Math.round(rng.lognormal(medianOutputBytes(behaviour, inputBytes), behaviour.outputNoiseSigma));
}

/** A behaviour with defaults for the noise and parallelism, so workload files list only what matters. */
export function behaviour(fields: Partial<FunctionBehaviour> & Pick<FunctionBehaviour, 'baseExecMs'>): FunctionBehaviour {
  return {
    execMsPerMiB: 0,
    parallelism: 1,
    execNoiseSigma: 0.1,
    outputFixedBytes: 0,
    outputPerInputByte: 0,
    outputNoiseSigma: 0,
    ...fields,
  };
}
