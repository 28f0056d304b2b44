import { WorkflowValidationError } from './errors.js';
import type { Optimization } from './optimizations.js';
import { createWorkflow, type TaskSpec, type Workflow } from './workflow.js';

/**
 * A reference to a declared task, returned by calling a task function. Passing it to another task function makes
 * that task depend on this one (the thesis's Listing 3.1).
 */
export interface TaskHandle {
  readonly taskId: string;
  readonly functionName: string;
  /** Identifies the builder that made the handle, so handles cannot leak between workflows. */
  readonly builderId: symbol;
}

/** What a task function takes: task handles, or arrays of them (a fan-in over a list). */
export type TaskArgument = TaskHandle | readonly TaskHandle[];

/** Per-call options: an explicit id, input that comes with the workflow, forced optimizations. */
export interface TaskOptions {
  readonly id?: string;
  readonly staticInputBytes?: number;
  readonly optimizations?: readonly Optimization[];
}

/** A declared function: call it to add a task; `.with(options)` sets options for the next tasks it adds. */
export interface TaskFunction {
  (...args: TaskArgument[]): TaskHandle;
  readonly functionName: string;
  with(options: TaskOptions): TaskFunction;
}

/** Composes a workflow by calling task functions, then validates it with `build()`. */
export interface WorkflowBuilder {
  readonly name: string;
  /** Declares a function; tasks it adds get ids `<functionName>-<n>` unless an id is given. */
  fn(functionName: string, defaults?: TaskOptions): TaskFunction;
  /** Validates and returns the workflow (see `createWorkflow` for the checks). */
  build(): Workflow;
}

/**
 * Starts a workflow definition:
 * ```ts
 * const wf = workflowBuilder('simpledag');
 * const taskA = wf.fn('task_a');
 * const taskB = wf.fn('task_b');
 * const a1 = taskA();
 * const b1 = taskB(taskA(a1), taskA(a1));
 * taskA(b1);
 * const workflow = wf.build();
 * ```
 */
export function workflowBuilder(name: string): WorkflowBuilder {
  const builderId = Symbol(name);
  const specs: TaskSpec[] = [];
  const counters = new Map<string, number>();

  const makeFunction = (functionName: string, options: TaskOptions): TaskFunction => {
    const call = (...args: TaskArgument[]): TaskHandle => {
      const upstream: string[] = [];
      for (const arg of args.flat()) {
        if (typeof arg !== 'object' || arg === null || (arg as TaskHandle).builderId !== builderId) {
          throw new WorkflowValidationError(
            name,
            'invalid-field',
            `an argument of a '${functionName}' task is not a task handle of this workflow`,
          );
        }
        upstream.push(arg.taskId);
      }
      const n = counters.get(functionName) ?? 0;
      counters.set(functionName, n + 1);
      const id = options.id ?? `${functionName}-${n}`;
      specs.push({
        id,
        functionName,
        upstream,
        ...(options.staticInputBytes !== undefined ? { staticInputBytes: options.staticInputBytes } : {}),
        ...(options.optimizations !== undefined ? { optimizations: options.optimizations } : {}),
      });
      return { taskId: id, functionName, builderId };
    };
    return Object.assign(call, {
      functionName,
      with: (more: TaskOptions) => makeFunction(functionName, { ...options, ...more }),
    });
  };

  return {
    name,
    fn: (functionName, defaults = {}) => makeFunction(functionName, defaults),
    build: () => createWorkflow(name, specs),
  };
}
