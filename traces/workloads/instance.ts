import type { TraceRun } from '../../core/trace-records.js';
import type { Workflow } from '../../core/workflow.js';
import { instanceParams, resolveParams, WORKLOAD_INSTANCES, type WorkloadDefinition, type WorkloadInstanceName, type WorkloadParams } from './workload.js';

/**
 * Which instance of a built-in workload a history was recorded on. One name (`gemm`) is several DAGs (17 tasks for
 * the reference, 5 in a real run through the local gateway), so wherever a history meets a workload the run
 * headers' parameters are checked against the instance at hand, and a history of another instance is refused or
 * warned about by name rather than silently extrapolated from.
 */

/** `blocks=2, matrixSize=200`. */
export function formatParams(params: Readonly<Record<string, number>>): string {
  return Object.entries(params)
    .map(([name, value]) => `${name}=${value}`)
    .join(', ');
}

/** The named instance (`reference`, `local`, `inProcess`) these resolved parameters are, if any. */
export function instanceName(workload: WorkloadDefinition, params: WorkloadParams): WorkloadInstanceName | undefined {
  return WORKLOAD_INSTANCES.find((name) => sameParams(instanceParams(workload, name), params));
}

/** `blocks=2, matrixSize=200 (local instance, 5 tasks)`: the parameters, the instance they name, the DAG's size. */
export function describeInstance(workload: WorkloadDefinition, params: WorkloadParams, workflow: Workflow = workload.build(params)): string {
  const name = instanceName(workload, params);
  return `${formatParams(params)} (${name ? `${name} instance, ` : ''}${workflow.tasks.size} tasks)`;
}

/**
 * The workload's own parameters a run header records, numbers only (a header also holds `seed`, `role`, ...);
 * undefined when it records none of them (a hand-made or older trace).
 */
export function recordedParams(workload: WorkloadDefinition, run: TraceRun): Record<string, number> | undefined {
  const recorded: Record<string, number> = {};
  for (const param of workload.params) {
    const value = run.header.params?.[param.name];
    if (typeof value === 'number') recorded[param.name] = value;
  }
  return Object.keys(recorded).length > 0 ? recorded : undefined;
}

/** Runs of a history recorded on another instance than the one at hand, grouped by what they were recorded on. */
export interface OtherInstanceRuns {
  /** What the runs were recorded on: `blocks=2, matrixSize=200 (local instance, 5 tasks)`, or how their tasks differ. */
  readonly recordedOn: string;
  readonly runIds: readonly string[];
}

/**
 * The runs of `runs` (all of `workload`'s workflow) that were not recorded on the instance `params` builds as
 * `workflow`. A run whose header records parameters is judged by them (missing ones take their defaults); a run that
 * records none, by its tasks: one the DAG does not have, or a completed run without every task of the DAG.
 */
export function runsOnOtherInstances(workload: WorkloadDefinition, params: WorkloadParams, workflow: Workflow, runs: readonly TraceRun[]): OtherInstanceRuns[] {
  const groups = new Map<string, string[]>();
  const add = (recordedOn: string, runId: string) => groups.set(recordedOn, [...(groups.get(recordedOn) ?? []), runId]);
  for (const run of runs) {
    const recorded = recordedParams(workload, run);
    if (recorded) {
      let resolved: WorkloadParams;
      try {
        resolved = resolveParams(workload, recorded);
      } catch (error) {
        add(`parameters no instance has (${(error as Error).message})`, run.header.runId);
        continue;
      }
      if (!sameParams(resolved, params)) add(describeInstance(workload, resolved), run.header.runId);
      continue;
    }
    const taskIds = new Set(run.tasks.map((t) => t.taskId));
    const unknown = [...taskIds].filter((id) => !workflow.tasks.has(id));
    if (unknown.length > 0) add(`no recorded parameters, and tasks the DAG does not have (${unknown.slice(0, 2).join(', ')}${unknown.length > 2 ? ', …' : ''})`, run.header.runId);
    else if (run.end?.status === 'completed' && taskIds.size !== workflow.tasks.size) add(`no recorded parameters, and ${taskIds.size} tasks completed`, run.header.runId);
  }
  return [...groups].map(([recordedOn, runIds]) => ({ recordedOn, runIds }));
}

/**
 * One line per group of `others`: `3 run(s) of gemm (gemm-a, gemm-b, …) were recorded on blocks=2, matrixSize=200
 * (local instance, 5 tasks), not on blocks=4, matrixSize=2000 (reference instance, 17 tasks)`.
 */
export function otherInstanceLines(workload: WorkloadDefinition, params: WorkloadParams, workflow: Workflow, others: readonly OtherInstanceRuns[]): string[] {
  const wanted = describeInstance(workload, params, workflow);
  return others.map(({ recordedOn, runIds }) => {
    const shown = runIds.slice(0, 3).join(', ') + (runIds.length > 3 ? ', …' : '');
    return `${runIds.length} run(s) of ${workload.name} (${shown}) were recorded on ${recordedOn}, not on ${wanted}`;
  });
}

/**
 * The one parameter set the runs of a history record, resolved, when every run that records parameters records the
 * same; undefined when none records any or they disagree (then the history is of several instances).
 */
export function recordedInstance(workload: WorkloadDefinition, runs: readonly TraceRun[]): WorkloadParams | undefined {
  let found: WorkloadParams | undefined;
  for (const run of runs) {
    const recorded = recordedParams(workload, run);
    if (!recorded) continue;
    let resolved: WorkloadParams;
    try {
      resolved = resolveParams(workload, recorded);
    } catch {
      return undefined;
    }
    if (found && !sameParams(found, resolved)) return undefined;
    found = resolved;
  }
  return found;
}

function sameParams(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => a[k] === b[k]);
}
