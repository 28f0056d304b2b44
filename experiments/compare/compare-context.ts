import { createPredictions, type Predictions } from '../../core/predictions/index.js';
import type { Workflow } from '../../core/workflow.js';
import { resourceKey, type ResourceConfig } from '../../core/resources.js';
import type { CompareTruthRecord } from '../../core/compare-results.js';
import type { Planner } from '../../planners/planner.js';
import { loadOptimizationPassSync, loadPlanner } from '../../planners/registry.js';
import { truthLowerBounds, type TruthLowerBounds } from '../../simulator/lower-bounds.js';
import { loadPlatformModel } from '../../simulator/platform-config.js';
import { DEFAULT_PLATFORM_MODEL } from '../../simulator/platform-defaults.js';
import type { PlatformModel } from '../../simulator/platform-model.js';
import { loadHistories } from './history.js';
import { checkHistoryInstances } from './history-instance.js';
import type { CompareMatrix } from './matrix.js';
import { builtInWorkflow, checkBeliefScale, recordedWorkloadParams } from './runner.js';
import { resolveTruth, type WorkloadTruth } from './truth.js';
import { matrixWorkflowSources, type WorkflowSources } from './workflows.js';

/**
 * What every cell of one workload shares: its workflow, its truth (training/held-out split and the draws plans are
 * graded on), the predictions of the training runs and the lower bounds of each truth draw. Everything here is a pure
 * function of the matrix and the workload, so building it once per process (or once per worker thread) and reusing
 * it across cells gives the same numbers as building it per cell.
 */
export interface WorkloadContext {
  readonly workflow: Workflow;
  readonly truth: WorkloadTruth;
  readonly training: Predictions;
  readonly trainingRuns: number;
  readonly truthRecord: CompareTruthRecord;
  readonly historySeed: number | undefined;
  /** Lower bounds of truth draw `run` at the offered resources, computed once per (run, resources). */
  boundsOf(run: number, offered: readonly ResourceConfig[]): TruthLowerBounds;
}

/** What every cell of one matrix shares: the platform, the planners, the histories and each workload's context. */
export interface CompareContext {
  readonly platform: PlatformModel;
  readonly planners: ReadonlyMap<string, Planner>;
  readonly workloads: ReadonlyMap<string, WorkloadContext>;
  /** Non-fatal problems met while loading the histories (unreadable lines), in the order met. */
  readonly warnings: readonly string[];
}

/**
 * Builds the shared context of a matrix: loads the platform model, the planners, the imported workflows (from
 * `workflowSources` when given, else from their paths) and the histories, and checks them as the comparison always
 * has (history instances, `--belief-scale` names). Throws a `ConfigError` when the matrix cannot run.
 */
export async function buildCompareContext(matrix: CompareMatrix, workflowSources?: WorkflowSources): Promise<CompareContext> {
  const warnings: string[] = [];
  // Registers each user pass under its `custom:` name in this thread (a no-op where it was loaded already).
  for (const path of matrix.passModules ?? []) loadOptimizationPassSync(path);
  const platform: PlatformModel = matrix.platform === 'default' ? DEFAULT_PLATFORM_MODEL : await loadPlatformModel(matrix.platform);
  const planners = new Map<string, Planner>();
  for (const variant of matrix.variants) planners.set(variant.label, await loadPlanner(variant.planner));
  // Import warnings are left out: `buildCompareMatrix` returned them to whoever made the matrix, and a worker loading
  // the workflow again would only repeat them.
  const sources = await matrixWorkflowSources(matrix, workflowSources);
  const loaded = await loadHistories(matrix, sources);
  warnings.push(...loaded.warnings);
  const { histories } = loaded;
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

  const workloads = new Map<string, WorkloadContext>();
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
    const params = recordedParams.get(spec.name);
    const training = createPredictions(truth.training, { workflow: workflow.name });
    const boundsCache = new Map<string, TruthLowerBounds>();
    workloads.set(spec.name, {
      workflow,
      truth,
      training,
      trainingRuns: truth.training.length,
      truthRecord: params ? { ...truth.record, workloadParams: params } : truth.record,
      historySeed: history.seed,
      boundsOf(run, offered) {
        const key = `${run}/${offered.map(resourceKey).join(',')}`;
        let bounds = boundsCache.get(key);
        if (!bounds) boundsCache.set(key, (bounds = truthLowerBounds(workflow, truth.sample(run, training).source, offered)));
        return bounds;
      },
    });
  }
  return { platform, planners, workloads, warnings };
}

/** Contexts kept per process, keyed by the matrix's JSON: a worker meets the cells of few matrices (usually one). */
const MAX_CACHED_CONTEXTS = 4;
const contextCache = new Map<string, Promise<CompareContext>>();

/**
 * The shared context of a matrix, built once per process (per worker thread) and reused by every cell of that matrix
 * it runs. A failed build is not cached, so a cell retried after a transient error (an unreadable file) tries again.
 */
export function cachedCompareContext(matrix: CompareMatrix, workflowSources?: WorkflowSources): Promise<CompareContext> {
  const key = JSON.stringify(matrix);
  let context = contextCache.get(key);
  if (!context) {
    context = buildCompareContext(matrix, workflowSources);
    context.catch(() => contextCache.delete(key));
    contextCache.set(key, context);
    // Oldest first out: Map keeps insertion order.
    while (contextCache.size > MAX_CACHED_CONTEXTS) contextCache.delete(contextCache.keys().next().value!);
  }
  return context;
}
