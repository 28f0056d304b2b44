import TinyQueue from 'tinyqueue';
import { ConfigError } from '../../core/errors.js';
import { rngFor, type Rng, type Seed } from '../../core/random.js';
import { resourceKey, resources as makeResources, type ResourceConfig } from '../../core/resources.js';
import { TRACE_SCHEMA_VERSION, type TaskRecord, type TraceRecord, type TransferRecord, type WorkerRecord } from '../../core/trace-records.js';
import { behaviour, sampleExecMs, type FunctionBehaviour } from '../workloads/behaviour.js';
import { DEFAULT_HISTORY_MEMORY_MB } from '../synthetic/history-generator.js';
import { SYNTHETIC_PLATFORM, sampleStartupMs, sampleTransferMs, type SyntheticPlatform } from '../synthetic/synthetic-platform.js';
import type { ImportedWorkflow } from './to-workflow.js';

/** Options of `importedHistory`. */
export interface ImportedHistoryOptions {
  /** Runs in the history, the recorded one included (default 1: the recorded run only). */
  readonly runs?: number;
  /** Coefficient of variation of execution-time noise in the synthetic runs (default 0.1). */
  readonly noiseCv?: number;
  /** Seed of start-ups, transfers and noise (default 1). */
  readonly seed?: Seed;
  /**
   * Configurations the synthetic runs cycle through, one per run (default 1,024, 2,048 and 4,096 MB like the
   * built-in histories), so the prediction engine sees how each function scales with vCPUs.
   */
  readonly resources?: readonly ResourceConfig[];
  readonly platform?: SyntheticPlatform;
}

/** Default noise of synthetic runs: ±10 %, the built-in workloads' usual execution-time noise. */
export const DEFAULT_NOISE_CV = 0.1;

/**
 * The history of an imported instance, as trace records. Run 0 is the recorded run: every task on the reference
 * resources with exactly its imported execution time and output size. WfFormat records no start-ups or transfers,
 * so they are drawn from the synthetic platform (the same model the built-in histories use), each task on its own
 * invocation as a WUKONG-style deployment runs it: without them the prediction engine could not predict start-ups
 * or transfers at all. Runs 1 … runs−1 are synthetic: each task's execution time is drawn from its per-vCPU behaviour
 * (`to-workflow.ts`) with log-normal noise of the given CV, on the run's configuration; output sizes stay as recorded,
 * because the files of one instance are fixed by its data.
 *
 * Deterministic for a seed; each run and quantity has its own random stream (`wfcommons/run-<i>/exec`, ...).
 */
export function importedHistory(imported: ImportedWorkflow, options: ImportedHistoryOptions = {}): TraceRecord[] {
  const runs = options.runs ?? 1;
  if (!Number.isInteger(runs) || runs < 1) throw new ConfigError(`runs must be a positive integer, got ${runs}`);
  const noiseCv = options.noiseCv ?? DEFAULT_NOISE_CV;
  if (!(Number.isFinite(noiseCv) && noiseCv >= 0)) throw new ConfigError(`noise CV must be a number >= 0, got ${noiseCv}`);
  const configs = options.resources ?? DEFAULT_HISTORY_MEMORY_MB.map((memoryMb) => makeResources(memoryMb));
  if (configs.length === 0) throw new ConfigError('resources must list at least one configuration');
  const seed = options.seed ?? 1;
  const platform = options.platform ?? SYNTHETIC_PLATFORM;
  // A log-normal with CV c has sigma = sqrt(ln(1 + c²)).
  const sigma = Math.sqrt(Math.log(1 + noiseCv * noiseCv));
  // Only synthetic runs draw from the behaviour model; the recorded run alone (the default) needs none.
  const behaviours = new Map<string, FunctionBehaviour>();
  if (runs > 1) {
    for (const task of imported.tasks.values()) {
      behaviours.set(task.id, behaviour({ baseExecMs: task.cpuMsAt1Vcpu, parallelism: task.parallelism, execNoiseSigma: sigma, outputFixedBytes: task.outputBytes }));
    }
  }

  const records: TraceRecord[] = [];
  for (let run = 0; run < runs; run++) {
    const recorded = run === 0;
    const config = recorded ? imported.referenceResources : configs[(run - 1) % configs.length]!;
    const rng = (quantity: string): Rng => rngFor(seed, `wfcommons/run-${run}/${quantity}`);
    const execRng = rng('exec');
    const execMs = (taskId: string): number =>
      recorded ? imported.tasks.get(taskId)!.execMs : sampleExecMs(behaviours.get(taskId)!, 0, config, execRng);
    const runRecords = generateRun(imported, {
      runId: `${imported.name}-${recorded ? 'recorded' : `s${String(seed)}-r${run}`}`,
      planner: recorded ? 'wfcommons-import' : 'synthetic',
      platformName: recorded ? `wfcommons:${imported.declaredVersion}` : 'synthetic:wfcommons',
      seed,
      params: { resources: resourceKey(config), noiseCv: recorded ? 0 : noiseCv, run },
      config,
      platform,
      execMs,
      transferRng: rng('transfer'),
      startupRng: rng('startup'),
    });
    // One push per record: spreading a 100,000-task run into push() would overflow the argument stack.
    for (const record of runRecords) records.push(record);
  }
  return records;
}

interface RunSetup {
  readonly runId: string;
  readonly planner: string;
  readonly platformName: string;
  readonly seed: Seed;
  readonly params: Record<string, string | number>;
  readonly config: ResourceConfig;
  readonly platform: SyntheticPlatform;
  readonly execMs: (taskId: string) => number;
  readonly transferRng: Rng;
  readonly startupRng: Rng;
}

/** Millisecond values kept to microseconds, as in the built-in histories, so files stay byte-stable. */
function ms(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/**
 * One run in the shape of `traces/synthetic/history-generator.ts`: a task is invoked when its last upstream task
 * ends, on a warm instance if one has idled less than the keep-alive, downloads its static input and each upstream
 * output in turn, runs, and uploads its output.
 */
function generateRun(imported: ImportedWorkflow, setup: RunSetup): TraceRecord[] {
  const { workflow } = imported;
  const { runId, config, platform } = setup;
  const resources = { memoryMb: config.memoryMb, vCpus: config.vCpus };
  const endMs = new Map<string, number>();
  const remaining = new Map<string, number>();
  for (const [id, task] of workflow.tasks) remaining.set(id, task.upstream.length);
  const order = new Map(workflow.topologicalOrder.map((id, index) => [id, index]));
  const ready = new TinyQueue<{ id: string; atMs: number }>(
    workflow.roots.map((id) => ({ id, atMs: 0 })),
    (a, b) => a.atMs - b.atMs || order.get(a.id)! - order.get(b.id)!,
  );
  const busy = new TinyQueue<{ freeAtMs: number }>([], (a, b) => a.freeAtMs - b.freeAtMs);
  const idle: { freeAtMs: number }[] = [];
  const taskRecords: TaskRecord[] = [];
  const workerRecords: WorkerRecord[] = [];

  for (let next = ready.pop(); next !== undefined; next = ready.pop()) {
    const { id, atMs: invokedAtMs } = next;
    const task = imported.tasks.get(id)!;
    while (busy.length > 0 && busy.peek()!.freeAtMs <= invokedAtMs) idle.push(busy.pop()!);
    let instance = idle.pop();
    if (instance && invokedAtMs - instance.freeAtMs > platform.keepAliveMs) {
      idle.length = 0;
      instance = undefined;
    }
    const start = instance ? 'warm' : 'cold';
    instance ??= { freeAtMs: 0 };
    const startupMs = ms(sampleStartupMs(platform, start, setup.startupRng));
    const readyAtMs = ms(invokedAtMs + startupMs);
    const workerId = `w${workerRecords.length}`;

    let clock = readyAtMs;
    const downloads: TransferRecord[] = [];
    const download = (key: string, sizeBytes: number) => {
      const durationMs = ms(sampleTransferMs(platform, sizeBytes, config, setup.transferRng));
      downloads.push({ key, sizeBytes, startMs: clock, durationMs });
      clock = ms(clock + durationMs);
    };
    if (task.staticInputBytes > 0) download(`static/${id}`, task.staticInputBytes);
    for (const up of task.upstream) download(up, imported.tasks.get(up)!.outputBytes);
    const inputBytes = downloads.reduce((sum, d) => sum + d.sizeBytes, 0);

    const execMs = ms(setup.execMs(id));
    clock = ms(clock + execMs);
    const uploadMs = ms(sampleTransferMs(platform, task.outputBytes, config, setup.transferRng));
    const uploads: TransferRecord[] = [{ key: id, sizeBytes: task.outputBytes, startMs: clock, durationMs: uploadMs }];
    clock = ms(clock + uploadMs);

    instance.freeAtMs = clock;
    busy.push(instance);
    endMs.set(id, clock);
    workerRecords.push({ type: 'worker', runId, workerId, resources, invokedAtMs, readyAtMs, endedAtMs: clock, start, startupMs, purpose: 'tasks' });
    taskRecords.push({
      type: 'task',
      runId,
      taskId: id,
      functionName: task.functionName,
      workerId,
      resources,
      inputBytes,
      outputBytes: task.outputBytes,
      startMs: readyAtMs,
      endMs: clock,
      execMs,
      downloads,
      uploads,
      attempt: 1,
    });
    for (const down of workflow.tasks.get(id)!.downstream) {
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
  workerRecords.sort((a, b) => a.invokedAtMs - b.invokedAtMs || a.workerId.localeCompare(b.workerId));
  return [
    {
      type: 'run',
      schemaVersion: TRACE_SCHEMA_VERSION,
      runId,
      workflow: workflow.name,
      planner: setup.planner,
      sla: 'median',
      platform: setup.platformName,
      seed: setup.seed,
      params: setup.params,
    },
    ...workerRecords,
    ...taskRecords,
    { type: 'run-end', runId, status: 'completed', makespanMs },
  ];
}
