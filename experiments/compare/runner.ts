import { ConfigError } from '../../core/errors.js';
import type { TraceRun } from '../../core/trace-records.js';
import type { Workflow } from '../../core/workflow.js';
import type { ResourceConfig } from '../../core/resources.js';
import { getWorkload } from '../../traces/workloads/registry.js';
import { resolveParams } from '../../traces/workloads/workload.js';
import type { CompareMatrix, WorkloadSpec } from './matrix.js';
import type { WorkflowSources } from './workflows.js';
import type { CompareResults } from './results.js';
import { compareCells, mergeCompareCells, type CompareCellResult } from './compare-cell.js';
import type { CellExecutor } from '../cells/executor.js';
import { inProcessExecutor } from '../cells/in-process.js';

/** Where a comparison is: cells done of the total (a cell is one plan and its simulated runs, `compare-cell.ts`). */
export interface CompareProgress {
  readonly done: number;
  readonly total: number;
  /** The cell just finished. */
  readonly workload: string;
  readonly variant?: string;
}

/** Options of `runCompare`. */
export interface RunCompareOptions {
  /** Called after every cell; the CLI draws its progress from it. */
  readonly onProgress?: (progress: CompareProgress) => void;
  /**
   * Called once with every unreadable history line. (An imported workflow's warnings are `buildCompareMatrix`'s to
   * return, to whoever made the matrix.)
   */
  readonly onWarning?: (message: string) => void;
  /**
   * The imported workflows of the matrix, loaded (as `buildCompareMatrix` returns them); any the map lacks are
   * loaded from their paths. Used by the in-process executor only: worker threads and machines load them by path.
   */
  readonly workflowSources?: WorkflowSources;
  /** Where cells run (default: one after another in this process; `poolExecutor(n)`, `queueExecutor(…)`). */
  readonly executor?: CellExecutor;
}

/** Cells a matrix has: per workload, error level, SLA and variant one plan and its `runs` simulations. */
export function compareSteps(matrix: CompareMatrix): number {
  return matrix.workloads.length * matrix.predictionErrors.length * matrix.slas.length * matrix.variants.length;
}

/**
 * Runs a comparison as independent cells (`compare-cell.ts`). Per workload (built-in, or imported with `--workflow`):
 * one history, split into the training runs the belief (predictions) is made from and the truth plans are graded
 * against (`truth.ts`). Per prediction-error level, SLA and planner variant, one cell: one plan (the planner and its
 * optimization passes on the belief, estimated by the simulator in expected-value mode), then `runs` simulations
 * against the truth. Simulated run i of a workload draws the same truth for every level, SLA and variant (common
 * random numbers), so identical plans give identical runs. Every random stream is split by name from the matrix seed:
 * adding a variant or a workload changes no other cell, and a cell gives the same bytes wherever the executor runs it.
 */
export async function runCompare(matrix: CompareMatrix, options: RunCompareOptions = {}): Promise<CompareResults> {
  const startMs = performance.now();
  const executor = options.executor ?? inProcessExecutor(options.workflowSources ? { workflowSources: options.workflowSources } : {});
  const cells = compareCells(matrix);
  let done = 0;
  const warned = new Set<string>();
  const results = (await executor.run(cells, (_index, cellResult) => {
    const result = cellResult as CompareCellResult;
    // Every cell carries the matrix's loading warnings: show each once, as the comparison always has.
    for (const warning of result.warnings) {
      if (!warned.has(warning)) options.onWarning?.(warning);
      warned.add(warning);
    }
    options.onProgress?.({ done: ++done, total: cells.length, workload: result.info.workload, variant: result.info.variant });
  })) as CompareCellResult[];
  return mergeCompareCells(matrix, results, performance.now() - startMs);
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
