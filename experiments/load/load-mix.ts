import { dispatchBelief } from '../../core/dispatch/index.js';
import { createPredictions } from '../../core/predictions/index.js';
import { resources as makeResources } from '../../core/resources.js';
import type { Planner } from '../../planners/planner.js';
import { loadPlanner, runPlanner } from '../../planners/registry.js';
import { simulatorEstimator } from '../../planners/simulator-estimator.js';
import type { LoadWorkflow } from '../../simulator/load-simulation.js';
import { loadPlatformModel } from '../../simulator/platform-config.js';
import { DEFAULT_PLATFORM_MODEL } from '../../simulator/platform-defaults.js';
import type { PlatformModel } from '../../simulator/platform-model.js';
import { perturbedBelief } from '../compare/belief.js';
import { loadHistories } from '../compare/history.js';
import type { CompareMatrix } from '../compare/matrix.js';
import { builtInWorkflow, checkBeliefScale, recordedWorkloadParams, strongestFirst } from '../compare/runner.js';
import { resolveTruth } from '../compare/truth.js';
import { matrixWorkflowSources, type WorkflowSources } from '../compare/workflows.js';

/**
 * The load mixes of a load experiment, one per planner variant, built as `bench compare` builds its cells (the same
 * matrix, histories, belief/truth split and seeds): per workload one history split into training and truth; per
 * variant one plan on the training belief, reused by every request of that workload, and its estimated makespan,
 * from which the request's SLA latency is derived. Request k of a workload draws the truth of compare's simulated run
 * k, so request 0 of a load run sees the world compare's run 0 sees.
 */

/** The mix of one planner variant. */
export interface LoadVariant {
  readonly label: string;
  readonly planner: string;
  readonly mix: readonly LoadWorkflow[];
  /** Per workload: the plan's estimated makespan (ms), which the SLA latency is derived from. */
  readonly estimatedMakespanMs: Readonly<Record<string, number>>;
}

/** How requests' SLAs and the workloads' shares are set. */
export interface LoadMixOptions {
  /** SLA latency = estimated makespan × this factor (default 1.0). */
  readonly slaFactor?: number;
  /** An absolute SLA latency for every workload instead (ms). */
  readonly slaMs?: number;
  /** Weight per workload name (default 1 each). */
  readonly weights?: Readonly<Record<string, number>>;
  readonly workflowSources?: WorkflowSources;
  readonly onWarning?: (message: string) => void;
  /** Priority class per workload name, for a `priority` dispatch strategy (default 0 each). */
  readonly priorityClasses?: Readonly<Record<string, number>>;
  /** Give each mix entry the dispatch belief a dispatch strategy reads (from the plan's estimate). */
  readonly withDispatchBelief?: boolean;
}

/** Plans every variant's mix (see the module's doc). Uses the matrix's first SLA and first prediction-error level. */
export async function planLoadMixes(matrix: CompareMatrix, options: LoadMixOptions = {}): Promise<{ platform: PlatformModel; variants: LoadVariant[] }> {
  const platform = matrix.platform === 'default' ? DEFAULT_PLATFORM_MODEL : await loadPlatformModel(matrix.platform);
  const planners = new Map<string, Planner>();
  for (const variant of matrix.variants) planners.set(variant.label, await loadPlanner(variant.planner));
  const sources = await matrixWorkflowSources(matrix, options.workflowSources, options.onWarning);
  const { histories, warnings } = await loadHistories(matrix, sources);
  for (const warning of warnings) options.onWarning?.(warning);
  const sla = matrix.slas[0]!;
  const level = matrix.predictionErrors[0] ?? 0;
  const slaFactor = options.slaFactor ?? 1;

  const prepared = matrix.workloads.map((spec) => {
    const source = spec.workflow ? sources.get(spec.workflow.path)! : undefined;
    const history = histories.get(spec.name)!;
    const params = matrix.history.kind === 'dir' && !spec.workflow ? recordedWorkloadParams(spec, history.runs) : undefined;
    const workflow = source ? source.workflow : builtInWorkflow({ ...spec, params: params ?? spec.params });
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
    const training = createPredictions(truth.training, { workflow: workflow.name });
    const belief = perturbedBelief(training, matrix.seed, spec.name, { level, bias: matrix.predictionBias, scale: matrix.beliefScale });
    return { spec, workflow, truth, training, belief, estimate: simulatorEstimator(workflow, belief, sla, platform) };
  });
  checkBeliefScale(matrix, prepared.map((p) => p.workflow));

  const variants = matrix.variants.map((variant): LoadVariant => {
    const planner = planners.get(variant.label)!;
    const configs = strongestFirst(variant.resources ?? planner.defaultMemoryMb.map((memoryMb) => makeResources(memoryMb)));
    const estimatedMakespanMs: Record<string, number> = {};
    const mix = prepared.map(({ spec, workflow, truth, training, belief, estimate }): LoadWorkflow => {
      const plan = runPlanner(planner, workflow, { predictions: belief, sla, resources: configs, estimate, optimizations: variant.optimizations });
      const estimated = estimate(plan);
      const makespanMs = estimated.makespanMs;
      estimatedMakespanMs[spec.name] = makespanMs;
      return {
        name: spec.name,
        workflow,
        plan,
        weight: options.weights?.[spec.name] ?? 1,
        truth: (k) => truth.sample(k, training).source,
        slaMs: options.slaMs ?? makespanMs * slaFactor,
        ...(options.priorityClasses?.[spec.name] !== undefined ? { priorityClass: options.priorityClasses[spec.name] } : {}),
        ...(options.withDispatchBelief ? { dispatchBelief: dispatchBelief(estimated, belief, sla) } : {}),
      };
    });
    return { label: variant.label, planner: planner.name, mix, estimatedMakespanMs };
  });
  return { platform, variants };
}
