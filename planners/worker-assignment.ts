import { median } from 'simple-statistics';
import type { TaskPlan } from '../core/plan.js';
import { predictTaskSizes, type Predictions } from '../core/predictions/index.js';
import type { ResourceConfig } from '../core/resources.js';
import type { Sla } from '../core/sla.js';
import type { Workflow } from '../core/workflow.js';

/** Options of `assignWorkers`. */
export interface WorkerAssignmentOptions {
  /**
   * Most tasks of one fan-out placed together (the reference's `MAX_FAN_OUT_SIZE_W_SAME_WORKER`, which the issue calls
   * MAX_CLUSTERING): default 3.
   */
  readonly maxClustering?: number;
  /**
   * Most tasks on one worker (default: no limit, the thesis's rule). Off by default because Algorithm 3 as written has
   * none; on DAGs where many tasks share their upstream tasks (1000Genome) it piles them onto one worker, which then
   * runs them one after another. See "Per-worker limits" below and planners/README.md.
   */
  readonly maxTasksPerWorker?: number;
  /**
   * Most predicted execution time on one worker (ms, summed over its tasks, at the assignment's config); default none.
   * `'critical-path'`: the longest path of predicted execution times through the DAG, the makespan's lower bound, so
   * no worker's own queue is longer than the best the DAG allows.
   */
  readonly maxBusyMsPerWorker?: number | 'critical-path';
}

/** Default `maxClustering`, the reference's final value. */
export const DEFAULT_MAX_CLUSTERING = 3;

/**
 * Worker-id assignment, the thesis's Algorithm 3. In topological order, each unassigned task is placed by its shape:
 * - a root: all unassigned roots form one group with no upstream worker;
 * - one upstream with one downstream (1→1): the upstream's worker;
 * - one upstream with several downstreams (1→N): the unassigned siblings form a group with the upstream's worker;
 * - several upstreams (N→1): the upstream worker whose tasks send it the most predicted bytes.
 * A group (`assignGroup`) splits tasks at the median predicted execution time: up to `maxClustering` short tasks with
 * the largest outputs stay on the upstream worker, then each long task gets a new worker with up to
 * `maxClustering − 1` short ones, leftover shorts go `maxClustering` per new worker, leftover longs
 * ⌊maxClustering/2⌋ (at least 1) per new worker.
 *
 * Predictions use `config` (every task the same resources while assigning). Worker ids are `w0`, `w1`, ... in order
 * of creation, so planning is deterministic (the reference used random uuids). Ties at N→1 go to the upstream listed
 * first, the reference's dict order.
 *
 * Per-worker limits (`maxTasksPerWorker`, `maxBusyMsPerWorker`; none by default, which is the thesis's rule exactly):
 * a task the rules above would place on a worker that is full goes to that worker's *continuation*, a new worker
 * created the first time it overflows, which takes the overflow until it is full in turn (and so on). At N→1 the
 * upstream workers with room are preferred, by bytes as above; only when none has room does the task follow the
 * best one's continuation. A worker always takes its first task, so a single task longer than `maxBusyMsPerWorker`
 * still gets a worker. The limits apply to every placement, group members on new workers included.
 */
export function assignWorkers(
  workflow: Workflow,
  predictions: Predictions,
  sla: Sla,
  config: ResourceConfig,
  options: WorkerAssignmentOptions = {},
): Map<string, string> {
  const maxClustering = options.maxClustering ?? DEFAULT_MAX_CLUSTERING;
  if (!Number.isInteger(maxClustering) || maxClustering < 1) throw new RangeError(`maxClustering must be a positive integer, got ${maxClustering}`);
  const maxTasks = options.maxTasksPerWorker ?? Infinity;
  if (!(maxTasks === Infinity || (Number.isInteger(maxTasks) && maxTasks >= 1))) {
    throw new RangeError(`maxTasksPerWorker must be a positive integer, got ${maxTasks}`);
  }
  const busyOption = options.maxBusyMsPerWorker ?? Infinity;
  if (busyOption !== 'critical-path' && !(busyOption > 0)) {
    throw new RangeError(`maxBusyMsPerWorker must be a positive number or 'critical-path', got ${busyOption}`);
  }
  const sizes = predictTaskSizes(workflow, predictions, sla);
  const execCache = new Map<string, number>();
  const execMs = (id: string) => {
    let ms = execCache.get(id);
    if (ms === undefined) {
      ms = predictions.execMs(workflow.tasks.get(id)!.functionName, sizes.get(id)!.inputBytes, config, sla);
      execCache.set(id, ms);
    }
    return ms;
  };
  const outputBytes = (id: string) => sizes.get(id)!.outputBytes;
  const maxBusyMs = busyOption === 'critical-path' ? criticalPathMs(workflow, execMs) : busyOption;
  const limited = maxTasks !== Infinity || maxBusyMs !== Infinity;

  const workerOf = new Map<string, string>();
  let nextWorker = 0;
  const newWorker = () => `w${nextWorker++}`;
  // Load and overflow chain per worker, used only with a limit.
  const taskCount = new Map<string, number>();
  const busyMs = new Map<string, number>();
  const continuation = new Map<string, string>();
  const hasRoom = (worker: string, task: string) => {
    const count = taskCount.get(worker) ?? 0;
    return count === 0 || (count + 1 <= maxTasks && (busyMs.get(worker) ?? 0) + execMs(task) <= maxBusyMs);
  };
  const place = (task: string, worker: string) => {
    let w = worker;
    if (limited) {
      while (!hasRoom(w, task)) {
        let next = continuation.get(w);
        if (next === undefined) {
          next = newWorker();
          continuation.set(w, next);
        }
        w = next;
      }
      taskCount.set(w, (taskCount.get(w) ?? 0) + 1);
      busyMs.set(w, (busyMs.get(w) ?? 0) + execMs(task));
    }
    workerOf.set(task, w);
  };
  const assign = (tasks: readonly string[], worker: string) => {
    for (const t of tasks) place(t, worker);
  };

  const assignGroup = (upstreamWorker: string | null, tasks: readonly string[]) => {
    if (tasks.length === 0) return;
    const times = new Map(tasks.map((t) => [t, execMs(t)]));
    const mid = median([...times.values()]);
    const longs = tasks.filter((t) => times.get(t)! > mid);
    // Stable sort: equal outputs keep topological order.
    let shorts = tasks.filter((t) => times.get(t)! <= mid).sort((a, b) => outputBytes(b) - outputBytes(a));
    if (upstreamWorker !== null && shorts.length > 0) {
      assign(shorts.slice(0, maxClustering), upstreamWorker);
      shorts = shorts.slice(maxClustering);
    }
    let l = 0;
    while (l < longs.length && shorts.length > 0) {
      assign([longs[l++]!, ...shorts.slice(0, maxClustering - 1)], newWorker());
      shorts = shorts.slice(maxClustering - 1);
    }
    while (shorts.length > 0) {
      assign(shorts.slice(0, maxClustering), newWorker());
      shorts = shorts.slice(maxClustering);
    }
    const half = Math.max(1, Math.floor(maxClustering / 2));
    while (l < longs.length) {
      assign(longs.slice(l, l + half), newWorker());
      l += half;
    }
  };

  for (const id of workflow.topologicalOrder) {
    if (workerOf.has(id)) continue;
    const task = workflow.tasks.get(id)!;
    if (task.upstream.length === 0) {
      assignGroup(null, workflow.roots.filter((r) => !workerOf.has(r)));
    } else if (task.upstream.length === 1) {
      const up = workflow.tasks.get(task.upstream[0]!)!;
      const upWorker = workerOf.get(up.id)!;
      if (up.downstream.length === 1) assign([id], upWorker);
      else assignGroup(upWorker, up.downstream.filter((d) => !workerOf.has(d)));
    } else {
      const bytesByWorker = new Map<string, number>();
      for (const up of task.upstream) {
        const w = workerOf.get(up)!;
        bytesByWorker.set(w, (bytesByWorker.get(w) ?? 0) + outputBytes(up));
      }
      let best: string | undefined;
      for (const [w, bytes] of bytesByWorker) if (best === undefined || bytes > bytesByWorker.get(best)!) best = w;
      if (limited && !hasRoom(best!, id)) {
        // The upstream worker with the most bytes among those with room, if any; else best's continuation.
        let roomy: string | undefined;
        for (const [w, bytes] of bytesByWorker) if (hasRoom(w, id) && (roomy === undefined || bytes > bytesByWorker.get(roomy)!)) roomy = w;
        if (roomy !== undefined) best = roomy;
      }
      assign([id], best!);
    }
  }
  return workerOf;
}

/** Longest path through the DAG with each task weighted by `execMs` (transfers and start-ups not counted). */
export function criticalPathMs(workflow: Workflow, execMs: (taskId: string) => number): number {
  const finish = new Map<string, number>();
  let longest = 0;
  for (const id of workflow.topologicalOrder) {
    let start = 0;
    for (const up of workflow.tasks.get(id)!.upstream) start = Math.max(start, finish.get(up)!);
    const end = start + execMs(id);
    finish.set(id, end);
    longest = Math.max(longest, end);
  }
  return longest;
}

/** Task plans from a worker assignment and one resource configuration per worker. */
export function fixedTaskPlans(
  workflow: Workflow,
  workerOf: ReadonlyMap<string, string>,
  resourcesOf: (workerId: string) => ResourceConfig,
): Map<string, TaskPlan> {
  const tasks = new Map<string, TaskPlan>();
  for (const task of workflow.tasks.values()) {
    const workerId = workerOf.get(task.id)!;
    tasks.set(task.id, { workerId, resources: resourcesOf(workerId), optimizations: task.optimizations });
  }
  return tasks;
}
