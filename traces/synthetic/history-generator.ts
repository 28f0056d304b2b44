import TinyQueue from 'tinyqueue';
import { ConfigError } from '../../core/errors.js';
import { rngFor, type Rng } from '../../core/random.js';
import { resourceKey, resources as makeResources, type ResourceConfig } from '../../core/resources.js';
import type { RunEnd, RunHeader, TaskRecord, TraceRecord, TransferRecord, WorkerRecord } from '../../core/trace-records.js';
import { TRACE_SCHEMA_VERSION } from '../../core/trace-records.js';
import type { Workflow } from '../../core/workflow.js';
import { sampleExecMs, sampleOutputBytes, type FunctionBehaviour } from '../workloads/behaviour.js';
import { getWorkload } from '../workloads/registry.js';
import { resolveParams, type WorkloadParams } from '../workloads/workload.js';
import { SYNTHETIC_PLATFORM, sampleStartupMs, sampleTransferMs, type SyntheticPlatform } from './synthetic-platform.js';

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

/** A live instance: when it becomes idle. */
interface Instance {
  freeAtMs: number;
}

/** Millisecond values are kept to microseconds, so files stay readable and byte-stable across platforms. */
function ms(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function generateRun(ctx: RunContext): TraceRecord[] {
  const { workflow, config, platform } = ctx;
  const runId = `${ctx.workloadName}-s${String(ctx.seed)}-r${ctx.run}`;
  const rng = (quantity: string): Rng => rngFor(ctx.seed, `run-${ctx.run}/${quantity}`);
  const execRng = rng('exec');
  const outputRng = rng('output');
  const transferRng = rng('transfer');
  const startupRng = rng('startup');
  const resources = { memoryMb: config.memoryMb, vCpus: config.vCpus };

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

  const endMs = new Map<string, number>();
  const outputBytes = new Map<string, number>();
  const remaining = new Map<string, number>();
  for (const [id, task] of workflow.tasks) remaining.set(id, task.upstream.length);
  const order = new Map(workflow.topologicalOrder.map((id, index) => [id, index]));
  // Tasks whose inputs are all produced, earliest invocation first (ties in topological order), so warm instances go
  // to whoever asks first in time. A task becomes ready no earlier than the task that unlocked it, so time only moves on.
  const ready = new TinyQueue<{ id: string; atMs: number }>(
    workflow.roots.map((id) => ({ id, atMs: 0 })),
    (a, b) => a.atMs - b.atMs || order.get(a.id)! - order.get(b.id)!,
  );
  // Instances still running a task, by when they become idle; and idle ones, oldest-freed first.
  const busy = new TinyQueue<Instance>([], (a, b) => a.freeAtMs - b.freeAtMs);
  const idle: Instance[] = [];
  const taskRecords: TaskRecord[] = [];
  const workerRecords: WorkerRecord[] = [];

  for (let next = ready.pop(); next !== undefined; next = ready.pop()) {
    const { id, atMs: invokedAtMs } = next;
    const task = workflow.tasks.get(id)!;
    const behaviour = ctx.behaviours[task.functionName];
    if (!behaviour) throw new ConfigError(`workload '${ctx.workloadName}' has no behaviour for function '${task.functionName}'`);

    while (busy.length > 0 && busy.peek()!.freeAtMs <= invokedAtMs) idle.push(busy.pop()!);
    // The most recently freed idle instance serves the request (most-recently-used routing, an assumption also made
    // by SimFaaS); instances idle for longer than the keep-alive have been reclaimed.
    let instance = idle.pop();
    if (instance && invokedAtMs - instance.freeAtMs > platform.keepAliveMs) {
      idle.length = 0;
      instance = undefined;
    }
    const start = instance ? 'warm' : 'cold';
    instance ??= { freeAtMs: 0 };
    const startupMs = ms(sampleStartupMs(platform, start, startupRng));
    const readyAtMs = ms(invokedAtMs + startupMs);
    const workerId = `w${workerRecords.length}`;

    let clock = readyAtMs;
    const downloads: TransferRecord[] = [];
    const download = (key: string, sizeBytes: number) => {
      const durationMs = ms(sampleTransferMs(platform, sizeBytes, config, transferRng));
      downloads.push({ key, sizeBytes, startMs: clock, durationMs });
      clock = ms(clock + durationMs);
    };
    if (task.staticInputBytes > 0) download(`static/${id}`, task.staticInputBytes);
    for (const up of task.upstream) download(up, outputBytes.get(up)!);
    const inputBytes = downloads.reduce((sum, d) => sum + d.sizeBytes, 0);

    const execMs = ms(sampleExecMs(behaviour, inputBytes, config, execRng));
    const produced = sampleOutputBytes(behaviour, inputBytes, outputRng);
    clock = ms(clock + execMs);
    const uploadMs = ms(sampleTransferMs(platform, produced, config, transferRng));
    const uploads: TransferRecord[] = [{ key: id, sizeBytes: produced, startMs: clock, durationMs: uploadMs }];
    clock = ms(clock + uploadMs);

    instance.freeAtMs = clock;
    busy.push(instance);
    endMs.set(id, clock);
    outputBytes.set(id, produced);
    workerRecords.push({
      type: 'worker',
      runId,
      workerId,
      resources,
      invokedAtMs,
      readyAtMs,
      endedAtMs: clock,
      start,
      startupMs,
      purpose: 'tasks',
    });
    taskRecords.push({
      type: 'task',
      runId,
      taskId: id,
      functionName: task.functionName,
      workerId,
      resources,
      inputBytes,
      outputBytes: produced,
      startMs: readyAtMs,
      endMs: clock,
      execMs,
      downloads,
      uploads,
      attempt: 1,
    });
    for (const down of task.downstream) {
      const left = remaining.get(down)! - 1;
      remaining.set(down, left);
      if (left === 0) {
        let upstreamEnd = 0;
        for (const up of workflow.tasks.get(down)!.upstream) upstreamEnd = Math.max(upstreamEnd, endMs.get(up)!);
        ready.push({ id: down, atMs: upstreamEnd });
      }
    }
  }

  let makespanMs = 0;
  for (const end of endMs.values()) makespanMs = Math.max(makespanMs, end);
  const end: RunEnd = { type: 'run-end', runId, status: 'completed', makespanMs };
  workerRecords.sort((a, b) => a.invokedAtMs - b.invokedAtMs || a.workerId.localeCompare(b.workerId));
  return [header, ...workerRecords, ...taskRecords, end];
}
