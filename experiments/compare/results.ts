import type { ResourceConfig } from '../../core/resources.js';
import type { CompareMatrix } from './matrix.js';

/**
 * The metrics compared per run. `storageMb` is intermediate-storage traffic in decimal megabytes: (uploaded +
 * downloaded bytes) / 1e6.
 */
export const COMPARE_METRICS = [
  'makespanMs',
  'gbSeconds',
  'vcpuSeconds',
  'costUsd',
  'workersLaunched',
  'preWarms',
  'coldStarts',
  'storageMb',
] as const;
/** One of the compared metrics. */
export type CompareMetric = (typeof COMPARE_METRICS)[number];

/** One simulated run of one (workload, SLA, variant). */
export interface CompareRunRow extends Readonly<Record<CompareMetric, number>> {
  readonly workload: string;
  readonly sla: string;
  readonly variant: string;
  /** 0-based index of the simulated run. */
  readonly run: number;
  readonly runId: string;
  readonly status: 'completed' | 'failed' | 'unfinished';
  readonly warmStarts: number;
  readonly uploadedBytes: number;
  readonly downloadedBytes: number;
  readonly storageOps: number;
}

/** Mean and sample standard deviation of a metric over the completed runs of a cell (`null` where undefined). */
export interface MetricStats {
  readonly mean: number | null;
  /** Sample standard deviation (n − 1); null below two runs. */
  readonly std: number | null;
  readonly median: number | null;
}

/** Everything measured for one (workload, SLA, variant), deterministic for a seed. */
export interface CompareAggregate {
  readonly workload: string;
  readonly sla: string;
  readonly variant: string;
  /** The planner's own name (a module path resolves to the name its planner declares). */
  readonly planner: string;
  readonly optimizations: readonly string[];
  /** The configurations the planner was given, strongest first. */
  readonly resources: readonly ResourceConfig[];
  readonly tasks: number;
  readonly runs: number;
  readonly completedRuns: number;
  /** The estimator's makespan of the final plan (expected values under the SLA). */
  readonly estimatedMakespanMs: number;
  readonly estimatedGbSeconds: number;
  /** Distinct fixed workers of the plan (flexible workers are decided at run time and not counted). */
  readonly plannedWorkers: number;
  readonly metrics: Readonly<Record<CompareMetric, MetricStats>>;
  /** The variant the Δ% are against: the baseline planner with the same optimizations, else without any. */
  readonly baselineVariant: string | null;
  /** (mean / baseline mean − 1) × 100 per metric; null without a baseline or with a zero baseline mean. */
  readonly deltaPct: Readonly<Record<CompareMetric, number | null>>;
}

/** Wall-clock measurements: kept apart because they differ between two runs of the same matrix. */
export interface CompareTiming {
  readonly totalMs: number;
  /** Planning time (the planner plus its optimization passes) per cell. */
  readonly planning: readonly { readonly workload: string; readonly sla: string; readonly variant: string; readonly planningMs: number }[];
}

/** The seeds actually used, derived from the matrix seed. */
export interface CompareSeeds {
  readonly seed: CompareMatrix['seed'];
  /** Seed of each workload's generated history (absent when read from a trace directory). */
  readonly history: Readonly<Record<string, number>>;
  /** How per-run streams are named: `rngFor(seed, <this with fields filled in>)`. */
  readonly runStreams: string;
}

/** The results of a comparison: JSON-serializable; everything but `timing` is a function of the matrix. */
export interface CompareResults {
  readonly toolkit: { readonly name: string; readonly version: string };
  readonly matrix: CompareMatrix;
  readonly seeds: CompareSeeds;
  /** History runs each workload's predictions were made from. */
  readonly historyRuns: Readonly<Record<string, number>>;
  readonly aggregates: readonly CompareAggregate[];
  readonly runs: readonly CompareRunRow[];
  readonly timing: CompareTiming;
}

/** The results without wall-clock fields: byte-identical across repetitions of the same matrix and seed. */
export function withoutTiming(results: CompareResults): Omit<CompareResults, 'timing'> {
  const { timing: _timing, ...rest } = results;
  return rest;
}
