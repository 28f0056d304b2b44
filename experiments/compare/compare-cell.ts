import { resources as makeResources } from '../../core/resources.js';
import { formatSla } from '../../core/sla.js';
import type { CompareTruthRecord } from '../../core/compare-results.js';
import { runPlanner } from '../../planners/registry.js';
import { simulatorEstimator } from '../../planners/simulator-estimator.js';
import { simulate } from '../../simulator/simulate.js';
import { aggregateCells, type CellInfo } from './aggregate.js';
import { perturbedBelief } from './belief.js';
import { cachedCompareContext } from './compare-context.js';
import type { CompareMatrix } from './matrix.js';
import type { CompareResults, CompareRunRow, CompareTiming } from './results.js';
import { strongestFirst } from './runner.js';
import { RUN_STREAM_PATTERN, truthPlatformSeed, type RunKey } from './seeds.js';
import { toolkitVersion } from './version.js';
import type { WorkflowSources } from './workflows.js';

/**
 * One cell of a comparison: a (workload, prediction-error level, SLA, variant) of the matrix, planned once and graded
 * on the matrix's `runs` simulated runs. Plain data (the matrix and four indices, no closures), so it can be cloned to a
 * worker thread or sent through a job queue and run anywhere; its seeds derive from the matrix seed by name, so it
 * gives the same bytes wherever it runs.
 */
export interface CompareCell {
  readonly kind: 'compare';
  readonly matrix: CompareMatrix;
  readonly workloadIndex: number;
  readonly levelIndex: number;
  readonly slaIndex: number;
  readonly variantIndex: number;
}

/** What a compare cell gives back: plain data, merged with the other cells' in matrix order by `mergeCompareCells`. */
export interface CompareCellResult {
  readonly kind: 'compare';
  readonly info: CellInfo;
  readonly rows: readonly CompareRunRow[];
  /** Wall-clock planning time (the planner and its passes), the only field that differs between two runs. */
  readonly planningMs: number;
  /** Facts of the cell's workload, the same in every cell of it. */
  readonly workload: {
    readonly name: string;
    readonly trainingRuns: number;
    readonly truthRecord: CompareTruthRecord;
    readonly historySeed?: number;
  };
  /** The matrix's loading warnings (unreadable history lines…), the same in every cell; shown once by the caller. */
  readonly warnings: readonly string[];
}

/** The cells of a matrix in matrix order: workload, then prediction-error level, then SLA, then variant. */
export function compareCells(matrix: CompareMatrix): CompareCell[] {
  const cells: CompareCell[] = [];
  matrix.workloads.forEach((_w, workloadIndex) =>
    matrix.predictionErrors.forEach((_l, levelIndex) =>
      matrix.slas.forEach((_s, slaIndex) =>
        matrix.variants.forEach((_v, variantIndex) => cells.push({ kind: 'compare', matrix, workloadIndex, levelIndex, slaIndex, variantIndex })),
      ),
    ),
  );
  return cells;
}

/** `text_analysis median uniform+opt` (`… e0.25` at a non-zero error level): a cell as progress and errors name it. */
export function compareCellName(cell: CompareCell): string {
  const level = cell.matrix.predictionErrors[cell.levelIndex]!;
  return [
    cell.matrix.workloads[cell.workloadIndex]!.name,
    formatSla(cell.matrix.slas[cell.slaIndex]!),
    cell.matrix.variants[cell.variantIndex]!.label,
    ...(level === 0 ? [] : [`e${level}`]),
  ].join(' ');
}

/**
 * Runs one cell: plans the workload with the variant on the belief at the cell's error level and SLA (the planner's
 * estimate is the simulator in expected-value mode on that belief), then simulates the plan `runs` times against the
 * truth. The matrix's shared context (histories, truth, training predictions) is built once per process and reused.
 */
export async function runCompareCell(cell: CompareCell, workflowSources?: WorkflowSources): Promise<CompareCellResult> {
  const { matrix } = cell;
  const context = await cachedCompareContext(matrix, workflowSources);
  const spec = matrix.workloads[cell.workloadIndex]!;
  const level = matrix.predictionErrors[cell.levelIndex]!;
  const sla = matrix.slas[cell.slaIndex]!;
  const variant = matrix.variants[cell.variantIndex]!;
  const { platform } = context;
  const w = context.workloads.get(spec.name)!;
  const { workflow, truth, training } = w;
  const slaName = formatSla(sla);

  const belief = perturbedBelief(training, matrix.seed, spec.name, { level, bias: matrix.predictionBias, scale: matrix.beliefScale });
  const estimate = simulatorEstimator(workflow, belief, sla, platform);
  const planner = context.planners.get(variant.label)!;
  const configs = strongestFirst(variant.resources ?? planner.defaultMemoryMb.map((memoryMb) => makeResources(memoryMb)));
  const planStartMs = performance.now();
  const plan = runPlanner(planner, workflow, { predictions: belief, sla, resources: configs, estimate, optimizations: variant.optimizations });
  const planningMs = performance.now() - planStartMs;
  // Estimated again rather than read from `predictedMakespanMs`: not every planner sets it, and a pass may not update it.
  const estimated = estimate(plan);

  const rows: CompareRunRow[] = [];
  for (let run = 0; run < matrix.runs; run++) {
    const key: RunKey = { workload: spec.name, sla: slaName, variant: variant.label, run };
    const { source: durations, truthRun } = truth.sample(run, training);
    const runId = `${spec.name}-${slaName}-${variant.label}${level === 0 ? '' : `-e${level}`}-r${run}`;
    const { summary } = simulate(workflow, plan, { platform, durations, seed: truthPlatformSeed(matrix.seed, spec.name, run), runId });
    const bounds = w.boundsOf(run, configs);
    rows.push({
      ...key,
      runId,
      status: summary.status,
      makespanMs: summary.makespanMs,
      gbSeconds: summary.billing.gbSeconds,
      vcpuSeconds: summary.billing.vcpuSeconds,
      costUsd: summary.billing.totalUsd,
      workersLaunched: summary.workersLaunched,
      preWarms: summary.preWarms,
      coldStarts: summary.coldStarts,
      warmStarts: summary.warmStarts,
      uploadedBytes: summary.uploadedBytes,
      downloadedBytes: summary.downloadedBytes,
      storageOps: summary.storageOps,
      storageMb: (summary.uploadedBytes + summary.downloadedBytes) / 1e6,
      predictionError: level,
      truthRun,
      lowerBoundMakespanMs: bounds.makespanMs,
      lowerBoundGbSeconds: bounds.gbSeconds,
    });
  }
  const info: CellInfo = {
    workload: spec.name,
    sla: slaName,
    variant: variant.label,
    planner: planner.name,
    optimizations: variant.optimizations,
    resources: configs,
    tasks: workflow.tasks.size,
    runs: matrix.runs,
    predictionError: level,
    estimatedMakespanMs: estimated.makespanMs,
    estimatedGbSeconds: estimated.gbSeconds,
    plannedWorkers: new Set([...plan.tasks.values()].flatMap((t) => (t.workerId === null ? [] : [t.workerId]))).size,
  };
  return {
    kind: 'compare',
    info,
    rows,
    planningMs,
    workload: {
      name: spec.name,
      trainingRuns: w.trainingRuns,
      truthRecord: w.truthRecord,
      ...(w.historySeed !== undefined ? { historySeed: w.historySeed } : {}),
    },
    warnings: context.warnings,
  };
}

/**
 * The comparison's results from its cells' results, given in matrix order (as `compareCells` lists the cells):
 * whichever process ran a cell, the same cells give the same bytes (but `timing`, wall clock by nature).
 */
export function mergeCompareCells(matrix: CompareMatrix, results: readonly CompareCellResult[], totalMs: number): CompareResults {
  const historyRuns: Record<string, number> = {};
  const historySeeds: Record<string, number> = {};
  const truthRecords: Record<string, CompareTruthRecord> = {};
  const planning: CompareTiming['planning'][number][] = [];
  for (const result of results) {
    const { name } = result.workload;
    if (!(name in historyRuns)) {
      historyRuns[name] = result.workload.trainingRuns;
      truthRecords[name] = result.workload.truthRecord;
      if (result.workload.historySeed !== undefined) historySeeds[name] = result.workload.historySeed;
    }
    const { info } = result;
    planning.push({ workload: info.workload, sla: info.sla, variant: info.variant, predictionError: info.predictionError, planningMs: result.planningMs });
  }
  return {
    toolkit: toolkitVersion(),
    matrix,
    seeds: { seed: matrix.seed, history: historySeeds, runStreams: RUN_STREAM_PATTERN },
    historyRuns,
    truth: truthRecords,
    aggregates: aggregateCells(
      results.map((r) => r.info),
      results.flatMap((r) => r.rows),
      matrix.baselinePlanner,
    ),
    runs: results.flatMap((r) => r.rows),
    timing: { totalMs, planning },
  };
}
