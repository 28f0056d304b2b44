/**
 * Accounts for resources in time-valued quantities (execution, transfer and start-up times), following the
 * thesis's two paths (§3.3): with enough samples of exactly the target configuration only those are used
 * (`'same-config'`); otherwise every sample is normalized to a baseline memory, the estimate is made there, and the
 * result is rescaled to the target (`'normalized'`).
 *
 * The model is time ∝ memoryMb^(−exponent): a sample is normalized by × (memoryMb / baselineMb)^exponent and the
 * estimate rescaled by × (baselineMb / targetMemoryMb)^exponent. vCPUs are not modelled separately: on Lambda they
 * follow memory.
 */
import type { ResourceConfig } from '../resources.js';
import { sameResources } from '../resources.js';

/** Which of the two resource paths a prediction took. */
export type ResourcePath = 'same-config' | 'normalized';

/** Parameters of the resource handling of one quantity. */
export interface ResourceScaling {
  /** Same-config samples needed to use them alone. Reference `MIN_SAMPLES_OF_SAME_RESOURCE_CONFIGURATION` = 6. */
  readonly minSameConfigSamples: number;
  /** Memory samples are normalized to. Reference `BASELINE_MEMORY_MB` = 1024. */
  readonly baselineMemoryMb: number;
  /** Time ∝ memoryMb^(−exponent): positive when more memory is faster, 0 when memory does not matter. */
  readonly exponent: number;
}

/** Samples of one quantity as seen from one target configuration. */
export interface ResourceView<T> {
  readonly path: ResourcePath;
  /** The samples used, each with its value on the common scale (raw, or normalized to the baseline). */
  readonly entries: readonly { readonly sample: T; readonly value: number }[];
  /** Multiplier taking an estimate on the common scale to the target configuration (1 on the same-config path). */
  readonly rescaleFactor: number;
}

/** (memoryMb / baselineMb)^exponent: the factor normalizing a sample taken at `memoryMb` to the baseline. */
export function memoryFactor(memoryMb: number, baselineMb: number, exponent: number): number {
  return Math.pow(memoryMb / baselineMb, exponent);
}

/**
 * Chooses the resource path for `target` and puts the samples on a common scale. `valueOf` reads the time of a
 * sample. `samples` must not be empty for the result to be usable; that is the caller's check.
 */
export function resourceView<T extends { readonly resources: ResourceConfig }>(
  samples: readonly T[],
  target: ResourceConfig,
  valueOf: (sample: T) => number,
  scaling: ResourceScaling,
): ResourceView<T> {
  const same = samples.filter((s) => sameResources(s.resources, target));
  if (same.length >= scaling.minSameConfigSamples) {
    return { path: 'same-config', entries: same.map((sample) => ({ sample, value: valueOf(sample) })), rescaleFactor: 1 };
  }
  const { baselineMemoryMb: base, exponent } = scaling;
  return {
    path: 'normalized',
    entries: samples.map((sample) => ({
      sample,
      value: valueOf(sample) * memoryFactor(sample.resources.memoryMb, base, exponent),
    })),
    rescaleFactor: Math.pow(base / target.memoryMb, exponent),
  };
}
