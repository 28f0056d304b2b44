import { ConfigError } from '../errors.js';
import {
  findOptimization,
  type Optimization,
  type PreWarmOptimization,
  type TaskDupOptimization,
} from '../optimizations.js';
import { validatePlan, type Plan } from '../plan.js';
import type { ResourceConfig } from '../resources.js';
import type { Workflow } from '../workflow.js';

/** Run-wide knobs of the scheduler core. */
export interface SchedulerParams {
  /**
   * With clustering on, an output larger than this (strictly, as the reference compares) takes WUKONG's large-output
   * path. The reference's WUKONG-opt configuration uses 5 MiB; WUKONG's own code defaults to 200 MB.
   */
  readonly largeOutputThresholdBytes: number;
  /** WUKONG task clustering: a large output's ready flexible children run on the worker that holds it. */
  readonly clustering: boolean;
  /** WUKONG delayed I/O: a large output's unready flexible children wait (re-checked when idle) before it is uploaded. */
  readonly delayedIo: boolean;
  /** A task is duplicated only if the predicted saving exceeds this (reference: 150 ms); a task's `minSavedMs` wins. */
  readonly taskDupMinSavedMs: number;
}

/** 5 MiB, the reference's `large_output_b` for WUKONG-opt. */
export const DEFAULT_LARGE_OUTPUT_THRESHOLD_BYTES = 5 * 1024 * 1024;

/** Defaults: plain WUKONG / OctoFlows scheduling; clustering and delayed I/O are opt-in as in the reference. */
export const DEFAULT_SCHEDULER_PARAMS: SchedulerParams = {
  largeOutputThresholdBytes: DEFAULT_LARGE_OUTPUT_THRESHOLD_BYTES,
  clustering: false,
  delayedIo: false,
  taskDupMinSavedMs: 150,
};

/** The reference's WUKONG-opt: clustering and delayed I/O on, 5 MiB threshold. */
export const WUKONG_OPT_PARAMS: SchedulerParams = { ...DEFAULT_SCHEDULER_PARAMS, clustering: true, delayedIo: true };

/** Everything the core needs to know about one task, precomputed once per run. */
export interface TaskInfo {
  readonly id: string;
  readonly upstream: readonly string[];
  readonly downstream: readonly string[];
  readonly staticInputBytes: number;
  /** The planned fixed worker, or null for a flexible task. */
  readonly workerId: string | null;
  readonly resources: ResourceConfig;
  /**
   * Whether readiness is counted in a shared dependency counter: the task has several upstream tasks and not all of
   * them run on its own fixed worker. Otherwise the worker that completes the only (or last local) upstream knows.
   */
  readonly usesCounter: boolean;
  /** Fixed task with no upstream task on its own worker: it can be the task that starts the worker. */
  readonly entry: boolean;
  readonly preLoad: boolean;
  readonly preWarm: PreWarmOptimization | undefined;
  readonly taskDup: TaskDupOptimization | undefined;
  /** Fixed task: its upstream tasks on other workers that carry task-dup, which its worker may run itself. */
  readonly dupCandidates: readonly string[];
}

/** What the core knows about one planned fixed worker. */
export interface FixedWorkerInfo {
  readonly id: string;
  readonly resources: ResourceConfig;
  /** Its tasks in topological order. */
  readonly tasks: readonly string[];
  /** Owns a root task: the client starts it, so nobody else ever invokes it. */
  readonly ownsRoot: boolean;
  /** How many of its tasks are entry tasks; with one, the completion that unlocks it is the only one to invoke it. */
  readonly entryCount: number;
  /** Its tasks with an upstream task elsewhere: it subscribes to their TASK_READY. */
  readonly readySubscriptions: readonly string[];
  /** Tasks whose TASK_COMPLETED it follows, for pre-load and task-dup. */
  readonly completedSubscriptions: readonly string[];
  /** For task-dup: an output becoming available -> the owned tasks whose duplication it may enable. */
  readonly dupTriggers: ReadonlyMap<string, readonly string[]>;
}

/** The immutable, shared context of every worker of one run. */
export interface SchedulerContext {
  readonly workflow: Workflow;
  readonly plan: Plan;
  readonly params: SchedulerParams;
  readonly tasks: ReadonlyMap<string, TaskInfo>;
  readonly fixedWorkers: ReadonlyMap<string, FixedWorkerInfo>;
  readonly sinks: readonly string[];
  /** Tasks some fixed worker may duplicate: their originals must finish before intermediates are deleted. */
  readonly dupOriginals: ReadonlySet<string>;
}

/**
 * Validates the plan against the workflow and precomputes the per-task and per-worker facts the core uses, in
 * O(tasks + edges). Throws `PlanValidationError` or `ConfigError`.
 */
export function createSchedulerContext(
  workflow: Workflow,
  plan: Plan,
  params: Partial<SchedulerParams> = {},
): SchedulerContext {
  validatePlan(workflow, plan);
  const resolved = { ...DEFAULT_SCHEDULER_PARAMS, ...plan.schedulerParams, ...params };
  checkParams(resolved);

  const workerOf = (id: string): string | null => plan.tasks.get(id)!.workerId;
  const optimizationsOf = (id: string): [readonly Optimization[], readonly Optimization[]] => [
    plan.tasks.get(id)!.optimizations,
    workflow.tasks.get(id)!.optimizations,
  ];
  // A plan's optimizations win; the ones a user forces on a task apply even if the planner dropped them.
  const find = <K extends 'pre-load' | 'pre-warm' | 'task-dup'>(id: string, kind: K) => {
    const [planned, forced] = optimizationsOf(id);
    return findOptimization(planned, kind) ?? findOptimization(forced, kind);
  };

  const tasks = new Map<string, TaskInfo>();
  for (const id of workflow.topologicalOrder) {
    const task = workflow.tasks.get(id)!;
    const entry = plan.tasks.get(id)!;
    const workerId = entry.workerId;
    const allLocal = workerId !== null && task.upstream.every((u) => workerOf(u) === workerId);
    tasks.set(id, {
      id,
      upstream: task.upstream,
      downstream: task.downstream,
      staticInputBytes: task.staticInputBytes,
      workerId,
      resources: entry.resources,
      usesCounter: task.upstream.length >= 2 && !allLocal,
      entry: workerId !== null && task.upstream.every((u) => workerOf(u) !== workerId),
      preLoad: find(id, 'pre-load') !== undefined,
      preWarm: find(id, 'pre-warm'),
      taskDup: find(id, 'task-dup'),
      dupCandidates:
        workerId === null ? [] : task.upstream.filter((u) => workerOf(u) !== workerId && find(u, 'task-dup') !== undefined),
    });
  }
  const dupOriginals = new Set<string>();
  for (const info of tasks.values()) for (const candidate of info.dupCandidates) dupOriginals.add(candidate);
  return {
    workflow,
    plan,
    params: resolved,
    tasks,
    fixedWorkers: fixedWorkerInfos(workflow, tasks),
    sinks: workflow.sinks,
    dupOriginals,
  };
}

function fixedWorkerInfos(workflow: Workflow, tasks: ReadonlyMap<string, TaskInfo>): Map<string, FixedWorkerInfo> {
  const byWorker = new Map<string, TaskInfo[]>();
  for (const id of workflow.topologicalOrder) {
    const info = tasks.get(id)!;
    if (info.workerId === null) continue;
    let list = byWorker.get(info.workerId);
    if (!list) byWorker.set(info.workerId, (list = []));
    list.push(info);
  }
  const result = new Map<string, FixedWorkerInfo>();
  for (const [workerId, owned] of byWorker) {
    const remote = (id: string) => tasks.get(id)!.workerId !== workerId;
    const completed = new Set<string>();
    const dupTriggers = new Map<string, string[]>();
    const addTrigger = (outputId: string, dependent: string) => {
      const list = dupTriggers.get(outputId);
      if (!list) dupTriggers.set(outputId, [dependent]);
      else if (list[list.length - 1] !== dependent) list.push(dependent);
    };
    for (const info of owned) {
      if (info.preLoad) for (const u of info.upstream) if (remote(u)) completed.add(u);
      if (info.dupCandidates.length === 0) continue;
      // To duplicate, the worker must know when the candidate finishes, when the candidate's inputs exist, and when
      // the dependent's other inputs exist (so it can run the dependent on the duplicate's output).
      const watched = [...info.upstream, ...info.dupCandidates.flatMap((c) => tasks.get(c)!.upstream)];
      for (const u of watched) {
        if (remote(u)) completed.add(u);
        addTrigger(u, info.id);
      }
    }
    result.set(workerId, {
      id: workerId,
      resources: owned[0]!.resources,
      tasks: owned.map((t) => t.id),
      ownsRoot: owned.some((t) => t.upstream.length === 0),
      entryCount: owned.filter((t) => t.entry).length,
      readySubscriptions: owned.filter((t) => t.upstream.some(remote)).map((t) => t.id),
      completedSubscriptions: [...completed],
      dupTriggers,
    });
  }
  return result;
}

function checkParams(params: SchedulerParams): void {
  if (!(Number.isFinite(params.largeOutputThresholdBytes) && params.largeOutputThresholdBytes >= 0)) {
    throw new ConfigError(`largeOutputThresholdBytes must be a non-negative number, got ${params.largeOutputThresholdBytes}`);
  }
  if (!(Number.isFinite(params.taskDupMinSavedMs) && params.taskDupMinSavedMs >= 0)) {
    throw new ConfigError(`taskDupMinSavedMs must be a non-negative number, got ${params.taskDupMinSavedMs}`);
  }
}
