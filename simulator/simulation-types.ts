import type { ResourceConfig } from '../core/resources.js';
import type { Command, SchedulerParams, WorkerEvent } from '../core/scheduler/index.js';
import type { TraceRecord, TraceRun } from '../core/trace-records.js';
import type { DurationSource } from './duration-sources.js';
import type { PlatformModel } from './platform-model.js';
import type { RunSummary } from './run-summary.js';

/** Options of `simulate`. */
export interface SimulationOptions {
  readonly platform: PlatformModel;
  readonly durations: DurationSource;
  /** Seed of the platform's noise (latencies of counters, notifications, storage operations). */
  readonly seed: number | string;
  /** Use the platform's median latencies instead of drawing them (default true: noisy). */
  readonly latencyNoise?: boolean;
  readonly schedulerParams?: Partial<SchedulerParams>;
  /** Identifies the run in its records (default `<workflow>-<planner>-<seed>`). */
  readonly runId?: string;
  /**
   * The predicted time saved by duplicating `candidateId` for `dependentId` on a worker of `resources`, asked when a
   * plan uses task-dup. Default: the duration source's prediction of the candidate's output transfer minus its
   * inputs' transfers, plus the original's remaining expected execution (its start is known to the simulator and
   * would be published by a real runtime).
   */
  readonly dupSavedMs?: (query: DupQuery) => number;
  /** Called with every command and event as the simulation carries it out (tracing, debugging a plan). */
  readonly onTrace?: (entry: { readonly atMs: number; readonly instanceId: string; readonly command?: Command; readonly event?: WorkerEvent }) => void;
}

/** What `dupSavedMs` is asked. */
export interface DupQuery {
  readonly dependentId: string;
  readonly candidateId: string;
  readonly resources: ResourceConfig;
  readonly nowMs: number;
  /** When the original started executing, if it has. */
  readonly originalExecStartMs: number | undefined;
}

/** A simulated run: its trace records (the same format real runs emit) and its summary. */
export interface SimulationResult {
  readonly records: TraceRecord[];
  readonly run: TraceRun;
  readonly summary: RunSummary;
  /** Events the engine processed (worker events and internal ones). */
  readonly events: number;
  /** Why the run failed, when retries ran out. */
  readonly failure?: string;
}
