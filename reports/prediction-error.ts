import type { CompareResults } from '../core/compare-results.js';
import type { TraceRun } from '../core/trace-records.js';
import { otherInstanceLines, recordedParams, runsOnOtherInstances } from '../traces/workloads/instance.js';
import { WORKLOADS } from '../traces/workloads/registry.js';
import { resolveParams } from '../traces/workloads/workload.js';
import { aggregatesAtLevel, chartLevel } from './levels.js';
import { isRealRun } from './trace-summary.js';

/**
 * The input of the prediction-error chart: pairs of a predicted and an observed time. Predictions come from the
 * toolkit (a simulated run of the plan, or the planner's estimate in compare results); observations from runs on a
 * real platform, recognized by their trace header's `platform` (anything but `simulator:*` and `synthetic:*`).
 *
 * Two sources are matched:
 * - a trace holding real runs and simulated runs of the same workflow, planner and SLA: per task, the real
 *   execution time against the mean simulated one (matched by task id), and the real makespan against the mean
 *   simulated makespan;
 * - compare results with real runs given alongside (`bench report results.json --real traces.jsonl`): each real
 *   run's makespan against the estimated makespan of the cell with its workload (= workflow), SLA and variant (= the
 *   run header's planner, as a variant label or a planner name without optimizations), at the lowest
 *   prediction-error level.
 */
export interface PredictionErrorSample {
  /** What the line of the CDF groups: `<workflow> · <planner> · task` or `... · makespan`. */
  readonly group: string;
  readonly kind: 'task' | 'makespan';
  /** The task id, or the real run's id for makespans. */
  readonly subject: string;
  readonly realRunId: string;
  readonly predictedMs: number;
  readonly observedMs: number;
  /** (predicted − observed) / observed × 100; null when observed is 0. */
  readonly errorPct: number | null;
}

function sample(group: string, kind: 'task' | 'makespan', subject: string, realRunId: string, predictedMs: number, observedMs: number): PredictionErrorSample {
  return { group, kind, subject, realRunId, predictedMs, observedMs, errorPct: observedMs === 0 ? null : ((predictedMs - observedMs) / observedMs) * 100 };
}

const runMakespanMs = (run: TraceRun) => run.end?.makespanMs ?? Math.max(0, ...run.tasks.map((t) => t.endMs));

/**
 * Real runs a prediction of another instance of their workload cannot be held against (`gemm` is 5 tasks in a real
 * run, 17 by default): each line names the workload, the runs and both instances. `excluded` holds their run ids.
 */
export interface OtherInstanceRealRuns {
  readonly excluded: ReadonlySet<string>;
  readonly lines: readonly string[];
}

/** A built-in workload's two runs were recorded on different parameters (both record some). */
function otherInstance(a: TraceRun, b: TraceRun): boolean {
  const workload = WORKLOADS.find((w) => w.name === a.header.workflow);
  if (!workload) return false;
  const [pa, pb] = [recordedParams(workload, a), recordedParams(workload, b)];
  if (!pa || !pb) return false;
  try {
    const [ra, rb] = [resolveParams(workload, pa), resolveParams(workload, pb)];
    return workload.params.some((p) => ra[p.name] !== rb[p.name]);
  } catch {
    return true;
  }
}

/**
 * Errors of simulated against real runs in one set of traces (see `PredictionErrorSample`); a simulated run of
 * another instance of the workload than a real run's (their headers' parameters differ) is no prediction of it.
 */
export function predictionErrorsFromTraces(runs: readonly TraceRun[]): PredictionErrorSample[] {
  const key = (r: TraceRun) => `${r.header.workflow}\u0000${r.header.planner}\u0000${r.header.sla}`;
  const simulated = runs.filter((r) => !isRealRun(r));
  const samples: PredictionErrorSample[] = [];
  for (const real of runs.filter(isRealRun)) {
    const predictions = simulated.filter((s) => key(s) === key(real) && !otherInstance(s, real));
    if (predictions.length === 0) continue;
    const group = `${real.header.workflow} · ${real.header.planner}`;
    const meanMakespan = predictions.reduce((s, r) => s + runMakespanMs(r), 0) / predictions.length;
    samples.push(sample(`${group} · makespan`, 'makespan', real.header.runId, real.header.runId, meanMakespan, runMakespanMs(real)));
    // Mean simulated exec time per task id; a retried task counts its last attempt, the one that produced output.
    const predictedExec = new Map<string, number[]>();
    for (const run of predictions) {
      for (const [taskId, execMs] of lastAttempts(run)) predictedExec.set(taskId, [...(predictedExec.get(taskId) ?? []), execMs]);
    }
    for (const [taskId, observedMs] of lastAttempts(real)) {
      const predicted = predictedExec.get(taskId);
      if (!predicted) continue;
      samples.push(sample(`${group} · task`, 'task', taskId, real.header.runId, predicted.reduce((s, v) => s + v, 0) / predicted.length, observedMs));
    }
  }
  return samples;
}

function lastAttempts(run: TraceRun): Map<string, number> {
  const byTask = new Map<string, { attempt: number; execMs: number }>();
  for (const t of run.tasks) {
    const attempt = t.attempt ?? 1;
    const seen = byTask.get(t.taskId);
    if (!seen || attempt >= seen.attempt) byTask.set(t.taskId, { attempt, execMs: t.execMs });
  }
  return new Map([...byTask].map(([id, v]) => [id, v.execMs]));
}

/**
 * The real runs recorded on another instance of their workload than the comparison's: the compared instance is a
 * built-in workload's given or recorded parameters (`truth[w].workloadParams`) over its defaults, and an imported
 * workflow's task count.
 */
export function realRunsOnOtherInstances(results: CompareResults, realRuns: readonly TraceRun[]): OtherInstanceRealRuns {
  const excluded = new Set<string>();
  const lines: string[] = [];
  for (const spec of results.matrix.workloads) {
    const runs = realRuns.filter((r) => isRealRun(r) && r.header.workflow === spec.name);
    if (runs.length === 0) continue;
    const tasks = results.aggregates.find((a) => a.workload === spec.name)?.tasks;
    const builtIn = builtInInstance(spec.name, results.truth[spec.name]?.workloadParams ?? spec.params, tasks);
    if (!builtIn) {
      const differ = runs.filter((r) => r.end?.status === 'completed' && tasks !== undefined && new Set(r.tasks.map((t) => t.taskId)).size !== tasks);
      for (const r of differ) excluded.add(r.header.runId);
      if (differ.length > 0) lines.push(`${differ.length} run(s) of ${spec.name} (${differ.map((r) => r.header.runId).slice(0, 3).join(', ')}) have another number of tasks than the ${tasks} compared`);
      continue;
    }
    const { workload, params, workflow } = builtIn;
    const others = runsOnOtherInstances(workload, params, workflow, runs);
    for (const group of others) for (const id of group.runIds) excluded.add(id);
    lines.push(...otherInstanceLines(workload, params, workflow, others));
  }
  return { excluded, lines };
}

/**
 * The built-in workload instance a comparison's workload was, if it was one: an imported workflow may bear a
 * built-in name, so the instance must also have the compared number of tasks.
 */
function builtInInstance(name: string, given: Readonly<Record<string, number>>, tasks: number | undefined) {
  const workload = WORKLOADS.find((w) => w.name === name);
  if (!workload) return undefined;
  try {
    const params = resolveParams(workload, given);
    const workflow = workload.build(params);
    return tasks === undefined || workflow.tasks.size === tasks ? { workload, params, workflow } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Errors of the compare results' estimated makespans against real runs (see `PredictionErrorSample`); runs of another
 * instance of their workload than the comparison's (`realRunsOnOtherInstances`) are left out.
 */
export function predictionErrorsFromCompare(results: CompareResults, realRuns: readonly TraceRun[]): PredictionErrorSample[] {
  const samples: PredictionErrorSample[] = [];
  const { excluded } = realRunsOnOtherInstances(results, realRuns);
  for (const real of realRuns.filter((r) => isRealRun(r) && !excluded.has(r.header.runId))) {
    const { workflow, planner, sla } = real.header;
    // A real run executes a plan made on the belief as trained: the lowest level's cell, not a perturbed one.
    const cells = aggregatesAtLevel(results, chartLevel(results)).filter((a) => a.workload === workflow && a.sla === sla);
    const cell = cells.find((a) => a.variant === planner) ?? cells.find((a) => a.planner === planner && a.optimizations.length === 0);
    if (!cell) continue;
    samples.push(sample(`${workflow} · ${cell.variant} · makespan`, 'makespan', real.header.runId, real.header.runId, cell.estimatedMakespanMs, runMakespanMs(real)));
  }
  return samples;
}

/** One point of an empirical CDF: the fraction of a group's samples with absolute error at most `absErrorPct`. */
export interface CdfPoint {
  readonly group: string;
  readonly absErrorPct: number;
  readonly fraction: number;
}

/** The empirical CDF of absolute percentage error per group (samples without a defined error are left out). */
export function errorCdf(samples: readonly PredictionErrorSample[]): CdfPoint[] {
  const groups = new Map<string, number[]>();
  for (const s of samples) if (s.errorPct !== null) groups.set(s.group, [...(groups.get(s.group) ?? []), Math.abs(s.errorPct)]);
  return [...groups].flatMap(([group, errors]) => {
    const sorted = errors.sort((a, b) => a - b);
    // Starts at (0, 0) so each step line rises from the axis rather than floating at its first sample.
    return [{ group, absErrorPct: 0, fraction: 0 }, ...sorted.map((e, i) => ({ group, absErrorPct: e, fraction: (i + 1) / sorted.length }))];
  });
}
