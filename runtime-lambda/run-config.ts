import type { Redis } from 'ioredis';
import type { Optimization } from '../core/optimizations.js';
import type { Plan } from '../core/plan.js';
import type { SchedulerParams } from '../core/scheduler/index.js';
import { createWorkflow, type Workflow } from '../core/workflow.js';
import { planFromJson, planToJson } from '../traces/plan-file.js';
import type { RunKeys } from './redis/keys.js';

/** The JSON form of a workflow: its tasks in declaration order (the order fixes roots, sinks and tie-breaks). */
export interface WorkflowJson {
  readonly name: string;
  readonly tasks: readonly {
    readonly id: string;
    readonly functionName: string;
    readonly upstream: readonly string[];
    readonly staticInputBytes?: number;
    readonly optimizations?: readonly Optimization[];
  }[];
}

/** A workflow as JSON (inverse of `workflowFromJson`). */
export function workflowToJson(workflow: Workflow): WorkflowJson {
  return {
    name: workflow.name,
    tasks: [...workflow.tasks.values()].map((t) => ({
      id: t.id,
      functionName: t.functionName,
      upstream: t.upstream,
      ...(t.staticInputBytes > 0 ? { staticInputBytes: t.staticInputBytes } : {}),
      ...(t.optimizations.length > 0 ? { optimizations: t.optimizations } : {}),
    })),
  };
}

/** Rebuilds (and re-validates) a workflow from its JSON form. */
export function workflowFromJson(json: WorkflowJson): Workflow {
  return createWorkflow(json.name, json.tasks);
}

/**
 * What a planner-side estimate predicts for one task, for answering `estimate-dup-savings` the way the simulator
 * does: original's remaining time plus moving its output, minus running the copy and moving the copy's inputs.
 */
export interface TaskEstimate {
  readonly execMs: number;
  /** Upload of the output by the original plus its download by the dependent. */
  readonly outputTransferMs: number;
  /** Downloads of the task's inputs (static and upstream) by a copy. */
  readonly inputTransferMs: number;
}

/** Everything a worker loads at start: written once by the client, read by every worker of the run. */
export interface RunConfig {
  readonly runId: string;
  readonly workflow: Workflow;
  readonly plan: Plan;
  /** The client's submission time (epoch ms): every trace time is relative to it. */
  readonly startEpochMs: number;
  readonly schedulerParams?: Partial<SchedulerParams>;
  /** Per-task estimates for task-dup decisions; without one a duplicate is predicted to save nothing. */
  readonly taskEstimates?: Readonly<Record<string, TaskEstimate>>;
  /** Where the run happens, for the trace header (`lambda:<endpoint>`, `in-process`, ...). */
  readonly platform: string;
  /**
   * Fault injection for tests: the worker that first executes one of these tasks kills its own process with SIGKILL
   * just before the task's code runs (once per task and run, remembered in Redis), so Lambda's async retry must
   * re-run the worker. Only for workers in processes of their own (the gateway, Lambda).
   */
  readonly crashOnFirstAttempt?: readonly string[];
  /**
   * Fault injection for tests: every worker that executes one of these tasks kills its own process just before the
   * task's code runs, on every attempt, so the platform's retries run out and the run must fail, naming the worker.
   */
  readonly crashOnEveryAttempt?: readonly string[];
}

/** A run config as stored in Redis: the workflow and plan in their JSON forms, the rest as is. */
type RunConfigJson = Omit<RunConfig, 'workflow' | 'plan'> & { readonly workflow: WorkflowJson; readonly plan: object };

/** Serializes a run's configuration (plans through `planToJson`, the format of plan files). */
export function runConfigToJson(config: RunConfig): string {
  const json: RunConfigJson = {
    runId: config.runId,
    workflow: workflowToJson(config.workflow),
    plan: planToJson(config.plan),
    startEpochMs: config.startEpochMs,
    ...(config.schedulerParams ? { schedulerParams: config.schedulerParams } : {}),
    ...(config.taskEstimates ? { taskEstimates: config.taskEstimates } : {}),
    platform: config.platform,
    ...(config.crashOnFirstAttempt?.length ? { crashOnFirstAttempt: config.crashOnFirstAttempt } : {}),
    ...(config.crashOnEveryAttempt?.length ? { crashOnEveryAttempt: config.crashOnEveryAttempt } : {}),
  };
  return JSON.stringify(json);
}

/** Parses a run's configuration; errors name the run and what is wrong. */
export function runConfigFromJson(text: string, where: string): RunConfig {
  let json: RunConfigJson;
  try {
    json = JSON.parse(text) as RunConfigJson;
  } catch (e) {
    throw new Error(`${where}: run configuration is not JSON: ${(e as Error).message}`);
  }
  const workflow = workflowFromJson(json.workflow);
  return {
    runId: json.runId,
    workflow,
    plan: planFromJson(json.plan, workflow, where),
    startEpochMs: json.startEpochMs,
    ...(json.schedulerParams ? { schedulerParams: json.schedulerParams } : {}),
    ...(json.taskEstimates ? { taskEstimates: json.taskEstimates } : {}),
    platform: json.platform,
    ...(json.crashOnFirstAttempt ? { crashOnFirstAttempt: json.crashOnFirstAttempt } : {}),
    ...(json.crashOnEveryAttempt ? { crashOnEveryAttempt: json.crashOnEveryAttempt } : {}),
  };
}

/** Stores a run's configuration under its key. */
export async function storeRunConfig(redis: Redis, keys: RunKeys, config: RunConfig): Promise<void> {
  await redis.set(keys.config, runConfigToJson(config));
}

/** Loads a run's configuration; a missing one is an error naming the run (the client never stored it, or cleaned up). */
export async function loadRunConfig(redis: Redis, keys: RunKeys, runId: string): Promise<RunConfig> {
  const text = await redis.get(keys.config);
  if (text === null) throw new Error(`run '${runId}': no configuration in Redis at '${keys.config}' (not started, or already cleaned up)`);
  return runConfigFromJson(text, `run '${runId}' (${keys.config})`);
}
