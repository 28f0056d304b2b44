import type { ResourceConfig } from '../core/resources.js';
import type { Workflow } from '../core/workflow.js';
import { gbSeconds } from './billing.js';
import type { DurationSource } from './duration-sources.js';

/**
 * What no plan can beat on one truth draw. Both bounds take a task's execution time from the truth itself, so they
 * hold for every plan graded on that draw: the simulator only ever stretches a task's time alone (CPU sharing, a busy
 * thread), never shortens it, and start-ups and transfers only add.
 */

/**
 * Each task's input bytes under the truth: its static input plus the true output of each upstream task, in
 * topological order (outputs do not depend on resources, so one pass gives every task's input).
 */
export function trueInputBytes(workflow: Workflow, truth: DurationSource): Map<string, number> {
  const inputBytes = new Map<string, number>();
  const outputBytes = new Map<string, number>();
  for (const id of workflow.topologicalOrder) {
    const task = workflow.tasks.get(id)!;
    let bytes = task.staticInputBytes;
    for (const up of task.upstream) bytes += outputBytes.get(up)!;
    inputBytes.set(id, bytes);
    outputBytes.set(id, truth.outputBytes({ taskId: id, functionName: task.functionName }, bytes));
  }
  return inputBytes;
}

/** The longest path through the DAG where task `id` takes `execMsOf(id)` and nothing else takes time. */
export function criticalPathMs(workflow: Workflow, execMsOf: (taskId: string) => number): number {
  const finishMs = new Map<string, number>();
  let longest = 0;
  for (const id of workflow.topologicalOrder) {
    let startMs = 0;
    for (const up of workflow.tasks.get(id)!.upstream) startMs = Math.max(startMs, finishMs.get(up)!);
    const end = startMs + execMsOf(id);
    finishMs.set(id, end);
    longest = Math.max(longest, end);
  }
  return longest;
}

/** Lower bounds of one truth draw for a plan that may use `offered` resources. */
export interface TruthLowerBounds {
  /** Critical path of the true execution times at the strongest offered resources, start-ups and transfers free. */
  readonly makespanMs: number;
  /** Σ over tasks of the least GB-s any offered configuration needs to execute it (no start-up, no idle time). */
  readonly gbSeconds: number;
}

/**
 * The makespan and GB-s bounds of a truth draw. "Strongest" is the configuration with the shortest true time for the
 * task (more vCPUs never slow a task in the models used here, but the bound does not rely on it).
 * @param offered at least one resource configuration
 */
export function truthLowerBounds(workflow: Workflow, truth: DurationSource, offered: readonly ResourceConfig[]): TruthLowerBounds {
  if (offered.length === 0) throw new RangeError('lower bounds need at least one offered resource configuration');
  const inputBytes = trueInputBytes(workflow, truth);
  const fastestMs = new Map<string, number>();
  let work = 0;
  for (const [id, task] of workflow.tasks) {
    const ref = { taskId: id, functionName: task.functionName };
    let fastest = Number.POSITIVE_INFINITY;
    let cheapest = Number.POSITIVE_INFINITY;
    for (const config of offered) {
      const execMs = truth.execMs(ref, inputBytes.get(id)!, config);
      fastest = Math.min(fastest, execMs);
      cheapest = Math.min(cheapest, gbSeconds(config.memoryMb, execMs));
    }
    fastestMs.set(id, fastest);
    work += cheapest;
  }
  return { makespanMs: criticalPathMs(workflow, (id) => fastestMs.get(id)!), gbSeconds: work };
}
