import { z } from 'zod';
import type { Seed } from './random.js';
import type { ResourceConfig } from './resources.js';
import type { Sla } from './sla.js';

/**
 * The results of a planner comparison (`bench compare`): plain JSON types shared by the runner that writes them
 * (`experiments/compare`) and the reports that read them (`reports/`), plus a schema to validate a results file read
 * back from disk. They live in `core/` so reports depend on the format, not on the code that ran the experiment.
 */

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

/** A workload of a comparison as recorded in its results: a built-in workload and its parameter overrides. */
export interface CompareWorkloadRecord {
  readonly name: string;
  readonly params: Readonly<Record<string, number>>;
}

/** A planner variant as recorded in results (the runner's `PlannerVariant`, with pass names as plain strings). */
export interface CompareVariantRecord {
  readonly label: string;
  readonly planner: string;
  readonly resources?: readonly ResourceConfig[];
  readonly optimizations: readonly string[];
}

/**
 * The comparison matrix as recorded in results. The runner's own `CompareMatrix` is a subtype (its pass names are a
 * union of literals), so results carry it as is.
 */
export interface CompareMatrixRecord {
  readonly workloads: readonly CompareWorkloadRecord[];
  readonly variants: readonly CompareVariantRecord[];
  readonly slas: readonly Sla[];
  readonly runs: number;
  readonly history: { readonly kind: 'generated'; readonly runs: number } | { readonly kind: 'dir'; readonly path: string };
  readonly seed: Seed;
  readonly baselinePlanner: string;
  readonly platform: string;
  /** How the truth runs are graded against was chosen (absent in results written before truth was a choice). */
  readonly truth?: CompareTruthSpec;
  /** Levels of prediction error the belief is perturbed with (absent: `[0]`). */
  readonly predictionErrors?: readonly number[];
  /** Systematic bias of the perturbed belief's execution times, a fraction (0.2: 20 % slower than observed). */
  readonly predictionBias?: number;
  /** Execution-time factor per function applied to the belief (a deliberately wrong prediction). */
  readonly beliefScale?: Readonly<Record<string, number>>;
}

/** Where plans are graded: the truth kinds, `auto` picking the honest default per workload. */
export const TRUTH_CHOICES = ['auto', 'replay', 'generator', 'predictions'] as const;
/** A truth choice as given (`auto` resolves per workload). */
export type TruthChoice = (typeof TRUTH_CHOICES)[number];
/** A resolved truth kind. */
export type TruthKind = Exclude<TruthChoice, 'auto'>;

/** The truth part of a comparison's matrix. */
export interface CompareTruthSpec {
  readonly choice: TruthChoice;
  /** Runs of each history held out from training (absent: the documented default, `experiments/compare/truth.ts`). */
  readonly holdout?: number;
  /** The one run to replay (it alone is held out). */
  readonly replayRun?: string;
}

/** Which truth graded a workload's plans and which runs the belief was trained on. */
export interface CompareTruthRecord {
  readonly kind: TruthKind;
  /** True for `predictions`: the world is made of the planner's own beliefs. */
  readonly selfEvaluation: boolean;
  /** One line for tables: what the simulated world does. */
  readonly description: string;
  /** The runs the predictions (belief) were made from. */
  readonly trainingRunIds: readonly string[];
  /** The recorded runs replayed, in the order simulated runs cycle through them (replay only). */
  readonly replayRunIds: readonly string[];
  /** A replayed run is also a training run (an imported instance whose history is its recorded run alone). */
  readonly inSample: boolean;
  /** The built-in workload's parameters as read from a recorded history's run headers, where they were taken from. */
  readonly workloadParams?: Readonly<Record<string, number>>;
}

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
  /** The prediction-error level the belief was perturbed with (0: the training predictions as they are). */
  readonly predictionError: number;
  /** The held-out recorded run this run replayed; null for generated truths. */
  readonly truthRun: string | null;
  /**
   * Lower bounds of this truth draw: the critical path of the true execution times at the strongest offered
   * resources with free start-ups and transfers, and the total work at each task's cheapest offered resources (null
   * in results written before bounds were computed).
   */
  readonly lowerBoundMakespanMs: number | null;
  readonly lowerBoundGbSeconds: number | null;
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
  /** The variant the Δ% are against: the baseline planner at the same resources if any, with the same optimizations, else without any. */
  readonly baselineVariant: string | null;
  /** (mean / baseline mean − 1) × 100 per metric; null without a baseline or with a zero baseline mean. */
  readonly deltaPct: Readonly<Record<CompareMetric, number | null>>;
  /** The prediction-error level of the belief this cell planned on. */
  readonly predictionError: number;
  /** (estimated makespan / graded mean makespan − 1) × 100: negative when the planner promised less than it got. */
  readonly estimateErrorPct: number | null;
  /** Share of runs (failed ones count as missed) whose makespan is within the planner's estimate at its SLA. */
  readonly slaAttainment: number | null;
  /** Mean over completed runs of the metric over its lower bound (≥ 1; 1 would be optimal). */
  readonly boundRatio: { readonly makespanMs: number | null; readonly gbSeconds: number | null };
  /** The optimization passes' own effect: Δ% against the same planner without passes; null for that one itself. */
  readonly optimizationEffectPct: Readonly<Record<CompareMetric, number | null>> | null;
}

/** Wall-clock measurements: kept apart because they differ between two runs of the same matrix. */
export interface CompareTiming {
  readonly totalMs: number;
  /** Planning time (the planner plus its optimization passes) per cell. */
  readonly planning: readonly {
    readonly workload: string;
    readonly sla: string;
    readonly variant: string;
    readonly predictionError?: number;
    readonly planningMs: number;
  }[];
}

/** The seeds actually used, derived from the matrix seed. */
export interface CompareSeeds {
  readonly seed: Seed;
  /** Seed of each workload's generated history (absent when read from a trace directory). */
  readonly history: Readonly<Record<string, number>>;
  /** How per-run streams are named: `rngFor(seed, <this with fields filled in>)`. */
  readonly runStreams: string;
}

/**
 * The results of a comparison: JSON-serializable; everything but `timing` is a function of the matrix. `M` is the
 * matrix type: the runner's own `CompareMatrix` where results are made, the recorded form where they are read.
 */
export interface CompareResults<M extends CompareMatrixRecord = CompareMatrixRecord> {
  readonly toolkit: { readonly name: string; readonly version: string };
  readonly matrix: M;
  readonly seeds: CompareSeeds;
  /** History runs each workload's predictions were made from (the training part). */
  readonly historyRuns: Readonly<Record<string, number>>;
  /** Per workload, the truth its plans were graded against and the runs the belief was trained on. */
  readonly truth: Readonly<Record<string, CompareTruthRecord>>;
  readonly aggregates: readonly CompareAggregate[];
  readonly runs: readonly CompareRunRow[];
  readonly timing: CompareTiming;
}

/** The results without wall-clock fields: byte-identical across repetitions of the same matrix and seed. */
export function withoutTiming<M extends CompareMatrixRecord>(results: CompareResults<M>): Omit<CompareResults<M>, 'timing'> {
  const { timing: _timing, ...rest } = results;
  return rest;
}

// ---- validation of a results file read back from disk ----

const finite = z.number().finite();
const count = z.number().int().nonnegative();
const nullableNumber = finite.nullable();
const resourceSchema = z.object({ memoryMb: z.number().int().positive(), vCpus: z.number().positive() });
const slaSchema = z.union([
  z.object({ kind: z.literal('median') }),
  z.object({ kind: z.literal('percentile'), percentile: z.number().gt(0).lte(100) }),
]);
const seedSchema = z.union([z.number(), z.string()]);
const perMetric = <T extends z.ZodType>(value: T) => z.object(Object.fromEntries(COMPARE_METRICS.map((m) => [m, value])) as Record<CompareMetric, T>);
const metricStatsSchema = z.object({ mean: nullableNumber, std: nullableNumber, median: nullableNumber });

const runRowSchema = z.object({
  workload: z.string(),
  sla: z.string(),
  variant: z.string(),
  run: count,
  runId: z.string(),
  status: z.enum(['completed', 'failed', 'unfinished']),
  ...Object.fromEntries(COMPARE_METRICS.map((m) => [m, finite])),
  warmStarts: count,
  uploadedBytes: count,
  downloadedBytes: count,
  storageOps: count,
  predictionError: finite.nonnegative().optional(),
  truthRun: z.string().nullable().optional(),
  lowerBoundMakespanMs: nullableNumber.optional(),
  lowerBoundGbSeconds: nullableNumber.optional(),
});

const aggregateSchema = z.object({
  workload: z.string(),
  sla: z.string(),
  variant: z.string(),
  planner: z.string(),
  optimizations: z.array(z.string()),
  resources: z.array(resourceSchema),
  tasks: count,
  runs: count,
  completedRuns: count,
  estimatedMakespanMs: finite,
  estimatedGbSeconds: finite,
  plannedWorkers: count,
  metrics: perMetric(metricStatsSchema),
  baselineVariant: z.string().nullable(),
  deltaPct: perMetric(nullableNumber),
  predictionError: finite.nonnegative().optional(),
  estimateErrorPct: nullableNumber.optional(),
  slaAttainment: nullableNumber.optional(),
  boundRatio: z.object({ makespanMs: nullableNumber, gbSeconds: nullableNumber }).optional(),
  optimizationEffectPct: perMetric(nullableNumber).nullable().optional(),
});

const truthRecordSchema = z.object({
  kind: z.enum(['replay', 'generator', 'predictions']),
  selfEvaluation: z.boolean(),
  description: z.string(),
  trainingRunIds: z.array(z.string()),
  replayRunIds: z.array(z.string()),
  inSample: z.boolean(),
  workloadParams: z.record(z.string(), finite).optional(),
});

const matrixSchema = z.object({
  workloads: z.array(z.object({ name: z.string(), params: z.record(z.string(), finite) })),
  variants: z.array(
    z.object({ label: z.string(), planner: z.string(), resources: z.array(resourceSchema).optional(), optimizations: z.array(z.string()) }),
  ),
  slas: z.array(slaSchema),
  runs: count,
  history: z.union([z.object({ kind: z.literal('generated'), runs: count }), z.object({ kind: z.literal('dir'), path: z.string() })]),
  seed: seedSchema,
  baselinePlanner: z.string(),
  platform: z.string(),
  truth: z.object({ choice: z.enum(TRUTH_CHOICES), holdout: count.optional(), replayRun: z.string().optional() }).optional(),
  predictionErrors: z.array(finite.nonnegative()).optional(),
  predictionBias: finite.optional(),
  beliefScale: z.record(z.string(), finite.positive()).optional(),
});

/**
 * Schema of a results file. Objects are not strict: a results file may carry extra sections (the headline summary
 * `bench compare --experiment headline --json` adds), which reports ignore.
 */
export const compareResultsSchema = z.object({
  toolkit: z.object({ name: z.string(), version: z.string() }),
  matrix: matrixSchema,
  seeds: z.object({ seed: seedSchema, history: z.record(z.string(), z.number()), runStreams: z.string() }),
  historyRuns: z.record(z.string(), count),
  truth: z.record(z.string(), truthRecordSchema).optional(),
  aggregates: z.array(aggregateSchema),
  runs: z.array(runRowSchema),
  timing: z.object({
    totalMs: finite,
    planning: z.array(z.object({ workload: z.string(), sla: z.string(), variant: z.string(), predictionError: finite.optional(), planningMs: finite })),
  }),
});

/** A results file that does not match the format: names the file and every field at fault. */
export class CompareResultsError extends Error {
  override readonly name = 'CompareResultsError';
  constructor(
    readonly file: string,
    readonly problems: readonly { readonly field: string; readonly message: string }[],
  ) {
    const shown = problems.slice(0, 10).map((p) => `${file}: field '${p.field || '(root)'}': ${p.message}`);
    const more = problems.length > shown.length ? [`... and ${problems.length - shown.length} more`] : [];
    super([`${file} is not a valid compare results file:`, ...shown, ...more].join('\n'));
  }
}

/**
 * Validates a parsed results file. Returns the results typed, or throws a `CompareResultsError` naming `file` and
 * each field at fault (`aggregates.3.metrics.makespanMs.mean`).
 */
export function parseCompareResults(value: unknown, file: string): CompareResults {
  const parsed = compareResultsSchema.safeParse(value);
  if (!parsed.success) {
    throw new CompareResultsError(
      file,
      parsed.error.issues.map((issue) => ({ field: issue.path.map(String).join('.'), message: issue.message })),
    );
  }
  // The schema checks every field reports use; the cast only narrows strings the schema leaves wide.
  return withTruthDefaults(value as OlderCompareResults);
}

/** A results file as older versions wrote it: without the truth, the prediction error or the lower bounds. */
type OlderCompareResults = Omit<CompareResults, 'truth' | 'runs' | 'aggregates'> & {
  readonly truth?: CompareResults['truth'];
  readonly runs: readonly (Omit<CompareRunRow, 'predictionError' | 'truthRun' | 'lowerBoundMakespanMs' | 'lowerBoundGbSeconds'> & Partial<CompareRunRow>)[];
  readonly aggregates: readonly (Omit<CompareAggregate, 'predictionError' | 'estimateErrorPct' | 'slaAttainment' | 'boundRatio' | 'optimizationEffectPct'> &
    Partial<CompareAggregate>)[];
};

/**
 * Results written before plans were graded against a separate truth were graded against the planner's own
 * predictions (self-evaluation, no prediction error, no bounds): read them as such, so reports still render them.
 */
function withTruthDefaults(results: OlderCompareResults): CompareResults {
  return {
    ...results,
    truth: results.truth ?? {},
    runs: results.runs.map((r) => ({
      ...r,
      predictionError: r.predictionError ?? 0,
      truthRun: r.truthRun ?? null,
      lowerBoundMakespanMs: r.lowerBoundMakespanMs ?? null,
      lowerBoundGbSeconds: r.lowerBoundGbSeconds ?? null,
    })),
    aggregates: results.aggregates.map((a) => ({
      ...a,
      predictionError: a.predictionError ?? 0,
      estimateErrorPct: a.estimateErrorPct ?? null,
      slaAttainment: a.slaAttainment ?? null,
      boundRatio: a.boundRatio ?? { makespanMs: null, gbSeconds: null },
      optimizationEffectPct: a.optimizationEffectPct ?? null,
    })),
  };
}
