import type { ResourceConfig } from '../resources.js';
import { AWAITED_COMMAND_KINDS, type Command } from './commands.js';
import type { WorkerData } from './worker-state.js';

/**
 * The commands one step produces, in three groups so the order is predictable: bookkeeping (uploads, publishes,
 * counters) as it happens, then invocations (one per fixed worker per step, so tasks unlocked together travel in
 * one invocation as in the reference), then the start of local work.
 */
export interface Outbox {
  readonly commands: Command[];
  readonly invokes: { workerId: string | null; resources: ResourceConfig; taskIds: string[] }[];
  /** Tasks to start here at the end of the step. */
  readonly ready: { taskId: string; duplicate: boolean }[];
}

export function newOutbox(): Outbox {
  return { commands: [], invokes: [], ready: [] };
}

/** Issues a command, counting the ones whose answer the worker waits for. */
export function emit(w: WorkerData, out: Outbox, command: Command): void {
  if (AWAITED_COMMAND_KINDS.has(command.kind)) w.awaiting++;
  out.commands.push(command);
}

/** Invokes fixed worker `workerId` for `taskId`, merged with other tasks for it in this step. */
export function queueFixedInvoke(out: Outbox, workerId: string, resources: ResourceConfig, taskId: string): void {
  // A step invokes few workers, so a scan beats allocating an index per step.
  const existing = out.invokes.find((i) => i.workerId === workerId);
  if (existing) existing.taskIds.push(taskId);
  else out.invokes.push({ workerId, resources, taskIds: [taskId] });
}

/** Invokes a new flexible worker for `taskId`. */
export function queueFlexibleInvoke(out: Outbox, resources: ResourceConfig, taskId: string): void {
  out.invokes.push({ workerId: null, resources, taskIds: [taskId] });
}
