import { ConfigError } from '../../core/errors.js';
import { rngFor, type Rng } from '../../core/random.js';
import { resourceKey, resources as makeResources, type ResourceConfig } from '../../core/resources.js';
import type { RunHeader, TraceRecord } from '../../core/trace-records.js';
import { TRACE_SCHEMA_VERSION } from '../../core/trace-records.js';
import type { Workflow } from '../../core/workflow.js';
import { sampleExecMs, sampleOutputBytes, type FunctionBehaviour } from '../workloads/behaviour.js';
import { getWorkload } from '../workloads/registry.js';
import { resolveParams, type WorkloadParams } from '../workloads/workload.js';
import { SYNTHETIC_PLATFORM, type SyntheticPlatform } from './synthetic-platform.js';
import { playSyntheticRun } from './synthetic-run.js';

/** Resource configurations a history cycles through when none are given: one per run, in turn. */
export const DEFAULT_HISTORY_MEMORY_MB: readonly number[] = [1024, 2048, 4096];

/** Options of `generateHistory`. */
export interface HistoryOptions {
  readonly runs: number;
  readonly seed: number | string;
  /** Run i uses `resources[i % resources.length]` for every worker (default 1,024, 2,048 and 4,096 MB). */
  readonly resources?: readonly ResourceConfig[];
  /** Workload parameters overriding the defaults. */
  readonly params?: Readonly<Record<string, number>>;
  readonly platform?: SyntheticPlatform;
}

/**
 * Generates a seeded history of a built-in workload: `runs` complete runs as trace records, exactly what the
 * prediction engine reads. Each run executes the DAG the way a flexible (WUKONG-style) deployment does when every
 * task gets its own invocation: a task is invoked when its last upstream task finishes, on a warm instance if one of
 * the same resources has been idle for less than the keep-alive, else on a cold one; it downloads its static input
 * and each upstream output one after the other, runs, and uploads its output. Each run starts with no live instance,
 * as the reference's runner waited for every worker to shut down between runs.
 *
 * This is a history producer with a known ground truth (the behaviour model), not the simulator: it does not plan,
 * co-locate or optimize. Randomness is split per run and per quantity (`<seed>/run-<i>/exec`, ...), so changing
 * how one quantity is drawn never changes the others.
 */
export function generateHistory(workloadName: string, options: HistoryOptions): TraceRecord[] {
  const workload = getWorkload(workloadName);
  if (!Number.isInteger(options.runs) || options.runs < 1) {
    throw new ConfigError(`runs must be a positive integer, got ${options.runs}`);
  }
  const params = resolveParams(workload, options.params);
  const workflow = workload.build(params);
  const behaviours = workload.behaviour(params);
  const configs = options.resources ?? DEFAULT_HISTORY_MEMORY_MB.map((memoryMb) => makeResources(memoryMb));
  if (configs.length === 0) throw new ConfigError('resources must list at least one configuration');
  const platform = options.platform ?? SYNTHETIC_PLATFORM;

  const records: TraceRecord[] = [];
  for (let run = 0; run < options.runs; run++) {
    const config = configs[run % configs.length]!;
    records.push(
      ...generateRun({ workflow, behaviours, params, config, platform, seed: options.seed, run, workloadName: workload.name }),
    );
  }
  return records;
}

interface RunContext {
  readonly workflow: Workflow;
  readonly behaviours: Readonly<Record<string, FunctionBehaviour>>;
  readonly params: WorkloadParams;
  readonly config: ResourceConfig;
  readonly platform: SyntheticPlatform;
  readonly seed: number | string;
  readonly run: number;
  readonly workloadName: string;
}

function generateRun(ctx: RunContext): TraceRecord[] {
  const { workflow, config, platform } = ctx;
  const runId = `${ctx.workloadName}-s${String(ctx.seed)}-r${ctx.run}`;
  const rng = (quantity: string): Rng => rngFor(ctx.seed, `run-${ctx.run}/${quantity}`);
  const execRng = rng('exec');
  const outputRng = rng('output');

  const header: RunHeader = {
    type: 'run',
    schemaVersion: TRACE_SCHEMA_VERSION,
    runId,
    workflow: workflow.name,
    planner: 'synthetic',
    sla: 'median',
    platform: `synthetic:${ctx.workloadName}`,
    seed: ctx.seed,
    params: { ...ctx.params, resources: resourceKey(config) },
  };

  const behaviourOf = (taskId: string): FunctionBehaviour => {
    const functionName = workflow.tasks.get(taskId)!.functionName;
    const behaviour = ctx.behaviours[functionName];
    if (!behaviour) throw new ConfigError(`workload '${ctx.workloadName}' has no behaviour for function '${functionName}'`);
    return behaviour;
  };
  return playSyntheticRun(workflow, {
    header,
    config,
    platform,
    transferRng: rng('transfer'),
    startupRng: rng('startup'),
    execMs: (taskId, inputBytes) => sampleExecMs(behaviourOf(taskId), inputBytes, config, execRng),
    outputBytes: (taskId, inputBytes) => sampleOutputBytes(behaviourOf(taskId), inputBytes, outputRng),
  });
}
