import type { ResourceConfig } from '../resources.js';
import type { SchedulerContext } from './context.js';

/**
 * One worker's state. Ownership: `step` consumes the state it is given and returns the next one, which reuses the
 * same internal structures (updated in O(work done), never copied whole). A consumed state cannot be stepped again;
 * `cloneWorkerState` forks a state that must be kept (tests, what-if exploration).
 */
export interface WorkerState {
  readonly ctx: SchedulerContext;
  /** @internal Read through `workerStatus`; its shape is not part of the API. */
  readonly data: WorkerData;
  /** @internal Which step produced this state; an older one has been consumed. */
  readonly version: number;
}

/** The phase of a worker's life. */
export type WorkerPhase = 'created' | 'subscribing' | 'running' | 'stopped';

/** A task this worker is running (gathering inputs, then executing). */
export interface Job {
  readonly taskId: string;
  /** A task-dup copy of a task planned elsewhere. */
  readonly duplicate: boolean;
  /** Inputs (outputs and the static input) not yet on this worker. */
  missing: number;
  phase: 'gathering' | 'executing' | 'abandoned';
}

/**
 * What remains to do with the output of a task this worker ran: upload, counter increments, hand-offs. When
 * nothing remains the finish settles and TASK_COMPLETED is published.
 */
export interface Finish {
  readonly taskId: string;
  readonly outputBytes: number;
  /** Took the clustering path: every ready flexible child runs here. */
  readonly large: boolean;
  upload: 'none' | 'uploading' | 'done';
  /** Children whose dependency counters it increments once uploaded (write before signal). */
  readonly commitsAfterUpload: string[];
  /** Single-upstream children handed on once uploaded. */
  readonly dispatchesAfterUpload: string[];
  /** At most one flexible child continues here on the default (small-output) path: WUKONG's "become". */
  becomeUsed: boolean;
  /** Counter increments and worker-start claims issued for it and not yet answered. */
  pendingCounters: number;
  /** Children it has not yet reported completion to (delayed I/O or a pending clustering check). */
  uncommittedChildren: number;
}

/** A worker-start claim in flight: the tasks it is for and the outputs whose completion made them ready. */
export interface PendingClaim {
  readonly taskIds: string[];
  readonly producers: string[];
}

/** The mutable internals of a worker. */
export interface WorkerData {
  /** The version of the only state that may be stepped next. */
  version: number;
  readonly plannedWorkerId: string | null;
  readonly resources: ResourceConfig;
  phase: WorkerPhase;
  /** Invocation tasks held back until the subscriptions are in effect. */
  deferredStart: readonly string[];
  /** Commands issued whose answering event has not arrived. */
  awaiting: number;
  /** Outputs on this worker. */
  readonly local: Set<string>;
  /** Outputs this worker knows it can read: on it, or uploaded. */
  readonly available: Set<string>;
  /**
   * Tasks this worker knows are finished and fully reported (ran here, duplicated here, or TASK_COMPLETED). Only these
   * count towards running an owned task early: acting on a bare output could race its producer's reporting.
   */
  readonly settled: Set<string>;
  readonly downloading: Set<string>;
  /** Tasks this worker has taken on (running or ran; duplicates excluded). */
  readonly handled: Set<string>;
  readonly jobs: Map<string, Job>;
  /** Output -> jobs gathering it. */
  readonly waiters: Map<string, Job[]>;
  /** Owned task -> how many of its upstream tasks are in `settled`. */
  readonly settledUpstreams: Map<string, number>;
  /** Owned tasks not yet run (0 for flexible workers). */
  ownedRemaining: number;
  readonly finishes: Map<string, Finish>;
  /** Child -> tasks run here whose completion it has not been told (their outputs are here). */
  readonly uncommitted: Map<string, string[]>;
  /** An idle re-check of delayed children in progress: the children whose read is outstanding. */
  recheck: { readonly pending: Set<string>; ranAny: boolean } | null;
  /** Fixed worker -> this worker's worker-start claim for it. */
  readonly pendingClaims: Map<string, PendingClaim>;
  /** Fixed workers known to be started. */
  readonly startedWorkers: Set<string>;
  /** Tasks being duplicated here. */
  readonly dupInFlight: Set<string>;
  /** Owned tasks with an `estimate-dup-savings` outstanding. */
  readonly estimating: Set<string>;
}

/** A public, read-only summary of a worker. */
export interface WorkerStatus {
  readonly plannedWorkerId: string | null;
  readonly resources: ResourceConfig;
  readonly phase: WorkerPhase;
  /** Commands issued and not yet answered. */
  readonly awaiting: number;
  /** Task ids this worker ran or is running (duplicates excluded). */
  readonly handledTaskIds: readonly string[];
}

/**
 * A new worker: planned fixed worker `plannedWorkerId` (or null for a flexible or pre-warm worker) with
 * `resources`. Deliver `invoked` next.
 */
export function createWorker(
  ctx: SchedulerContext,
  plannedWorkerId: string | null,
  resources: ResourceConfig,
): WorkerState {
  return {
    ctx,
    version: 0,
    data: {
      version: 0,
      plannedWorkerId,
      resources,
      phase: 'created',
      deferredStart: [],
      awaiting: 0,
      local: new Set(),
      available: new Set(),
      settled: new Set(),
      downloading: new Set(),
      handled: new Set(),
      jobs: new Map(),
      waiters: new Map(),
      settledUpstreams: new Map(),
      ownedRemaining: 0,
      finishes: new Map(),
      uncommitted: new Map(),
      recheck: null,
      pendingClaims: new Map(),
      startedWorkers: new Set(),
      dupInFlight: new Set(),
      estimating: new Set(),
    },
  };
}

/** A deep copy that can be stepped independently of `state` (which stays usable). */
export function cloneWorkerState(state: WorkerState): WorkerState {
  // structuredClone keeps the sharing between `jobs` and `waiters`; the context is shared, never copied.
  return { ctx: state.ctx, data: structuredClone(state.data), version: state.version };
}

/** Reads a worker's summary. */
export function workerStatus(state: WorkerState): WorkerStatus {
  const d = state.data;
  return {
    plannedWorkerId: d.plannedWorkerId,
    resources: d.resources,
    phase: d.phase,
    awaiting: d.awaiting,
    handledTaskIds: [...d.handled],
  };
}
