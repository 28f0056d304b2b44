import type { OptimizationPassName } from '../../planners/planner.js';
import type { ResourceConfig } from '../../core/resources.js';
import type { Seed } from '../../core/random.js';
import type { Sla } from '../../core/sla.js';
import type { CompareTruthSpec } from '../../core/compare-results.js';

/**
 * One workload of a comparison: a built-in workload and the parameters overriding its defaults, or (with `workflow`)
 * an imported workflow, named by the name its file declares.
 */
export interface WorkloadSpec {
  readonly name: string;
  readonly params: Readonly<Record<string, number>>;
  /** Set for a workflow from `--workflow`: where it is loaded from and how its imported history is extended. */
  readonly workflow?: ImportedWorkloadSource;
}

/**
 * An imported workflow of a comparison: a WfFormat file or a `bench import wfcommons` directory. Its history is the
 * imported one (the recorded run, or an import directory's `history.jsonl`); `historyRuns` and `noiseCv`, when set,
 * regenerate it through the importer with that many runs (the recorded one plus seeded synthetic runs).
 */
export interface ImportedWorkloadSource {
  readonly path: string;
  readonly historyRuns?: number;
  readonly noiseCv?: number;
}

/**
 * One planner variant of a comparison: a planner (built-in name or module path), the resources it may use and the
 * optimization passes applied after it. `label` names the variant in tables, JSON and random streams, so it must be
 * unique within a matrix.
 */
export interface PlannerVariant {
  readonly label: string;
  readonly planner: string;
  /** Resource configurations, any order (sorted strongest first before planning); absent: the planner's defaults. */
  readonly resources?: readonly ResourceConfig[];
  readonly optimizations: readonly OptimizationPassName[];
}

/** Where the history that predictions are made from comes from. */
export type HistorySource =
  | { readonly kind: 'generated'; readonly runs: number }
  | { readonly kind: 'dir'; readonly path: string };

/**
 * A comparison: every workload × prediction-error level × SLA × planner variant, each planned once and simulated
 * `runs` times against the workload's truth. Plain data, so it is written into the results as is.
 */
export interface CompareMatrix {
  readonly workloads: readonly WorkloadSpec[];
  readonly variants: readonly PlannerVariant[];
  readonly slas: readonly Sla[];
  /** Simulated runs per (workload, SLA, variant). */
  readonly runs: number;
  readonly history: HistorySource;
  /** The one seed everything derives from (history per workload, durations and platform noise per run). */
  readonly seed: Seed;
  /** Planner whose variants are the baseline of the Δ% columns (the reference system's `wukong`). */
  readonly baselinePlanner: string;
  /** Platform model: `default`, or the path of a JSON file overriding the defaults. */
  readonly platform: string;
  /** What plans are graded against (`experiments/compare/truth.ts`); `auto`: replay held-out runs, else generator. */
  readonly truth: CompareTruthSpec;
  /** Prediction-error levels (coefficient of variation of the belief's per-function error); `[0]` plans on the training predictions. */
  readonly predictionErrors: readonly number[];
  /** Systematic bias of the belief's execution times at every level, a fraction (`experiments/compare/belief.ts`). */
  readonly predictionBias: number;
  /** Execution-time factor of the belief per function (a deliberately wrong prediction). */
  readonly beliefScale: Readonly<Record<string, number>>;
  /**
   * Absolute paths of the user pass modules (`custom:*`) its variants apply: whoever builds the matrix's context in
   * another thread or on another machine loads them first, so the passes are known there too. Absent when none.
   */
  readonly passModules?: readonly string[];
}

/** Suffix of a variant that applies every available optimization pass, as the reference's `-opt` planners did. */
export const ALL_OPTIMIZATIONS_SUFFIX = '+opt';

/**
 * The label of a variant: the planner's name, then `+opt` when it applies every available pass, or `+pass` for each
 * pass otherwise (`uniform`, `uniform+opt`, `uniform+pre-load`).
 */
export function variantLabel(plannerName: string, optimizations: readonly string[], allPasses: readonly string[]): string {
  if (optimizations.length === 0) return plannerName;
  const isAll = allPasses.length > 0 && optimizations.length === allPasses.length && allPasses.every((p) => optimizations.includes(p));
  return isAll ? `${plannerName}${ALL_OPTIMIZATIONS_SUFFIX}` : [plannerName, ...optimizations].join('+');
}

/** Two optimization lists ask for the same passes (order aside). */
export function sameOptimizations(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name) => b.includes(name));
}
