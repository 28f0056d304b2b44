import type { ResourceConfig } from './resources.js';

/**
 * Optimizations a plan attaches to a task (thesis §3.4.3), as data. The scheduler core reads them; planners and users
 * write them. User-defined kinds are namespaced `custom:<name>` so the built-in union still narrows on `kind`.
 */
export type Optimization = PreWarmOptimization | PreLoadOptimization | TaskDupOptimization | CustomOptimization;

/**
 * When the task starts, the worker running it issues an empty invocation so that a worker of `targetResources`
 * is warm by the time a later task needs it.
 */
export interface PreWarmOptimization {
  readonly kind: 'pre-warm';
  readonly targetResources: ResourceConfig;
  /** Delay from the task's start to the warm-up invocation (0: at start). */
  readonly delayMs?: number;
}

/** The worker downloads each remote input as soon as its TASK_COMPLETED arrives, while it runs other tasks. */
export interface PreLoadOptimization {
  readonly kind: 'pre-load';
}

/**
 * A downstream worker waiting on this task may run it itself when the predicted time saved exceeds the threshold;
 * the first output to finish wins.
 */
export interface TaskDupOptimization {
  readonly kind: 'task-dup';
  readonly minSavedMs?: number;
}

/** JSON-serializable value carried by a user-defined optimization. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** A user-defined optimization; its meaning lives in the user's scheduler-core extension. */
export interface CustomOptimization {
  readonly kind: `custom:${string}`;
  readonly params?: { readonly [key: string]: JsonValue };
}

export type OptimizationKind = Optimization['kind'];

/** The built-in kinds, in the order the thesis presents them. */
export const BUILTIN_OPTIMIZATION_KINDS = ['pre-warm', 'pre-load', 'task-dup'] as const;

/**
 * Adds `added` to `list`, replacing any optimization of the same kind (a task has at most one of each kind, as in
 * the reference implementation).
 */
export function withOptimization(list: readonly Optimization[], added: Optimization): Optimization[] {
  return [...list.filter((o) => o.kind !== added.kind), added];
}

/** Finds the optimization of a kind on a task, narrowed to its type. */
export function findOptimization<K extends OptimizationKind>(
  list: readonly Optimization[],
  kind: K,
): Extract<Optimization, { kind: K }> | undefined {
  return list.find((o): o is Extract<Optimization, { kind: K }> => o.kind === kind);
}
