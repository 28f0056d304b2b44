import { ConfigError } from '../../core/errors.js';
import { rngFor, type Rng, type Seed } from '../../core/random.js';
import { resourceKey, resources as makeResources, type ResourceConfig } from '../../core/resources.js';
import { TRACE_SCHEMA_VERSION, type TraceRecord } from '../../core/trace-records.js';
import { behaviour, sampleExecMs, type FunctionBehaviour } from '../workloads/behaviour.js';
import { DEFAULT_HISTORY_MEMORY_MB } from '../synthetic/history-generator.js';
import { SYNTHETIC_PLATFORM, type SyntheticPlatform } from '../synthetic/synthetic-platform.js';
import { playSyntheticRun } from '../synthetic/synthetic-run.js';
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
  // Only synthetic runs draw from the behaviour model; the recorded run alone (the default) needs none.
  const behaviours = runs > 1 ? importedBehaviours(imported, noiseCv) : new Map<string, FunctionBehaviour>();

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
      planner: recorded ? RECORDED_RUN_PLANNER : 'synthetic',
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

/**
 * The behaviour model of each task of an imported instance, by task id: its CPU time at one vCPU and parallelism
 * (`to-workflow.ts`), log-normal execution-time noise of coefficient of variation `noiseCv`, and its recorded output
 * size, fixed by the instance's data. What the synthetic runs and the `generator` truth draw from.
 */
export function importedBehaviours(imported: ImportedWorkflow, noiseCv: number = DEFAULT_NOISE_CV): Map<string, FunctionBehaviour> {
  // A log-normal with CV c has sigma = sqrt(ln(1 + c²)).
  const sigma = Math.sqrt(Math.log(1 + noiseCv * noiseCv));
  const behaviours = new Map<string, FunctionBehaviour>();
  for (const task of imported.tasks.values()) {
    behaviours.set(task.id, behaviour({ baseExecMs: task.cpuMsAt1Vcpu, parallelism: task.parallelism, execNoiseSigma: sigma, outputFixedBytes: task.outputBytes }));
  }
  return behaviours;
}

/** The header `planner` of an imported instance's recorded run (the synthetic runs say `synthetic`). */
export const RECORDED_RUN_PLANNER = 'wfcommons-import';

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

/**
 * One run in the shape of `traces/synthetic/history-generator.ts` (`playSyntheticRun`), with this instance's own
 * output sizes and the run's execution times.
 */
function generateRun(imported: ImportedWorkflow, setup: RunSetup): TraceRecord[] {
  return playSyntheticRun(imported.workflow, {
    header: {
      type: 'run',
      schemaVersion: TRACE_SCHEMA_VERSION,
      runId: setup.runId,
      workflow: imported.workflow.name,
      planner: setup.planner,
      sla: 'median',
      platform: setup.platformName,
      seed: setup.seed,
      params: setup.params,
    },
    config: setup.config,
    platform: setup.platform,
    transferRng: setup.transferRng,
    startupRng: setup.startupRng,
    execMs: (taskId) => setup.execMs(taskId),
    outputBytes: (taskId) => imported.tasks.get(taskId)!.outputBytes,
  });
}
