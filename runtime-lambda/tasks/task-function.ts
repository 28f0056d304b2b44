/** What a task's code receives: its id, its upstream outputs in upstream order, and its static input if any. */
export interface TaskCall {
  readonly taskId: string;
  readonly inputs: readonly Buffer[];
  readonly staticInput: Buffer | undefined;
}

/** A task's real code: bytes in, bytes out, deterministic (a duplicate's output equals the original's). */
export type TaskFunction = (call: TaskCall) => Buffer;

/**
 * The runtime side of a built-in workload: real code for each of its functions and a seeded generator of its static
 * inputs. The parameters it runs with are the workload's own instances (`traces/workloads`, `instances`).
 */
export interface RuntimeWorkload {
  /** The workload's name (`traces/workloads`), also the workflow name. */
  readonly name: string;
  readonly functions: Readonly<Record<string, TaskFunction>>;
  /**
   * Static inputs for every task that takes one, keyed by task id, generated from `seed` for the workload built
   * with `params`.
   */
  staticInputs(params: Readonly<Record<string, number>>, seed: number | string): Map<string, Buffer>;
}

/** Checks the number of inputs a task got; the error names the task. */
export function expectInputs(call: TaskCall, count: number | 'at-least-one'): void {
  const ok = count === 'at-least-one' ? call.inputs.length >= 1 : call.inputs.length === count;
  if (!ok) throw new Error(`task '${call.taskId}': expected ${count === 'at-least-one' ? 'at least one input' : `${count} input(s)`}, got ${call.inputs.length}`);
}

/** The static input of a task that needs one; the error names the task. */
export function requireStatic(call: TaskCall): Buffer {
  if (call.staticInput === undefined) throw new Error(`task '${call.taskId}': its static input is missing`);
  return call.staticInput;
}
