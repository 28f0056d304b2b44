import { TRUTH_CHOICES, type TruthChoice } from '../../core/compare-results.js';
import { ConfigError } from '../../core/errors.js';
import type { Seed } from '../../core/random.js';
import { resourceKey, resources, sameResources, type ResourceConfig } from '../../core/resources.js';
import { MEDIAN, type Sla } from '../../core/sla.js';
import type { OptimizationPassName, Planner } from '../../planners/planner.js';
import { workloadNames } from '../../traces/workloads/registry.js';
import { userPassModule } from '../../planners/registry.js';
import { availableOptimizations, parseOptimizationChoice, resolvePlannerNames, resolveWorkloads } from './choices.js';
import { variantLabel, type CompareMatrix, type HistorySource, type PlannerVariant, type WorkloadSpec } from './matrix.js';
import { loadCompareWorkflows, type WorkflowSources } from './workflows.js';

/** Planners compared when none are named: the reference system's three. */
export const DEFAULT_COMPARE_PLANNERS: readonly string[] = ['wukong', 'uniform', 'non-uniform'];
/** Simulated runs per cell by default: enough for a spread, few enough that the default sweep takes seconds. */
export const DEFAULT_COMPARE_RUNS = 5;
/** Runs of the generated history by default (the reference planned from ≈10 earlier runs). */
export const DEFAULT_HISTORY_RUNS = 10;
/** The baseline planner of the Δ% columns. */
export const DEFAULT_BASELINE_PLANNER = 'wukong';

/** What a user chooses for a comparison, by name; everything optional has the documented default. */
export interface CompareChoices extends BeliefTruthChoices {
  readonly workloads?: readonly string[];
  readonly planners?: readonly string[];
  /** Each item one optimization choice (`none`, `all`, or a comma list); default: `none` and `all`. */
  readonly optimizations?: readonly string[];
  readonly slas?: readonly Sla[];
  /** Overrides every planner's default resources. */
  readonly resources?: readonly ResourceConfig[];
  readonly runs?: number;
  readonly historyRuns?: number;
  /** A trace file or directory to predict from instead of a generated history. */
  readonly historyPath?: string;
  readonly seed?: Seed;
  readonly platform?: string;
  /** Workload parameters overriding the defaults, per workload name. */
  readonly params?: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /**
   * WfFormat files or import directories compared as workloads, with their imported history. Given without
   * `workloads`, they replace the built-in workloads instead of joining them.
   */
  readonly workflows?: readonly string[];
  /** Execution-time noise (CV) of the synthetic runs `historyRuns` adds to an imported history. */
  readonly noiseCv?: number;
}

/** How plans are graded and how wrong the belief is made; shared by `bench compare` and its predefined experiments. */
export interface BeliefTruthChoices {
  /** What plans are graded against (default `auto`). */
  readonly truth?: TruthChoice;
  /** Runs of each history held out for replay (default: `experiments/compare/truth.ts`). */
  readonly holdout?: number;
  /** The one held-out run to replay. */
  readonly replayRun?: string;
  /** Prediction-error levels (default `[0]`). */
  readonly predictionErrors?: readonly number[];
  /** Systematic bias of the belief's execution times (default 0). */
  readonly predictionBias?: number;
  /** Execution-time factor of the belief per function. */
  readonly beliefScale?: Readonly<Record<string, number>>;
}

/** The matrix fields of `BeliefTruthChoices`, validated. */
export function beliefTruthFields(
  choices: BeliefTruthChoices,
): Pick<CompareMatrix, 'truth' | 'predictionErrors' | 'predictionBias' | 'beliefScale'> {
  const truth = choices.truth ?? 'auto';
  if (!(TRUTH_CHOICES as readonly string[]).includes(truth)) {
    throw new ConfigError(`unknown truth '${truth}' (truths: ${TRUTH_CHOICES.join(', ')})`);
  }
  if (choices.holdout !== undefined && !(Number.isInteger(choices.holdout) && choices.holdout >= 0)) {
    throw new ConfigError(`--holdout must be a whole number of runs >= 0, got ${choices.holdout}`);
  }
  if (choices.replayRun !== undefined && truth !== 'replay' && truth !== 'auto') {
    throw new ConfigError(`--replay-run applies to --truth replay, not --truth ${truth}; leave one out`);
  }
  if (choices.replayRun !== undefined && choices.holdout !== undefined) {
    throw new ConfigError('--replay-run holds out exactly the run it names; leave --holdout out');
  }
  const levels = choices.predictionErrors && choices.predictionErrors.length > 0 ? [...new Set(choices.predictionErrors)] : [0];
  for (const level of levels) {
    if (!(Number.isFinite(level) && level >= 0 && level <= MAX_PREDICTION_ERROR)) {
      throw new ConfigError(
        `--prediction-error: ${level} is not a coefficient of variation in [0, ${MAX_PREDICTION_ERROR}]; give levels such as 0,0.1,0.25,0.5 (0.25: a function's belief off by about ±25 %)`,
      );
    }
  }
  const bias = choices.predictionBias ?? 0;
  if (!(Number.isFinite(bias) && bias > -1 && bias <= MAX_PREDICTION_ERROR)) {
    throw new ConfigError(`--prediction-bias must be a fraction in (-1, ${MAX_PREDICTION_ERROR}] (0.2: believed 20 % slower), got ${bias}`);
  }
  const scale = choices.beliefScale ?? {};
  for (const [fn, factor] of Object.entries(scale)) {
    if (!(Number.isFinite(factor) && factor > 0)) throw new ConfigError(`--belief-scale: factor of function '${fn}' must be a positive number, got ${factor}`);
  }
  return {
    truth: {
      choice: truth,
      ...(choices.holdout !== undefined ? { holdout: choices.holdout } : {}),
      ...(choices.replayRun !== undefined ? { replayRun: choices.replayRun } : {}),
    },
    predictionErrors: levels,
    predictionBias: bias,
    beliefScale: scale,
  };
}

/** Largest prediction-error level and bias accepted: a belief off by a factor of about 10 is already absurd. */
export const MAX_PREDICTION_ERROR = 10;

/** A built matrix, the notes to show, and the imported workflows it names, already loaded (pass them to `runCompare`). */
export interface BuiltCompareMatrix {
  readonly matrix: CompareMatrix;
  readonly notes: string[];
  /** Import warnings of the workflows, one line per kind and file. */
  readonly warnings: string[];
  readonly workflowSources: WorkflowSources;
}

/**
 * Turns name choices into a validated matrix. Every name is checked before anything runs (one-line errors listing the
 * valid names). By default each planner runs without and with every available pass; while no pass is implemented the
 * `+opt` variants are left out and a note says so. Imported workflows (`workflows`) are loaded here, so a broken file
 * fails before anything runs, and returned loaded in `workflowSources`.
 */
export async function buildCompareMatrix(choices: CompareChoices): Promise<BuiltCompareMatrix> {
  const notes: string[] = [];
  const workflowPaths = choices.workflows ?? [];
  // Imported workflows alone replace the built-in default; named built-in workloads join them.
  const builtIn = choices.workloads ?? (workflowPaths.length > 0 ? [] : workloadNames());
  const workloads: WorkloadSpec[] = builtIn.length > 0 ? resolveWorkloads(builtIn).map((w) => ({ ...w, params: choices.params?.[w.name] ?? {} })) : [];
  if (choices.noiseCv !== undefined && !(Number.isFinite(choices.noiseCv) && choices.noiseCv >= 0)) {
    throw new ConfigError(`noise must be a coefficient of variation >= 0, got ${choices.noiseCv}`);
  }
  if (choices.noiseCv !== undefined && workflowPaths.length === 0) throw new ConfigError('noise applies to imported workflows only; name one with --workflow');
  const imported = await loadCompareWorkflows(workflowPaths, {
    ...(choices.historyRuns !== undefined ? { historyRuns: checkPositiveInteger('history runs', choices.historyRuns) } : {}),
    ...(choices.noiseCv !== undefined ? { noiseCv: choices.noiseCv } : {}),
  });
  for (const spec of imported.specs) {
    if (workloads.some((w) => w.name === spec.name)) {
      throw new ConfigError(`--workflow '${spec.workflow!.path}' holds a workflow named '${spec.name}', which is also a built-in workload of the comparison; rename it (its "name" field)`);
    }
    workloads.push(spec);
  }
  if (choices.historyPath && builtIn.length === 0) {
    throw new ConfigError('--history applies to built-in workloads; an imported workflow (--workflow) predicts from its own history');
  }
  if (choices.noiseCv !== undefined && choices.noiseCv > 0 && (choices.historyRuns ?? 1) < 2) {
    notes.push('--noise shapes the synthetic runs of an imported history, and without --history-runs N (N > 1) there are none');
  }
  const planners = await resolvePlannerNames(choices.planners ?? DEFAULT_COMPARE_PLANNERS);

  const optimizationChoices: OptimizationPassName[][] =
    choices.optimizations && choices.optimizations.length > 0 ? choices.optimizations.map(parseOptimizationChoice) : [[], availableOptimizations()];

  const all = availableOptimizations();
  const variants: PlannerVariant[] = [];
  for (const { choice, name, planner } of planners) {
    for (const resourceSet of resourceSetsFor(planner, choices.resources)) {
      for (const optimizations of optimizationChoices) {
        const variant: PlannerVariant = {
          label: variantLabel(resourceSet.label === undefined ? name : `${name}@${resourceSet.label}`, optimizations, all),
          planner: choice,
          optimizations,
          ...(resourceSet.resources ? { resources: resourceSet.resources } : {}),
        };
        if (variants.some((v) => v.label === variant.label)) throw new ConfigError(`variant '${variant.label}' is asked for twice`);
        variants.push(variant);
      }
    }
  }

  const runs = checkPositiveInteger('runs', choices.runs ?? DEFAULT_COMPARE_RUNS);
  const history: HistorySource = choices.historyPath
    ? { kind: 'dir', path: choices.historyPath }
    : { kind: 'generated', runs: checkPositiveInteger('history runs', choices.historyRuns ?? DEFAULT_HISTORY_RUNS) };
  const slas = choices.slas && choices.slas.length > 0 ? dedupeSlas(choices.slas) : [MEDIAN];
  // Worker threads and queue workers build the context from the matrix alone: they load the user passes from here.
  const passModules = [...new Set(variants.flatMap((v) => v.optimizations.flatMap((name) => userPassModule(name) ?? [])))];
  return {
    matrix: {
      workloads,
      variants,
      slas,
      runs,
      history,
      seed: choices.seed ?? 1,
      baselinePlanner: DEFAULT_BASELINE_PLANNER,
      platform: choices.platform ?? 'default',
      ...beliefTruthFields(choices),
      ...(passModules.length > 0 ? { passModules } : {}),
    },
    notes,
    warnings: imported.warnings,
    workflowSources: imported.sources,
  };
}

/**
 * The resource sets a planner is compared with. A planner whose default is one configuration (WUKONG, Uniform) plans
 * every task with one, so several given sizes become one variant per size, labelled by it (`wukong@1024`,
 * `wukong@2048`); a planner choosing among configurations (Non-Uniform) gets them all in one variant. No sizes given:
 * the planner's own defaults, unlabelled.
 */
export function resourceSetsFor(
  planner: Pick<Planner, 'defaultMemoryMb'>,
  given: readonly ResourceConfig[] | undefined,
): { resources?: readonly ResourceConfig[]; label?: string }[] {
  if (!given) return [{}];
  const distinct = given.filter((c, i) => given.findIndex((o) => sameResources(o, c)) === i);
  if (planner.defaultMemoryMb.length !== 1 || distinct.length < 2) return [{ resources: given }];
  // Memory alone names a size unless the user gave vCPUs other than Lambda's rule for it (then `2048MB/2vCPU`).
  const label = (c: ResourceConfig) => (sameResources(c, resources(c.memoryMb)) ? String(c.memoryMb) : resourceKey(c));
  return distinct.map((c) => ({ resources: [c], label: label(c) }));
}

/** A count option that must be a positive integer. */
export function checkPositiveInteger(what: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new ConfigError(`${what} must be a positive integer, got ${value}`);
  return value;
}

function dedupeSlas(slas: readonly Sla[]): Sla[] {
  const seen = new Set<string>();
  return slas.filter((s) => {
    const key = JSON.stringify(s);
    return seen.has(key) ? false : (seen.add(key), true);
  });
}
