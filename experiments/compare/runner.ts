import { ConfigError } from '../../core/errors.js';
import { createPredictions } from '../../core/predictions/index.js';
import type { TraceRun } from '../../core/trace-records.js';
import type { Workflow } from '../../core/workflow.js';
import { resourceKey, resources as makeResources, type ResourceConfig } from '../../core/resources.js';
import { formatSla } from '../../core/sla.js';
import type { Planner } from '../../planners/planner.js';
import { loadPlanner, runPlanner } from '../../planners/registry.js';
import { simulatorEstimator } from '../../planners/simulator-estimator.js';
import { truthLowerBounds, type TruthLowerBounds } from '../../simulator/lower-bounds.js';
import { loadPlatformModel } from '../../simulator/platform-config.js';
import { DEFAULT_PLATFORM_MODEL } from '../../simulator/platform-defaults.js';
import type { PlatformModel } from '../../simulator/platform-model.js';
import { simulate } from '../../simulator/simulate.js';
import { getWorkload } from '../../traces/workloads/registry.js';
import { resolveParams } from '../../traces/workloads/workload.js';
import { aggregateCells, type CellInfo } from './aggregate.js';
import { loadHistories } from './history.js';
import { checkHistoryInstances } from './history-instance.js';
import type { CompareMatrix, WorkloadSpec } from './matrix.js';
import { matrixWorkflowSources, type WorkflowSources } from './workflows.js';
import type { CompareResults, CompareRunRow, CompareTiming } from './results.js';
import { RUN_STREAM_PATTERN, truthPlatformSeed, type RunKey } from './seeds.js';
import { resolveTruth } from './truth.js';
import { perturbedBelief } from './belief.js';
import type { CompareTruthRecord } from '../../core/compare-results.js';
import { toolkitVersion } from './version.js';

/** Where a comparison is: steps done of the total (one per history, per plan and per simulated run). */
export interface CompareProgress {
  readonly done: number;
  readonly total: number;
  readonly workload: string;
  readonly variant?: string;
}

/** Options of `runCompare`. */
export interface RunCompareOptions {
  /** Called after every step; the CLI draws its progress bar from it. */
  readonly onProgress?: (progress: CompareProgress) => void;
  /** Called with every unreadable history line or other non-fatal problem. */
  readonly onWarning?: (message: string) => void;
  /**
   * The imported workflows of the matrix, loaded (as `buildCompareMatrix` returns them); any the map lacks are
   * loaded from their paths, with their import warnings passed to `onWarning`.
   */
  readonly workflowSources?: WorkflowSources;
}

/** Steps a matrix takes: per workload its history, then per (error level, SLA, variant) one plan and `runs` simulations. */
export function compareSteps(matrix: CompareMatrix): number {
  return matrix.workloads.length * (1 + matrix.predictionErrors.length * matrix.slas.length * matrix.variants.length * (1 + matrix.runs));
}

/**
 * Runs a comparison. Per workload (built-in, or imported with `--workflow`): one history, split into the training runs
 * the belief (predictions) is made from and the truth plans are graded against (`truth.ts`). Per prediction-error
 * level, SLA and planner variant: one plan (the planner and its optimization passes on the belief, estimated by the
 * simulator in expected-value mode), then `runs` simulations against the truth. Simulated run i of a workload draws
 * the same truth for every level, SLA and variant (common random numbers), so identical plans give identical runs.
 * Every random stream is split by name from the matrix seed: adding a variant or a workload changes no other cell.
 */
export async function runCompare(matrix: CompareMatrix, options: RunCompareOptions = {}): Promise<CompareResults> {
  const startMs = performance.now();
  const platform: PlatformModel = matrix.platform === 'default' ? DEFAULT_PLATFORM_MODEL : await loadPlatformModel(matrix.platform);
  const planners = new Map<string, Planner>();
  for (const variant of matrix.variants) planners.set(variant.label, await loadPlanner(variant.planner));
  const sources = await matrixWorkflowSources(matrix, options.workflowSources, options.onWarning);
  const { histories, warnings } = await loadHistories(matrix, sources);
  for (const warning of warnings) options.onWarning?.(warning);

  const total = compareSteps(matrix);
  let done = 0;
  const step = (workload: string, variant?: string) => options.onProgress?.({ done: ++done, total, workload, ...(variant ? { variant } : {}) });

  const cells: CellInfo[] = [];
  const rows: CompareRunRow[] = [];
  const planning: CompareTiming['planning'][number][] = [];
  const historyRuns: Record<string, number> = {};
  const historySeeds: Record<string, number> = {};
  const truthRecords: Record<string, CompareTruthRecord> = {};
  // A recorded history of a built-in workload was run with some parameters (the local runtime's are smaller than the
  // defaults); replaying it needs the same DAG, so they are taken from the runs' headers unless given.
  const recordedParams = new Map(
    matrix.workloads.flatMap((spec) => {
      const params = matrix.history.kind === 'dir' && !spec.workflow ? recordedWorkloadParams(spec, histories.get(spec.name)!.runs) : undefined;
      return params ? [[spec.name, params] as const] : [];
    }),
  );
  const workflows = new Map(
    matrix.workloads.map((spec) => [
      spec.name,
      spec.workflow ? sources.get(spec.workflow.path)!.workflow : builtInWorkflow({ ...spec, params: recordedParams.get(spec.name) ?? spec.params }),
    ]),
  );
  checkHistoryInstances(
    matrix,
    (name) => histories.get(name)!.runs,
    (name) => workflows.get(name)!,
    (name) => recordedParams.get(name) ?? matrix.workloads.find((w) => w.name === name)!.params,
  );
  checkBeliefScale(matrix, [...workflows.values()]);
  for (const spec of matrix.workloads) {
    const source = spec.workflow ? sources.get(spec.workflow.path)! : undefined;
    const workflow = workflows.get(spec.name)!;
    const history = histories.get(spec.name)!;
    const truth = resolveTruth({
      spec,
      workflow,
      runs: history.runs,
      recorded: history.seed === undefined,
      ...(source ? { imported: source.imported } : {}),
      truth: matrix.truth,
      seed: matrix.seed,
      platform,
    });
    historyRuns[spec.name] = truth.training.length;
    const params = recordedParams.get(spec.name);
    truthRecords[spec.name] = params ? { ...truth.record, workloadParams: params } : truth.record;
    if (history.seed !== undefined) historySeeds[spec.name] = history.seed;
    const training = createPredictions(truth.training, { workflow: workflow.name });
    const boundsCache = new Map<string, TruthLowerBounds>();
    const boundsOf = (run: number, offered: readonly ResourceConfig[]): TruthLowerBounds => {
      const key = `${run}/${offered.map(resourceKey).join(',')}`;
      let bounds = boundsCache.get(key);
      if (!bounds) boundsCache.set(key, (bounds = truthLowerBounds(workflow, truth.sample(run, training).source, offered)));
      return bounds;
    };
    step(spec.name);

    for (const level of matrix.predictionErrors) {
      const belief = perturbedBelief(training, matrix.seed, spec.name, { level, bias: matrix.predictionBias, scale: matrix.beliefScale });
      for (const sla of matrix.slas) {
        const slaName = formatSla(sla);
        const estimate = simulatorEstimator(workflow, belief, sla, platform);
        for (const variant of matrix.variants) {
          const planner = planners.get(variant.label)!;
          const configs = strongestFirst(variant.resources ?? planner.defaultMemoryMb.map((memoryMb) => makeResources(memoryMb)));
          const ctx = { predictions: belief, sla, resources: configs, estimate, optimizations: variant.optimizations };
          const planStartMs = performance.now();
          const plan = runPlanner(planner, workflow, ctx);
          planning.push({ workload: spec.name, sla: slaName, variant: variant.label, predictionError: level, planningMs: performance.now() - planStartMs });
          // Estimated again rather than read from `predictedMakespanMs`: not every planner sets it, and a pass may not
          // update it.
          const estimated = estimate(plan);
          step(spec.name, variant.label);

          for (let run = 0; run < matrix.runs; run++) {
            const key: RunKey = { workload: spec.name, sla: slaName, variant: variant.label, run };
            const { source: durations, truthRun } = truth.sample(run, training);
            const runId = `${spec.name}-${slaName}-${variant.label}${level === 0 ? '' : `-e${level}`}-r${run}`;
            const { summary } = simulate(workflow, plan, { platform, durations, seed: truthPlatformSeed(matrix.seed, spec.name, run), runId });
            const bounds = boundsOf(run, configs);
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
            step(spec.name, variant.label);
          }
          cells.push({
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
          });
        }
      }
    }
  }

  return {
    toolkit: toolkitVersion(),
    matrix,
    seeds: { seed: matrix.seed, history: historySeeds, runStreams: RUN_STREAM_PATTERN },
    historyRuns,
    truth: truthRecords,
    aggregates: aggregateCells(cells, rows, matrix.baselinePlanner),
    runs: rows,
    timing: { totalMs: performance.now() - startMs, planning },
  };
}

/** Every function `--belief-scale` names must be a function of some workload, else the scale would silently do nothing. */
export function checkBeliefScale(matrix: CompareMatrix, workflows: readonly Workflow[]): void {
  const functions = new Set(workflows.flatMap((w) => [...w.tasks.values()].map((t) => t.functionName)));
  for (const fn of Object.keys(matrix.beliefScale)) {
    if (!functions.has(fn)) {
      const known = [...functions].sort();
      const shown = known.slice(0, 12).join(', ') + (known.length > 12 ? `, … (${known.length} in all)` : '');
      throw new ConfigError(`--belief-scale: no workload of the comparison has a function '${fn}' (functions: ${shown})`);
    }
  }
}

/**
 * The parameters a recorded history of a built-in workload was run with, read from its run headers: when no
 * parameter is given and every run records the same value for each of the workload's parameters that any run
 * records. Undefined otherwise (the workload's defaults or the given parameters apply).
 */
export function recordedWorkloadParams(spec: WorkloadSpec, runs: readonly TraceRun[]): Record<string, number> | undefined {
  if (Object.keys(spec.params).length > 0 || runs.length === 0) return undefined;
  const params: Record<string, number> = {};
  for (const param of getWorkload(spec.name).params) {
    const values = new Set(runs.map((r) => r.header.params?.[param.name]));
    // Runs that disagree are not one DAG: leave the parameters to the user rather than guess.
    if (values.size !== 1) return undefined;
    const [value] = values;
    if (typeof value === 'number') params[param.name] = value;
  }
  return Object.keys(params).length > 0 ? params : undefined;
}

/** A built-in workload's workflow with the spec's parameters. */
export function builtInWorkflow(spec: WorkloadSpec): Workflow {
  const definition = getWorkload(spec.name);
  return definition.build(resolveParams(definition, spec.params));
}

/** Configurations strongest (most memory, then most vCPUs) first, as planners expect them; duplicates dropped. */
export function strongestFirst(configs: readonly ResourceConfig[]): ResourceConfig[] {
  const distinct = configs.filter((c, i) => configs.findIndex((o) => o.memoryMb === c.memoryMb && o.vCpus === c.vCpus) === i);
  return distinct.sort((a, b) => b.memoryMb - a.memoryMb || b.vCpus - a.vCpus);
}
