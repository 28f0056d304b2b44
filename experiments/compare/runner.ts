import { createPredictions } from '../../core/predictions/index.js';
import type { Workflow } from '../../core/workflow.js';
import { resources as makeResources, type ResourceConfig } from '../../core/resources.js';
import { formatSla } from '../../core/sla.js';
import type { Planner } from '../../planners/planner.js';
import { loadPlanner, runPlanner } from '../../planners/registry.js';
import { simulatorEstimator } from '../../planners/simulator-estimator.js';
import { sampledDurations } from '../../simulator/duration-sources.js';
import { loadPlatformModel } from '../../simulator/platform-config.js';
import { DEFAULT_PLATFORM_MODEL } from '../../simulator/platform-defaults.js';
import type { PlatformModel } from '../../simulator/platform-model.js';
import { simulate } from '../../simulator/simulate.js';
import { getWorkload } from '../../traces/workloads/registry.js';
import { resolveParams } from '../../traces/workloads/workload.js';
import { aggregateCells, type CellInfo } from './aggregate.js';
import { loadHistories } from './history.js';
import type { CompareMatrix, WorkloadSpec } from './matrix.js';
import { matrixWorkflowSources, type WorkflowSources } from './workflows.js';
import type { CompareResults, CompareRunRow, CompareTiming } from './results.js';
import { RUN_STREAM_PATTERN, runDurationRngs, runPlatformSeed, type RunKey } from './seeds.js';
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

/** Steps a matrix takes: per workload its history, then per (SLA, variant) one plan and `runs` simulations. */
export function compareSteps(matrix: CompareMatrix): number {
  return matrix.workloads.length * (1 + matrix.slas.length * matrix.variants.length * (1 + matrix.runs));
}

/**
 * Runs a comparison: per workload (built-in, or imported with `--workflow`) one history and its predictions; per
 * (SLA, planner variant) one plan (the planner and its optimization passes, estimated by the simulator in
 * expected-value mode) and `runs` simulations with
 * durations sampled from the history. Every random stream is split by name from the matrix seed, so the numbers of a
 * cell depend only on the seed, its workload, SLA and variant: adding a variant or a workload changes no other cell.
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
  for (const spec of matrix.workloads) {
    const workflow = spec.workflow ? sources.get(spec.workflow.path)!.workflow : builtInWorkflow(spec);
    const history = histories.get(spec.name)!;
    historyRuns[spec.name] = history.runs.length;
    if (history.seed !== undefined) historySeeds[spec.name] = history.seed;
    const predictions = createPredictions(history.runs, { workflow: workflow.name });
    step(spec.name);

    for (const sla of matrix.slas) {
      const slaName = formatSla(sla);
      const estimate = simulatorEstimator(workflow, predictions, sla, platform);
      for (const variant of matrix.variants) {
        const planner = planners.get(variant.label)!;
        const configs = strongestFirst(variant.resources ?? planner.defaultMemoryMb.map((memoryMb) => makeResources(memoryMb)));
        const ctx = { predictions, sla, resources: configs, estimate, optimizations: variant.optimizations };
        const planStartMs = performance.now();
        const plan = runPlanner(planner, workflow, ctx);
        planning.push({ workload: spec.name, sla: slaName, variant: variant.label, planningMs: performance.now() - planStartMs });
        // Estimated again rather than read from `predictedMakespanMs`: not every planner sets it, and a pass may not
        // update it.
        const estimated = estimate(plan);
        step(spec.name, variant.label);

        for (let run = 0; run < matrix.runs; run++) {
          const key: RunKey = { workload: spec.name, sla: slaName, variant: variant.label, run };
          const durations = sampledDurations(predictions, platform, runDurationRngs(matrix.seed, key));
          const runId = `${spec.name}-${slaName}-${variant.label}-r${run}`;
          const { summary } = simulate(workflow, plan, { platform, durations, seed: runPlatformSeed(matrix.seed, key), runId });
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
          estimatedMakespanMs: estimated.makespanMs,
          estimatedGbSeconds: estimated.gbSeconds,
          plannedWorkers: new Set([...plan.tasks.values()].flatMap((t) => (t.workerId === null ? [] : [t.workerId]))).size,
        });
      }
    }
  }

  return {
    toolkit: toolkitVersion(),
    matrix,
    seeds: { seed: matrix.seed, history: historySeeds, runStreams: RUN_STREAM_PATTERN },
    historyRuns,
    aggregates: aggregateCells(cells, rows, matrix.baselinePlanner),
    runs: rows,
    timing: { totalMs: performance.now() - startMs, planning },
  };
}

/** A built-in workload's workflow with the spec's parameters. */
function builtInWorkflow(spec: WorkloadSpec): Workflow {
  const definition = getWorkload(spec.name);
  return definition.build(resolveParams(definition, spec.params));
}

/** Configurations strongest (most memory, then most vCPUs) first, as planners expect them; duplicates dropped. */
function strongestFirst(configs: readonly ResourceConfig[]): ResourceConfig[] {
  const distinct = configs.filter((c, i) => configs.findIndex((o) => o.memoryMb === c.memoryMb && o.vCpus === c.vCpus) === i);
  return distinct.sort((a, b) => b.memoryMb - a.memoryMb || b.vCpus - a.vCpus);
}
