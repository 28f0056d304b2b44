/**
 * Turns recorded runs into the sample sets the prediction engine draws from (thesis §3.3, "Metadata Management").
 *
 * Departures from the reference implementation (OctoFlows `load_metrics_from_storage`):
 * - History is not split per planner. The reference kept only records whose planner matched the current one, so a
 *   new planner started with no history although transfer speeds, start-ups and execution times do not depend on
 *   which planner placed the task.
 * - Upload samples come from upload records. The reference collected no upload speeds and predicted uploads from
 *   download speeds; the engine only falls back to download samples when a workflow has no upload sample at all.
 * - Values are stored as observed (times, output bytes), not as per-byte rates or I/O ratios, because the selection
 *   step needs the raw value to stay monotone in size (see `select.ts`).
 */
import { ConfigError } from '../errors.js';
import type { ResourceConfig } from '../resources.js';
import type { ResourceRecord, TraceRun } from '../trace-records.js';

/** One observed execution of a function: how long it ran on which resources for how many input bytes. */
export interface ExecSample {
  readonly valueMs: number;
  readonly inputBytes: number;
  readonly resources: ResourceConfig;
}

/** One observed output size of a function for a given input size (independent of resources). */
export interface OutputSample {
  readonly outputBytes: number;
  readonly inputBytes: number;
}

/** One observed transfer between a worker and intermediate storage. */
export interface TransferSample {
  readonly durationMs: number;
  readonly sizeBytes: number;
  readonly resources: ResourceConfig;
}

/** One observed worker start-up. */
export interface StartupSample {
  readonly startupMs: number;
  readonly resources: ResourceConfig;
}

/** Whether a worker started from scratch or reused a live instance. */
export type StartKind = 'cold' | 'warm';

/** The per-function history of one workflow. */
export interface FunctionSamples {
  readonly exec: readonly ExecSample[];
  readonly output: readonly OutputSample[];
}

/**
 * Everything the engine predicts from, for one workflow. Function samples are keyed by function name; since a set
 * holds a single workflow, that is the thesis's (workflow, function) key.
 */
export interface SampleSet {
  /** The workflow the samples belong to; undefined only when there were no runs and none was asked for. */
  readonly workflow: string | undefined;
  /** How many runs contributed. */
  readonly runCount: number;
  readonly functions: ReadonlyMap<string, FunctionSamples>;
  readonly downloads: readonly TransferSample[];
  readonly uploads: readonly TransferSample[];
  readonly startups: { readonly cold: readonly StartupSample[]; readonly warm: readonly StartupSample[] };
}

/** Options of `collectSamples`. */
export interface CollectOptions {
  /** Keep only runs of this workflow. Required when the runs hold more than one workflow. */
  readonly workflow?: string;
}

/**
 * Collects the samples of one workflow from recorded runs. Every task record gives an execution and an output-size
 * sample plus one transfer sample per download and upload; every worker record (pre-warm invocations included: they
 * are real start-ups) gives a cold or warm start-up sample. Retried attempts count too: each really ran.
 *
 * Throws `ConfigError` when no workflow is given and the runs hold several, because the thesis keeps each
 * workflow's metrics apart and silently pooling same-named functions of different workflows would mix them.
 */
export function collectSamples(runs: readonly TraceRun[], options: CollectOptions = {}): SampleSet {
  const wanted = options.workflow;
  const selected = wanted === undefined ? runs : runs.filter((run) => run.header.workflow === wanted);
  const workflows = [...new Set(selected.map((run) => run.header.workflow))];
  if (workflows.length > 1) {
    throw new ConfigError(
      `runs hold several workflows (${workflows.map((w) => `'${w}'`).join(', ')}); choose one with the workflow option`,
    );
  }

  const exec = new Map<string, ExecSample[]>();
  const output = new Map<string, OutputSample[]>();
  const downloads: TransferSample[] = [];
  const uploads: TransferSample[] = [];
  const cold: StartupSample[] = [];
  const warm: StartupSample[] = [];

  for (const run of selected) {
    for (const task of run.tasks) {
      const resources = copyResources(task.resources);
      pushTo(exec, task.functionName, { valueMs: task.execMs, inputBytes: task.inputBytes, resources });
      pushTo(output, task.functionName, { outputBytes: task.outputBytes, inputBytes: task.inputBytes });
      for (const t of task.downloads) downloads.push({ durationMs: t.durationMs, sizeBytes: t.sizeBytes, resources });
      for (const t of task.uploads) uploads.push({ durationMs: t.durationMs, sizeBytes: t.sizeBytes, resources });
    }
    for (const worker of run.workers) {
      const sample = { startupMs: worker.startupMs, resources: copyResources(worker.resources) };
      (worker.start === 'cold' ? cold : warm).push(sample);
    }
  }

  const functions = new Map<string, FunctionSamples>();
  for (const name of new Set([...exec.keys(), ...output.keys()])) {
    functions.set(name, { exec: exec.get(name) ?? [], output: output.get(name) ?? [] });
  }
  return {
    workflow: wanted ?? workflows[0],
    runCount: selected.length,
    functions,
    downloads,
    uploads,
    startups: { cold, warm },
  };
}

// A copy so that samples never alias (possibly mutable) parsed trace objects.
function copyResources(record: ResourceRecord): ResourceConfig {
  return { memoryMb: record.memoryMb, vCpus: record.vCpus };
}

function pushTo<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
