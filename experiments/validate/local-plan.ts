import { ConfigError } from '../../core/errors.js';
import type { Plan } from '../../core/plan.js';
import { dispatchBelief, type DispatchBelief } from '../../core/dispatch/index.js';
import { collectSamples, createPredictions, type Predictions, type SampleSet, type StartupSample } from '../../core/predictions/index.js';
import { resources, type ResourceConfig } from '../../core/resources.js';
import type { Sla } from '../../core/sla.js';
import type { TaskRecord, TraceRecord, TraceRun } from '../../core/trace-records.js';
import type { Workflow } from '../../core/workflow.js';
import type { OptimizationPassName } from '../../planners/planner.js';
import { loadPlanner, runPlanner } from '../../planners/registry.js';
import { simulatorEstimator } from '../../planners/simulator-estimator.js';
import { taskEstimatesFrom } from '../../runtime-lambda/run-workflow.js';
import type { TaskEstimate } from '../../runtime-lambda/run-config.js';
import { buildRuntimeWorkload, type RuntimeWorkloadInstance } from '../../runtime-lambda/tasks/registry.js';
import type { PlatformModel } from '../../simulator/platform-model.js';
import { generateHistory } from '../../traces/synthetic/history-generator.js';
import { getWorkload } from '../../traces/workloads/registry.js';
import { runJobs, startupAloneMs } from './fit-profile.js';
import { groupRuns } from '../../traces/trace-runs.js';

/** Memory that buys one vCPU on Lambda (and in the gateway's cgroup quota). */
const MB_PER_VCPU = 1769;

/**
 * The resources of a local worker of `memoryMb`: Lambda's CPU share, but at most one vCPU. A worker runs its tasks'
 * code on Node's single thread, one task at a time, so it never uses more than one core whatever its quota; planning
 * and simulating with at most one vCPU makes the simulator's CPU sharing (n tasks on a worker each get vCPUs/n) agree
 * with that: the last of n tasks ends when n tasks' work is done, as on the real worker.
 */
export function localResources(memoryMb: number): ResourceConfig {
  return resources(memoryMb, Math.min(1, memoryMb / MB_PER_VCPU));
}

/** A workload built for a run through the local gateway: its `local` instance overridden by `params`, static inputs from `seed`. */
export function localWorkload(name: string, seed: number | string, params: Readonly<Record<string, number>> = {}): RuntimeWorkloadInstance {
  const definition = getWorkload(name);
  return buildRuntimeWorkload(definition.name, seed, { ...definition.instances.local, ...params });
}

/** A plan for a real run, and the planner-side task estimates the workers' task-dup decisions use. */
export interface LocalPlan {
  readonly plan: Plan;
  readonly predictions: Predictions;
  readonly taskEstimates: Record<string, TaskEstimate>;
  /** The planner-side estimate of the plan's makespan (ms): what a request's SLA latency derives from under load. */
  readonly estimatedMakespanMs: number;
  /** What a dispatch strategy believes of the plan (`core/dispatch`), from the same estimate. */
  readonly dispatchBelief: DispatchBelief;
}

/**
 * A task's time alone: its CPU time where the runtime measured it (`cpuMs`), at most its wall time. On a shared host
 * (`cpu.hostCores`) the simulator stretches every execution by the host's share itself, so predictions must be of
 * the time alone, not of the wall time other processes stretched in the recorded run.
 */
export function taskAloneMs(task: TaskRecord): number {
  return task.cpuMs === undefined ? task.execMs : Math.min(task.execMs, task.cpuMs);
}

/** `runs` with every task's `execMs` its time alone (`taskAloneMs`). */
export function withTasksAlone(runs: readonly TraceRun[]): TraceRun[] {
  return runs.map((run) => ({ ...run, tasks: run.tasks.map((t) => (t.cpuMs === undefined ? t : { ...t, execMs: taskAloneMs(t) })) }));
}

/**
 * Predictions for `workflow` from its runs in `history`, with start-up samples pooled over every run of
 * `startupRuns` when given: start-ups belong to the platform, not to a workflow, and a workflow whose runs all found
 * warm instances has no cold sample of its own. With `hostCores` (a shared host, `cpu.hostCores`) the start-up
 * samples are each start-up's time alone (`startupAloneMs`), as the simulator wants them.
 */
export function localPredictions(workflow: Workflow, history: readonly TraceRun[], startupRuns?: readonly TraceRun[], hostCores?: number): Predictions {
  const runs = history.filter((r) => r.header.workflow === workflow.name);
  if (runs.length === 0) throw new ConfigError(`predictions for ${workflow.name}: the history holds no run of it`);
  const own = collectSamples(runs, { workflow: workflow.name });
  if (!startupRuns) return createPredictions(own);
  const cold: StartupSample[] = [];
  const warm: StartupSample[] = [];
  for (const run of startupRuns) {
    const startupMs =
      hostCores === undefined ? run.workers.map((w) => w.readyAtMs - w.invokedAtMs) : startupAloneMs(run.workers, hostCores, runJobs(run.tasks)[0]?.executions);
    run.workers.forEach((w, i) => (w.start === 'cold' ? cold : warm).push({ startupMs: startupMs[i]!, resources: w.resources }));
  }
  const pooled: SampleSet = { ...own, startups: { cold: cold.length > 0 ? cold : own.startups.cold, warm: warm.length > 0 ? warm : own.startups.warm } };
  return createPredictions(pooled);
}

/** What `planLocal` plans with besides the workflow and its history. */
export interface LocalPlanOptions {
  /** Built-in name or module path. */
  readonly planner: string;
  readonly optimizations: readonly OptimizationPassName[];
  /** The SLA the planner and its estimate plan for (`--sla` of `bench run`, `bench validate`, `bench traces collect`). */
  readonly sla: Sla;
  /** The platform the estimate simulates. */
  readonly platform: PlatformModel;
  /** Runs whose start-ups are pooled into the predictions (see `localPredictions`). */
  readonly startupRuns?: readonly TraceRun[];
}

/**
 * Plans `workflow` as `bench simulate --planner` does: predictions from `history` (its runs of this workflow;
 * start-ups pooled over `startupRuns`, see `localPredictions`), the planner's default memory sizes as local resources
 * (`localResources`), the simulator on `platform` as estimator under `sla`, then the optimization passes.
 */
export async function planLocal(workflow: Workflow, history: readonly TraceRun[], options: LocalPlanOptions): Promise<LocalPlan> {
  const { platform, sla } = options;
  // On a shared host the simulator stretches executions and start-ups itself: predictions are of times alone.
  const hostCores = platform.cpu.hostCores;
  const predictions = localPredictions(workflow, hostCores === undefined ? history : withTasksAlone(history), options.startupRuns, hostCores);
  const planner = await loadPlanner(options.planner);
  const configs = planner.defaultMemoryMb.map((mb) => localResources(mb)).sort((a, b) => b.memoryMb - a.memoryMb);
  const estimate = simulatorEstimator(workflow, predictions, sla, platform);
  const plan = runPlanner(planner, workflow, { predictions, sla, resources: configs, estimate, optimizations: options.optimizations });
  const estimated = estimate(plan);
  return {
    plan,
    predictions,
    taskEstimates: taskEstimatesFrom(estimated.tasks),
    estimatedMakespanMs: estimated.makespanMs,
    dispatchBelief: dispatchBelief(estimated, predictions, sla),
  };
}

/**
 * The synthetic history (`traces/synthetic`) of a workload with the parameters of `workflowParams`: what plans come
 * from when no real history is given. It models the reference's Python tasks on AWS, so its plans are shaped right
 * but its predicted times are not this machine's.
 */
export function syntheticHistory(name: string, workflowParams: Readonly<Record<string, number>>, seed: number | string): TraceRun[] {
  const records: TraceRecord[] = generateHistory(name, { runs: 6, seed, params: workflowParams });
  return groupRuns(records).runs;
}
