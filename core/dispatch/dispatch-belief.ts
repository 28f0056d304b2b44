import type { Predictions } from '../predictions/index.js';
import type { ResourceConfig } from '../resources.js';
import type { Sla } from '../sla.js';
import type { TaskRecord } from '../trace-records.js';
import type { WaitingInvocation } from './waiting-invocation.js';

/**
 * What a dispatcher believes of one workflow's plan, taken from the planner's own estimate of it (the plan simulated
 * on the prediction engine's values) and the prediction engine's start-ups: the belief, never the truth the world
 * draws. Strategies read it through the predicted fields of a `WaitingInvocation`.
 */
export interface DispatchBelief {
  /** Predicted execution time of each task at its planned resources. */
  readonly execMs: ReadonlyMap<string, number>;
  /** Predicted time from when a task's worker starts handling it to the request's result. */
  readonly remainingFromTaskMs: ReadonlyMap<string, number>;
  /** Sum of every task's predicted execution time. */
  readonly totalWorkMs: number;
  /** The estimated makespan. */
  readonly makespanMs: number;
  /** Predicted start-up of a new worker of `resources`. */
  startupMs(resources: ResourceConfig, start: 'cold' | 'warm'): number;
}

/**
 * The belief from an estimate's task records and makespan (`PlanEstimate` of the planner) and the predictions the
 * plan was made from. A task the estimate ran twice (duplication, a retry) counts at its first start.
 */
export function dispatchBelief(estimate: { readonly makespanMs: number; readonly tasks: readonly TaskRecord[] }, predictions: Predictions, sla: Sla): DispatchBelief {
  const execMs = new Map<string, number>();
  const remainingFromTaskMs = new Map<string, number>();
  let totalWorkMs = 0;
  for (const task of estimate.tasks) {
    const remaining = Math.max(0, estimate.makespanMs - task.startMs);
    if ((remainingFromTaskMs.get(task.taskId) ?? -1) >= remaining) continue;
    if (!execMs.has(task.taskId)) totalWorkMs += task.execMs;
    execMs.set(task.taskId, task.execMs);
    remainingFromTaskMs.set(task.taskId, remaining);
  }
  return { execMs, remainingFromTaskMs, totalWorkMs, makespanMs: estimate.makespanMs, startupMs: (resources, start) => predictions.startupMs(resources, start, sla) };
}

/**
 * The work the plan's estimate finished before any of `taskIds` starts: the completed work of a request whose progress
 * is not observed (the real dispatcher sees invocations, not task completions), by the plan's own schedule.
 */
export function plannedCompletedWorkMs(belief: DispatchBelief, taskIds: readonly string[]): number {
  let firstStartMs = Infinity;
  for (const taskId of taskIds) firstStartMs = Math.min(firstStartMs, belief.makespanMs - (belief.remainingFromTaskMs.get(taskId) ?? belief.makespanMs));
  let doneMs = 0;
  for (const [taskId, execMs] of belief.execMs) {
    const startMs = belief.makespanMs - belief.remainingFromTaskMs.get(taskId)!;
    if (startMs + execMs <= firstStartMs) doneMs += execMs;
  }
  return doneMs;
}

/** Where and when an invocation waits: what the platform knows of it, beside the belief. */
export interface InvocationContext {
  readonly seq: number;
  readonly requestId: string;
  readonly workflow: string;
  readonly taskIds: readonly string[];
  readonly resources: ResourceConfig;
  readonly resourcesKey: string;
  readonly requestArrivalMs: number;
  readonly queuedAtMs: number;
  readonly priorityClass: number;
  readonly slaMs: number;
  /** Predicted execution time of the request's tasks completed so far. */
  readonly completedWorkMs: number;
}

/**
 * The waiting invocation a strategy sees: the context and the belief's predictions for its tasks. Its remaining path
 * is its longest task's remaining time from the estimate plus a cold start-up (an invocation that waits for a slot
 * has not started); its GB-s are its tasks' predicted execution at its memory, plus the start-up.
 */
export function waitingInvocation(belief: DispatchBelief, context: InvocationContext): WaitingInvocation {
  let execMs = 0;
  let remainingMs = 0;
  for (const taskId of context.taskIds) {
    execMs += belief.execMs.get(taskId) ?? 0;
    remainingMs = Math.max(remainingMs, belief.remainingFromTaskMs.get(taskId) ?? 0);
  }
  const coldMs = belief.startupMs(context.resources, 'cold');
  const warmMs = belief.startupMs(context.resources, 'warm');
  const gb = context.resources.memoryMb / 1024;
  return {
    seq: context.seq,
    requestId: context.requestId,
    workflow: context.workflow,
    taskIds: context.taskIds,
    resourcesKey: context.resourcesKey,
    memoryMb: context.resources.memoryMb,
    requestArrivalMs: context.requestArrivalMs,
    queuedAtMs: context.queuedAtMs,
    priorityClass: context.priorityClass,
    deadlineMs: context.requestArrivalMs + context.slaMs,
    predictedExecMs: execMs,
    predictedRemainingPathMs: remainingMs + coldMs,
    predictedRemainingWorkMs: Math.max(0, belief.totalWorkMs - context.completedWorkMs),
    predictedColdGbSeconds: (gb * (execMs + coldMs)) / 1000,
    predictedWarmGbSeconds: (gb * (execMs + warmMs)) / 1000,
  };
}
