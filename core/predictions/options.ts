/**
 * Tuning of the prediction engine. Defaults follow the reference implementation (OctoFlows) except where noted.
 */
import { ConfigError } from '../errors.js';
import { checkSelectionOptions, DEFAULT_SELECTION } from './select.js';

/** Memory-scaling exponents per time-valued quantity: time ∝ memoryMb^(−exponent). */
export interface ScalingExponents {
  /** Default 0.3 (reference): doubling memory makes execution 0.81× as long. */
  readonly execMs: number;
  /** Default 0.3 (reference: transfer speed ∝ memoryMb^0.3, hence time ∝ memoryMb^−0.3). */
  readonly transferMs: number;
  /**
   * Default 0: AWS Lambda cold starts are flat in memory (lambda-perf data, 128 to 1,024 MB; see
   * shared research platform-defaults §1b). The reference made start-up grow with memory as memoryMb^0.3, which is
   * −0.3 here (`OCTOFLOWS_EXPONENTS.startupMs`).
   */
  readonly startupMs: number;
}

/** Options of `createPredictions`. Every field is optional; see `DEFAULT_PREDICTION_OPTIONS`. */
export interface PredictionOptions {
  /** Workflow whose runs to use, when predictions are made from runs (see `collectSamples`). */
  readonly workflow?: string;
  /** Size of the selection window around the reference size. Default 20. */
  readonly neighbourSamples?: number;
  /** Cap on a block of samples exactly at the reference size; ≥ neighbourSamples. Default 100 (reference). */
  readonly maxSamples?: number;
  /** Same-config samples needed to skip normalization. Default 6 (reference). */
  readonly minSameConfigSamples?: number;
  /** Memory that samples are normalized to. Default 1024 MB (reference). */
  readonly baselineMemoryMb?: number;
  /** Overrides of single exponents; the others keep their defaults. */
  readonly exponents?: Partial<ScalingExponents>;
}

/** Options with every default filled in. */
export interface ResolvedPredictionOptions {
  readonly neighbourSamples: number;
  readonly maxSamples: number;
  readonly minSameConfigSamples: number;
  readonly baselineMemoryMb: number;
  readonly exponents: ScalingExponents;
}

/** The defaults of this engine. */
export const DEFAULT_EXPONENTS: ScalingExponents = { execMs: 0.3, transferMs: 0.3, startupMs: 0 };

/** The reference implementation's exponents, start-up growing with memory. */
export const OCTOFLOWS_EXPONENTS: ScalingExponents = { execMs: 0.3, transferMs: 0.3, startupMs: -0.3 };

/** All defaults of `PredictionOptions`. */
export const DEFAULT_PREDICTION_OPTIONS: ResolvedPredictionOptions = {
  neighbourSamples: DEFAULT_SELECTION.neighbourSamples,
  maxSamples: DEFAULT_SELECTION.maxSamples,
  minSameConfigSamples: 6,
  baselineMemoryMb: 1024,
  exponents: DEFAULT_EXPONENTS,
};

/** Fills in defaults and rejects impossible values with a `ConfigError` naming the option. */
export function resolvePredictionOptions(options: PredictionOptions = {}): ResolvedPredictionOptions {
  const d = DEFAULT_PREDICTION_OPTIONS;
  const resolved: ResolvedPredictionOptions = {
    neighbourSamples: options.neighbourSamples ?? d.neighbourSamples,
    // An explicit small window with the default cap must stay valid, and a cap below the window is an error.
    maxSamples: options.maxSamples ?? Math.max(d.maxSamples, options.neighbourSamples ?? 0),
    minSameConfigSamples: options.minSameConfigSamples ?? d.minSameConfigSamples,
    baselineMemoryMb: options.baselineMemoryMb ?? d.baselineMemoryMb,
    exponents: {
      execMs: options.exponents?.execMs ?? d.exponents.execMs,
      transferMs: options.exponents?.transferMs ?? d.exponents.transferMs,
      startupMs: options.exponents?.startupMs ?? d.exponents.startupMs,
    },
  };
  checkSelectionOptions(resolved);
  if (!Number.isInteger(resolved.minSameConfigSamples) || resolved.minSameConfigSamples < 1) {
    throw new ConfigError(`minSameConfigSamples must be an integer ≥ 1, got ${resolved.minSameConfigSamples}`);
  }
  if (!Number.isFinite(resolved.baselineMemoryMb) || resolved.baselineMemoryMb <= 0) {
    throw new ConfigError(`baselineMemoryMb must be a positive number, got ${resolved.baselineMemoryMb}`);
  }
  for (const [name, value] of Object.entries(resolved.exponents)) {
    if (!Number.isFinite(value)) throw new ConfigError(`exponents.${name} must be a finite number, got ${value}`);
  }
  return resolved;
}
