/**
 * What a dispatcher knows of an invocation that waits for a concurrency slot. A dispatcher sits between workers'
 * invoke commands and the platform: while the account is saturated it holds invocations and releases them, one per
 * freed slot, in the order its strategy chooses. The record is plain data, so the same strategy orders the
 * simulator's queue and the real runtime's queue in Redis.
 *
 * The predicted fields come from the prediction engine (the belief the plan was made from), never from the truth
 * the simulated world draws: a dispatcher, like a planner, only knows what the history taught it.
 */
export interface WaitingInvocation {
  /** Order in which invocations were queued (unique within one queue, increasing). */
  readonly seq: number;
  /** The request (one workflow instance) the invocation belongs to. */
  readonly requestId: string;
  /** The workflow's name (the load mix's entry). */
  readonly workflow: string;
  /** Tasks the new worker starts with. */
  readonly taskIds: readonly string[];
  /** The deployed function the invocation runs on: memory size and vCPUs, as the platform keys warm environments. */
  readonly resourcesKey: string;
  readonly memoryMb: number;
  /** When the request arrived. */
  readonly requestArrivalMs: number;
  /** When this invocation joined the queue. */
  readonly queuedAtMs: number;
  /** Priority class of the request's workflow: smaller goes first under `priority` (0 when the mix sets none). */
  readonly priorityClass: number;
  /** The request's deadline: its arrival plus its SLA. */
  readonly deadlineMs: number;
  /** Predicted execution time of the invocation's own tasks at its resources. */
  readonly predictedExecMs: number;
  /** Predicted time from this invocation's start to the request's result (the longest predicted path onwards). */
  readonly predictedRemainingPathMs: number;
  /** Predicted execution time of every task of the request not yet completed when the invocation was queued. */
  readonly predictedRemainingWorkMs: number;
  /** Predicted GB-s of the invocation if it started cold (execution and cold start-up at its memory). */
  readonly predictedColdGbSeconds: number;
  /** Predicted GB-s of the invocation if it found a warm environment. */
  readonly predictedWarmGbSeconds: number;
}

/** What a strategy may look at when the queue hands out a slot. */
export interface DispatchView {
  readonly nowMs: number;
  /** Invocations waiting, this one included. */
  readonly waiting: number;
  /** Whether an idle environment of the function `resourcesKey` could serve an invocation warm now. */
  warmAvailable(resourcesKey: string): boolean;
  /** Share of the most recent ended requests that met their SLA, or undefined before any ended. */
  recentSlaAttainment(): number | undefined;
}
