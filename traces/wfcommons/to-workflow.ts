import { WorkflowValidationError } from '../../core/errors.js';
import { LAMBDA_VCPU_RULE, MAX_MEMORY_MB, MIN_MEMORY_MB, resources, type ResourceConfig } from '../../core/resources.js';
import { createWorkflow, type TaskSpec, type Workflow } from '../../core/workflow.js';
import type { WarningLog } from './warnings.js';
import { WfFormatError } from './wfformat-error.js';
import type { WfExecTask, WfInstance } from './wfformat-types.js';

/**
 * Maps a validated WfFormat instance onto octoplan's model (the reasons are in README.md):
 *
 * - edges: parents ∪ children ∪ file producer → consumer;
 * - function name: the task's `category` when present, else its `name` without a Pegasus `_ID<digits>` suffix;
 * - output bytes: the sizes of the task's output files; static input: the sizes of input files no task produces;
 * - execution: `runtimeInSeconds` is the time on the recording machine with `coreCount` cores of which the task kept
 *   `avgCPU / 100` busy. Reference speed: one vCPU runs as fast as one core of the recording machine (or, with
 *   `referenceCoreMhz`, as a core of that speed, scaling by the machine's `speedInMHz`). In the per-vCPU model of
 *   `traces/workloads/behaviour.ts` that is `execMs(v) = cpuMsAt1Vcpu / min(v, parallelism)` with
 *   `parallelism = min(avgCPU / 100, coreCount)` (coreCount when avgCPU is missing) and
 *   `cpuMsAt1Vcpu = runtimeMs × parallelism`, which gives back exactly the recorded runtime on as many vCPUs as the
 *   task kept busy.
 */

/** Parallelism floor: a task measured at 0 % CPU would otherwise need no CPU at all and divide by zero. */
export const MIN_PARALLELISM = 0.01;

/** Options of the mapping. */
export interface ConversionOptions {
  /**
   * Per-core speed (MHz) that one vCPU is taken to have. When set, a runtime recorded on a machine with a declared
   * `speedInMHz` is scaled by speedInMHz / referenceCoreMhz; when unset (default), machine speeds are ignored and one
   * vCPU equals one core of whatever machine ran the task.
   */
  readonly referenceCoreMhz?: number;
}

/** One imported task: the workflow's view plus the measured and modelled figures. */
export interface ImportedTask {
  readonly id: string;
  readonly functionName: string;
  readonly upstream: readonly string[];
  /** Bytes of input files no task produces (workflow inputs), downloaded from storage like any input. */
  readonly staticInputBytes: number;
  /** Σ sizes of the task's output files: its one output object in our model. */
  readonly outputBytes: number;
  /** Σ sizes of the files the task really read (for comparison; the model moves whole upstream outputs). */
  readonly inputFileBytes: number;
  /** The recorded runtime in ms (after machine-speed scaling, when enabled). */
  readonly recordedRuntimeMs: number;
  /** vCPUs the task can keep busy. */
  readonly parallelism: number;
  /** CPU time at one full vCPU. */
  readonly cpuMsAt1Vcpu: number;
  /** Execution time on the reference resources: the imported execution time. */
  readonly execMs: number;
}

/** An imported instance, ready to plan and simulate. */
export interface ImportedWorkflow {
  readonly name: string;
  /** The schema version the file declared. */
  readonly declaredVersion: string;
  readonly workflow: Workflow;
  readonly tasks: ReadonlyMap<string, ImportedTask>;
  /**
   * The resources the recorded run is placed on: the smallest Lambda configuration with as many vCPUs as the busiest
   * task kept busy (at least 1, at most Lambda's 6), so every recorded runtime is reproduced as is.
   */
  readonly referenceResources: ResourceConfig;
  readonly edgeCount: number;
  readonly fileCount: number;
  readonly totalFileBytes: number;
  /** `execution.makespanInSeconds` in ms: metadata only (it includes queueing, it is not the critical path). */
  readonly recordedMakespanMs: number | undefined;
}

// Where an edge was declared; an edge seen by both parents and children is consistent.
const PARENT = 1;
const CHILD = 2;
const FILE = 4;

/**
 * Builds the workflow and per-task figures; errors name the file, task and field, warnings go to `warnings`.
 *
 * Per-task figures live in arrays by the task's position in the specification (`instance.taskIndex` maps ids to
 * positions): on a 10,000-task instance, filling one Map per figure cost more than everything else here but
 * `createWorkflow` (profiled, `experiments/perf/wfcommons-perf.ts`).
 */
export function toImportedWorkflow(instance: WfInstance, file: string, warnings: WarningLog, options: ConversionOptions = {}): ImportedWorkflow {
  const specField = 'workflow.specification.tasks';
  const specTasks = instance.tasks;
  const n = specTasks.length;
  const { taskIndex } = instance;
  // Per consumer: producer -> where the edge was declared (insertion order = upstream order).
  const edges: Map<string, number>[] = Array.from({ length: n }, () => new Map());
  const addEdge = (producer: string, consumer: number, how: number) => {
    const into = edges[consumer]!;
    into.set(producer, (into.get(producer) ?? 0) | how);
  };
  // The field path is built only when an error needs it: building it for every reference of a 10,000-task instance
  // costs more than the check itself.
  const checkRef = (ref: string, task: { id: string; index: number }, list: 'parents' | 'children', i: number, relation: string): number | undefined => {
    if (ref === '') {
      warnings.add('empty-reference', `task '${task.id}' lists an empty ${relation} id`, 'ignored');
      return undefined;
    }
    if (ref === task.id) {
      warnings.add('self-reference', `task '${task.id}' lists itself as its own ${relation}`, 'ignored');
      return undefined;
    }
    const index = taskIndex.get(ref);
    if (index === undefined) {
      throw new WfFormatError(
        file,
        'unknown-task-id',
        `${specField}[${task.index}].${list}[${i}]`,
        `names ${relation} '${ref}', which is no task id in ${specField} (references must use task ids, not names)`,
        task.id,
      );
    }
    return index;
  };

  // File id -> position of the task writing it.
  const producers = new Map<string, number>();
  const outputBytes = new Array<number>(n).fill(0);
  for (let t = 0; t < n; t++) {
    const task = specTasks[t]!;
    const { parents, children, outputFiles } = task;
    for (let i = 0; i < parents.length; i++) {
      if (checkRef(parents[i]!, task, 'parents', i, 'parent') !== undefined) addEdge(parents[i]!, t, PARENT);
    }
    for (let i = 0; i < children.length; i++) {
      const child = checkRef(children[i]!, task, 'children', i, 'child');
      if (child !== undefined) addEdge(task.id, child, CHILD);
    }
    let bytes = 0;
    for (let i = 0; i < outputFiles.length; i++) {
      const f = outputFiles[i]!;
      const size = instance.files.get(f);
      if (size === undefined) throw unknownFile(file, `${specField}[${task.index}].outputFiles[${i}]`, f, task.id);
      const producer = producers.get(f);
      if (producer === t) continue; // listed twice by the same task: one file
      if (producer !== undefined) {
        throw new WfFormatError(
          file,
          'file-produced-twice',
          `${specField}[${task.index}].outputFiles[${i}]`,
          `output file '${f}' is also an output of task '${specTasks[producer]!.id}'; a file must have one producer`,
          task.id,
        );
      }
      producers.set(f, t);
      bytes += size;
    }
    outputBytes[t] = bytes;
  }

  const staticBytes = new Array<number>(n).fill(0);
  const inputFileBytes = new Array<number>(n).fill(0);
  for (let t = 0; t < n; t++) {
    const task = specTasks[t]!;
    const { inputFiles } = task;
    // Most tasks read a few files: a linear scan for repeats beats allocating a Set per task.
    const seen = inputFiles.length > 16 ? new Set<string>() : undefined;
    let statics = 0;
    let read = 0;
    for (let i = 0; i < inputFiles.length; i++) {
      const f = inputFiles[i]!;
      const size = instance.files.get(f);
      if (size === undefined) throw unknownFile(file, `${specField}[${task.index}].inputFiles[${i}]`, f, task.id);
      if (seen ? seen.has(f) : inputFiles.indexOf(f) < i) continue;
      seen?.add(f);
      read += size;
      const producer = producers.get(f);
      if (producer === undefined) statics += size;
      else if (producer === t) {
        warnings.add('file-read-and-written', `task '${task.id}' both reads and writes file '${f}'`, 'no edge; its size counts as output only');
      } else addEdge(specTasks[producer]!.id, t, FILE);
    }
    staticBytes[t] = statics;
    inputFileBytes[t] = read;
  }

  let edgeCount = 0;
  for (let t = 0; t < n; t++) {
    const consumer = specTasks[t]!.id;
    for (const [producer, how] of edges[t]!) {
      edgeCount++;
      const declared = how & (PARENT | CHILD);
      if (declared === PARENT) {
        warnings.add('one-sided-edge', `task '${consumer}' lists '${producer}' as a parent but '${producer}' does not list it as a child`, 'used as an edge');
      } else if (declared === CHILD) {
        warnings.add('one-sided-edge', `task '${producer}' lists '${consumer}' as a child but '${consumer}' does not list it as a parent`, 'used as an edge');
      } else if (declared === 0) {
        warnings.add('file-only-edge', `task '${consumer}' reads a file task '${producer}' writes, but neither lists the other`, 'used as an edge');
      }
    }
  }

  let totalFileBytes = 0;
  for (const [id, size] of instance.files) {
    totalFileBytes += size;
    if (size === 0) warnings.add('zero-byte-file', `file '${id}' has 0 bytes`, 'imported as is (moving it still costs a storage round trip)');
  }

  const timing = taskTimings(instance, warnings, options);
  let maxParallelism = 1;
  for (const t of timing) maxParallelism = Math.max(maxParallelism, t.parallelism);
  const referenceResources = referenceFor(maxParallelism);

  const specs: TaskSpec[] = new Array<TaskSpec>(n);
  for (let t = 0; t < n; t++) {
    const task = specTasks[t]!;
    specs[t] = { id: task.id, functionName: functionNameOf(task.name, task.category), upstream: [...edges[t]!.keys()], staticInputBytes: staticBytes[t]! };
  }
  let workflow: Workflow;
  try {
    workflow = createWorkflow(instance.name, specs);
  } catch (error) {
    if (error instanceof WorkflowValidationError && error.problem === 'cycle') {
      const cycle = [...error.taskIds, error.taskIds[0]].join(' -> ');
      throw new WfFormatError(
        file,
        'cycle',
        `${specField}[${taskIndex.get(error.taskIds[0]!) ?? 0}]`,
        `is on a dependency cycle ${cycle} (edges from parents, children and file producer -> consumer)`,
        error.taskIds[0],
      );
    }
    throw error;
  }

  const tasks = new Map<string, ImportedTask>();
  for (let t = 0; t < n; t++) {
    const spec = specs[t]!;
    const { runtimeMs, parallelism } = timing[t]!;
    tasks.set(spec.id, {
      id: spec.id,
      functionName: spec.functionName,
      upstream: workflow.tasks.get(spec.id)!.upstream,
      staticInputBytes: staticBytes[t]!,
      outputBytes: outputBytes[t]!,
      inputFileBytes: inputFileBytes[t]!,
      recordedRuntimeMs: runtimeMs,
      parallelism,
      cpuMsAt1Vcpu: runtimeMs * parallelism,
      // At the reference every task has at least as many vCPUs as it kept busy, unless it used more than Lambda has.
      execMs: parallelism <= referenceResources.vCpus ? runtimeMs : (runtimeMs * parallelism) / referenceResources.vCpus,
    });
  }
  const makespanS = instance.execution?.makespanInSeconds;
  return {
    name: instance.name,
    declaredVersion: instance.declaredVersion,
    workflow,
    tasks,
    referenceResources,
    edgeCount,
    fileCount: instance.files.size,
    totalFileBytes,
    recordedMakespanMs: makespanS === undefined || Number.isNaN(makespanS) ? undefined : makespanS * 1000,
  };
}

/**
 * The function (metrics key) of a task. WfCommons' `category` when given; else the `name`, minus the `_ID0000042`
 * suffix Pegasus-derived instances put on every name, because a function name unique to each task would give the
 * prediction engine one sample per function.
 */
export function functionNameOf(name: string, category?: string): string {
  if (category !== undefined && category !== '') return category;
  const stripped = name.replace(/_ID\d+$/, '');
  return stripped === '' ? name : stripped;
}

/** Longest path through the workflow with per-task times `execMs`: its length and its tasks, root first. */
export function criticalPath(workflow: Workflow, execMs: (taskId: string) => number): { lengthMs: number; path: string[] } {
  const finish = new Map<string, number>();
  const via = new Map<string, string | undefined>();
  let last: string | undefined;
  for (const id of workflow.topologicalOrder) {
    let start = 0;
    let from: string | undefined;
    for (const up of workflow.tasks.get(id)!.upstream) {
      const f = finish.get(up)!;
      if (from === undefined || f > start) {
        start = f;
        from = up;
      }
    }
    const end = start + execMs(id);
    finish.set(id, end);
    via.set(id, from);
    if (last === undefined || end > finish.get(last)!) last = id;
  }
  const path: string[] = [];
  for (let id = last; id !== undefined; id = via.get(id)) path.push(id);
  return { lengthMs: last === undefined ? 0 : finish.get(last)!, path: path.reverse() };
}

interface Timing {
  readonly runtimeMs: number;
  readonly parallelism: number;
}

/** Runtime and parallelism of each task, by its position in the specification. */
function taskTimings(instance: WfInstance, warnings: WarningLog, options: ConversionOptions): Timing[] {
  const execution = instance.execution;
  if (!execution) {
    warnings.add('no-execution', 'the file has no workflow.execution section', 'every task runs 0 ms; the DAG and file sizes are still imported');
  }
  const timings = new Array<Timing>(instance.tasks.length);
  for (let t = 0; t < instance.tasks.length; t++) {
    const task = instance.tasks[t]!;
    const measured = execution?.tasksByIndex[t];
    if (!measured) {
      if (execution) warnings.add('missing-execution-entry', `task '${task.id}' has no entry in workflow.execution.tasks`, 'it runs 0 ms');
      timings[t] = { runtimeMs: 0, parallelism: 1 };
      continue;
    }
    if (measured.runtimeInSeconds === 0) {
      warnings.add('zero-runtime', `task '${task.id}' has runtimeInSeconds 0`, 'kept as 0 ms (sub-second runtimes are often rounded down)');
    }
    const parallelism = parallelismOf(measured, warnings);
    const speedFactor = options.referenceCoreMhz === undefined ? 1 : speedFactorOf(measured, instance, options.referenceCoreMhz, warnings);
    timings[t] = { runtimeMs: measured.runtimeInSeconds * 1000 * speedFactor, parallelism };
  }
  return timings;
}

/** avgCPU / 100 capped by coreCount; coreCount (default 1) when avgCPU is missing. */
function parallelismOf(measured: WfExecTask, warnings: WarningLog): number {
  const cores = measured.coreCount ?? 1;
  let parallelism = cores;
  if (measured.avgCPU !== undefined) {
    parallelism = measured.avgCPU / 100;
    if (parallelism > cores) {
      warnings.add('avgcpu-above-cores', `task '${measured.id}' has avgCPU ${measured.avgCPU} % on ${cores} core(s)`, `capped at ${cores * 100} %`);
      parallelism = cores;
    }
    parallelism = Math.max(MIN_PARALLELISM, parallelism);
  }
  if (parallelism > LAMBDA_VCPU_RULE.maxVcpus) {
    warnings.add(
      'parallelism-above-lambda',
      `task '${measured.id}' kept ${parallelism} cores busy`,
      `a Lambda worker has at most ${LAMBDA_VCPU_RULE.maxVcpus} vCPUs, so its imported execution time is longer than the recorded one`,
    );
  }
  return parallelism;
}

function speedFactorOf(measured: WfExecTask, instance: WfInstance, referenceCoreMhz: number, warnings: WarningLog): number {
  const name = measured.machines[0];
  if (name === undefined) {
    warnings.add('machine-without-speed', `task '${measured.id}' names no machine`, 'its runtime is not scaled');
    return 1;
  }
  const machine = instance.execution!.machines.get(name);
  if (!machine) {
    warnings.add('unknown-machine', `task '${measured.id}' ran on machine '${name}', which workflow.execution.machines does not declare`, 'its runtime is not scaled');
    return 1;
  }
  if (machine.speedInMHz === undefined) {
    warnings.add('machine-without-speed', `machine '${name}' (task '${measured.id}') declares no cpu.speedInMHz`, 'its runtime is not scaled');
    return 1;
  }
  return machine.speedInMHz / referenceCoreMhz;
}

/** The smallest Lambda configuration with at least `parallelism` vCPUs (1 to 6), vCPUs rounded up to 3 decimals. */
function referenceFor(parallelism: number): ResourceConfig {
  const vCpus = Math.min(LAMBDA_VCPU_RULE.maxVcpus, Math.max(1, Math.ceil(parallelism * 1000) / 1000));
  const memoryMb = Math.min(MAX_MEMORY_MB, Math.max(MIN_MEMORY_MB, Math.ceil(vCpus * LAMBDA_VCPU_RULE.mbPerVcpu)));
  return resources(memoryMb, vCpus);
}

function unknownFile(file: string, field: string, fileId: string, taskId: string): WfFormatError {
  return new WfFormatError(file, 'unknown-file', field, `file '${fileId}' is not declared in workflow.specification.files (its size is unknown)`, taskId);
}
