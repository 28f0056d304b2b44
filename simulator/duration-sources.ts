import { ConfigError } from '../core/errors.js';
import type { Predictions } from '../core/predictions/index.js';
import type { Rng } from '../core/random.js';
import type { ResourceConfig } from '../core/resources.js';
import { formatSla, percentile, type Sla } from '../core/sla.js';
import type { TaskRecord, TraceRun } from '../core/trace-records.js';
import { effectiveVcpus, startupMs, transferMs, type PlatformModel } from './platform-model.js';

/** The task a duration is asked for. */
export interface TaskRef {
  readonly taskId: string;
  readonly functionName: string;
}

/**
 * Where a simulation takes its durations and sizes from. Execution time is the task's time running alone on a worker
 * of `resources`; the interpreter stretches it when co-located tasks share the worker's vCPUs.
 */
export interface DurationSource {
  /** Short name recorded in trace headers (`replay`, `sampled`, `expected:p90`). */
  readonly name: string;
  execMs(task: TaskRef, inputBytes: number, resources: ResourceConfig): number;
  outputBytes(task: TaskRef, inputBytes: number): number;
  /** Invocation to handler start: the caller's Invoke call, dispatch, and a cold or warm start. */
  startupMs(resources: ResourceConfig, start: 'cold' | 'warm'): number;
  transferMs(direction: 'upload' | 'download', sizeBytes: number, resources: ResourceConfig): number;
}

/** Start-ups and transfers drawn from the platform model (with noise when rngs are given). */
export function platformInfrastructure(model: PlatformModel, rngs?: { startup: Rng; transfer: Rng }) {
  return {
    startupMs: (resources: ResourceConfig, start: 'cold' | 'warm') => startupMs(model, resources, start === 'cold', rngs?.startup),
    transferMs: (_direction: 'upload' | 'download', sizeBytes: number, resources: ResourceConfig) =>
      sizeBytes === 0 ? 0 : transferMs(model, sizeBytes, resources, rngs ? { rng: rngs.transfer } : {}),
  };
}

/** Options of `replayDurations`. */
export interface ReplayOptions {
  /**
   * How fast a task runs on `resources` relative to one vCPU: a recorded time is scaled by speedup(recorded) /
   * speedup(planned). Default: the effective vCPUs of one thread (`effectiveVcpus`). An imported WfCommons instance
   * passes each task's own rule, min(vCPUs, parallelism), since it knows how many cores the task kept busy.
   */
  readonly speedup?: (task: TaskRef, resources: ResourceConfig) => number;
}

/**
 * (a) Exact replay of one recorded run: each task's recorded execution time and output size. When the plan gives a
 * task other resources than it was recorded on, its time is scaled by the ratio of the effective vCPUs (one thread:
 * the recorded time says nothing about how parallel the function is), or by `options.speedup` where the source
 * knows better. Start-ups and transfers come from the platform
 * model with noise, since the plan being simulated decides which workers and transfers exist.
 */
export function replayDurations(
  run: TraceRun,
  model: PlatformModel,
  rngs: { startup: Rng; transfer: Rng },
  options: ReplayOptions = {},
): DurationSource {
  const speedup = options.speedup ?? ((_task: TaskRef, resources: ResourceConfig) => effectiveVcpus(model, resources));
  const byTask = new Map<string, TaskRecord>();
  // The last attempt of a retried task is the one whose output counted.
  for (const record of run.tasks) byTask.set(record.taskId, record);
  const recorded = (task: TaskRef): TaskRecord => {
    const record = byTask.get(task.taskId);
    if (!record) throw new ConfigError(`run '${run.header.runId}' has no record of task '${task.taskId}' to replay`);
    if (record.functionName !== task.functionName) {
      throw new ConfigError(
        `run '${run.header.runId}' recorded task '${task.taskId}' as function '${record.functionName}', the workflow says '${task.functionName}'`,
      );
    }
    return record;
  };
  return {
    name: `replay:${run.header.runId}`,
    execMs: (task, _inputBytes, resources) => {
      const record = recorded(task);
      return record.execMs * (speedup(task, record.resources) / speedup(task, resources));
    },
    outputBytes: (task) => recorded(task).outputBytes,
    ...platformInfrastructure(model, rngs),
  };
}

/**
 * Quantile levels a sampled draw picks from: the midpoints of 200 equal-probability strata (p0.25, p0.75, …, p99.75).
 * The prediction engine builds and keeps one profile per sample list and quantile; a continuous random level never
 * repeats, so every draw rebuilt a profile over all of a function's observed sizes and kept it, which made a
 * 10,000-task imported workflow exhaust a 4 GB heap. With a fixed grid the profiles are built once per level and
 * shared by every draw; the sampled distribution is the history's, resolved to half a percentile.
 */
export const SAMPLED_QUANTILE_LEVELS = 200;

/**
 * (b) Sampling from a history: each draw is the prediction engine's conditional quantile at a uniformly random level
 * of `SAMPLED_QUANTILE_LEVELS` strata (inverse-transform sampling), so a sampled execution time follows the
 * history's distribution for that function, input size and resources, including the normalization across
 * configurations. Seeded through `rng`.
 */
export function sampledDurations(
  predictions: Predictions,
  model: PlatformModel,
  rngs: { exec: Rng; output: Rng; startup: Rng; transfer: Rng },
): DurationSource {
  const randomSla = (rng: Rng): Sla => percentile((100 * (Math.floor(rng.next() * SAMPLED_QUANTILE_LEVELS) + 0.5)) / SAMPLED_QUANTILE_LEVELS);
  return {
    name: 'sampled',
    execMs: (task, inputBytes, resources) => predictions.execMs(task.functionName, inputBytes, resources, randomSla(rngs.exec)),
    outputBytes: (task, inputBytes) => predictions.outputBytes(task.functionName, inputBytes, randomSla(rngs.output)),
    ...platformInfrastructure(model, rngs),
  };
}

/**
 * (c) Expected values under an SLA, all from the prediction engine: deterministic, no noise. This is the source a
 * planner estimates a plan with. Recorded start-ups span invocation to ready (`readyAtMs - invokedAtMs`), so the
 * predicted start-up already holds the Invoke call and the dispatch.
 */
export function expectedDurations(predictions: Predictions, sla: Sla): DurationSource {
  return {
    name: `expected:${formatSla(sla)}`,
    execMs: (task, inputBytes, resources) => predictions.execMs(task.functionName, inputBytes, resources, sla),
    outputBytes: (task, inputBytes) => predictions.outputBytes(task.functionName, inputBytes, sla),
    startupMs: (resources, start) => predictions.startupMs(resources, start, sla),
    transferMs: (direction, sizeBytes, resources) =>
      sizeBytes === 0 ? 0 : predictions.transferMs(direction, sizeBytes, resources, sla),
  };
}
