import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Plan } from '../core/plan.js';
import { createSchedulerContext, initialInvocations, type SchedulerParams } from '../core/scheduler/index.js';
import {
  checkTraceRecord,
  planRunHeader,
  type RecordProblem,
  type RunEnd,
  type TaskRecord,
  type TraceRecord,
  type WorkerRecord,
} from '../core/trace-records.js';
import type { Workflow } from '../core/workflow.js';
import { storeRunConfig, type TaskEstimate } from './run-config.js';
import { closeRedis, connectRedis } from './redis/connection.js';
import type { WorkflowCompletedMessage } from './redis/events.js';
import { runKeys, type RunKeys } from './redis/keys.js';
import { deleteKeys, RunStorage, scanKeys } from './redis/storage.js';
import { TraceSink } from './redis/trace-sink.js';
import { startWorker, type Invoker } from './worker/invoker.js';

/** Options of `runWorkflow`. */
export interface RunWorkflowOptions {
  /** The Redis the client uses. */
  readonly redisUrl: string;
  /**
   * The Redis URL put in every invocation (default: `redisUrl`); null leaves it out, so workers use their own
   * `OCTOPLAN_REDIS_URL` (on AWS the client and the functions usually reach Redis by different addresses).
   */
  readonly workerRedisUrl?: string | null;
  readonly invoker: Invoker;
  readonly workflow: Workflow;
  readonly plan: Plan;
  /** Static inputs by task id: one for every task that declares static input bytes. */
  readonly staticInputs: ReadonlyMap<string, Buffer>;
  /** Default: `<workflow>-<planner>-<time>-<random>`. */
  readonly runId?: string;
  readonly schedulerParams?: Partial<SchedulerParams>;
  /** Per-task estimates for task-dup decisions (see `taskEstimatesFrom`). */
  readonly taskEstimates?: Readonly<Record<string, TaskEstimate>>;
  /** Give up (and clean up) after this long; default 120 s. */
  readonly timeoutMs?: number;
  /** Extra header parameters (workload parameters, options), for reproduction. */
  readonly params?: Readonly<Record<string, string | number | boolean | null>>;
  /** Leave the run's keys in Redis after the run (debugging); default false. */
  readonly keepKeys?: boolean;
  /** Fault injection (`RunConfig.crashOnFirstAttempt`): tasks whose first attempt kills its worker's process. */
  readonly crashOnFirstAttempt?: readonly string[];
  /** Fault injection (`RunConfig.crashOnEveryAttempt`): tasks whose every attempt kills its worker's process. */
  readonly crashOnEveryAttempt?: readonly string[];
}

/** A completed real run. */
export interface WorkflowRunResult {
  readonly runId: string;
  /**
   * When the client submitted the run (epoch ms, sub-ms precision, after storing the static inputs): the origin of
   * every time in the records, so `startEpochMs + makespanMs` is when the result came.
   */
  readonly startEpochMs: number;
  /** From the client's submission to the sink's completion publish, as the worker measured it. */
  readonly makespanMs: number;
  /** Wall time of the whole call: storing inputs, the run, collecting traces, cleaning up. */
  readonly wallMs: number;
  /** Every sink's final output. */
  readonly finalOutputs: ReadonlyMap<string, Buffer>;
  /** Header, worker and task records, run end: the simulator's format. */
  readonly records: readonly TraceRecord[];
  /** Records that failed validation against the trace schema (should be none), with the problems found. */
  readonly invalidRecords: readonly { readonly record: unknown; readonly problems: readonly RecordProblem[] }[];
  readonly workersLaunched: number;
  /** Instance id → the platform's request id of its invocation, where the platform gave one (Lambda, the gateway). */
  readonly requestIds: ReadonlyMap<string, string>;
  /** Intermediate outputs still in Redis when the run had completed (must be none). */
  readonly leftoverIntermediateKeys: readonly string[];
  /** Counters, TASK_READY and exec-start records still in Redis when the run had completed (must be none). */
  readonly leftoverMetadataKeys: readonly string[];
  /** Keys of the run still in Redis after the client's own cleanup (none unless `keepKeys`). */
  readonly leftoverKeysAfterCleanup: readonly string[];
}

/** A real run that failed: a worker reported an error, or the run timed out. Names the run and what is known. */
export class WorkflowRunError extends Error {
  override readonly name = 'WorkflowRunError';
}

const POLL_MS = 10;

/**
 * Runs a workflow for real: stores the static inputs and the run's configuration (workflow, plan, start time) in
 * Redis, starts the initial workers the scheduler core names (`initialInvocations`), waits for the sink's completion
 * and for every worker to have written its trace records, reads the final outputs, collects and validates the trace
 * records, checks that no intermediate or coordination key is left, then deletes the run's remaining keys (inputs,
 * configuration, outputs, records). The client makes no scheduling decision: the workers' core does.
 */
export async function runWorkflow(options: RunWorkflowOptions): Promise<WorkflowRunResult> {
  const wallStart = performance.now();
  const { workflow, plan } = options;
  const runId = options.runId ?? `${workflow.name}-${plan.planner}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const keys = runKeys(runId);
  const ctx = createSchedulerContext(workflow, plan, options.schedulerParams);
  for (const task of workflow.tasks.values()) {
    if (task.staticInputBytes > 0 && !options.staticInputs.has(task.id)) {
      throw new WorkflowRunError(`run '${runId}': task '${task.id}' declares ${task.staticInputBytes} static input bytes but none were given`);
    }
  }
  for (const field of ['crashOnFirstAttempt', 'crashOnEveryAttempt'] as const) {
    for (const taskId of options[field] ?? []) {
      if (!workflow.tasks.has(taskId)) throw new WorkflowRunError(`run '${runId}': ${field} names task '${taskId}', which workflow '${workflow.name}' does not have`);
    }
    if ((options[field]?.length ?? 0) > 0 && options.invoker.platform === 'in-process') {
      throw new WorkflowRunError(`run '${runId}': ${field} kills the worker's process, which in-process is this one; use the local gateway`);
    }
  }
  const workerRedisUrl = options.workerRedisUrl === null ? undefined : (options.workerRedisUrl ?? options.redisUrl);
  const redis = await connectRedis(options.redisUrl, `${runId}/client`);
  const subscriber = await connectRedis(options.redisUrl, `${runId}/client-sub`);
  try {
    const existing = await scanKeys(redis, keys.all);
    if (existing.length > 0) throw new WorkflowRunError(`run '${runId}' already has ${existing.length} key(s) in Redis (e.g. '${existing[0]}'): pick another run id`);
    const storage = new RunStorage(redis, keys);
    const sink = new TraceSink(redis, keys);
    const pipeline = redis.pipeline();
    for (const [taskId, bytes] of options.staticInputs) pipeline.set(keys.staticInput(taskId), bytes);
    await pipeline.exec();

    // Subscribed before the first worker starts, so the completion cannot be missed; the stored copy backs it up.
    let completion: WorkflowCompletedMessage | undefined;
    subscriber.on('message', (_channel: string, message: string) => (completion ??= JSON.parse(message) as WorkflowCompletedMessage));
    await subscriber.subscribe(keys.workflowCompletedChannel);

    const startEpochMs = performance.timeOrigin + performance.now();
    await storeRunConfig(redis, keys, {
      runId,
      workflow,
      plan,
      startEpochMs,
      platform: options.invoker.platform,
      ...(options.schedulerParams ? { schedulerParams: options.schedulerParams } : {}),
      ...(options.taskEstimates ? { taskEstimates: options.taskEstimates } : {}),
      ...(options.crashOnFirstAttempt?.length ? { crashOnFirstAttempt: options.crashOnFirstAttempt } : {}),
      ...(options.crashOnEveryAttempt?.length ? { crashOnEveryAttempt: options.crashOnEveryAttempt } : {}),
    });
    // All at once, as the core asks for them together: one after another, each Invoke call (≈10 ms through the SDK
    // and the gateway) would delay every later initial worker.
    await Promise.all(
      initialInvocations(ctx).map((invocation) =>
        startWorker(options.invoker, sink, {
          runId,
          workerId: invocation.workerId,
          resources: invocation.resources,
          taskIds: invocation.taskIds,
          preWarm: false,
          ...(workerRedisUrl ? { redisUrl: workerRedisUrl } : {}),
        }),
      ),
    );

    const deadline = Date.now() + (options.timeoutMs ?? 120_000);
    const failIfBroken = async (waitingFor: string) => {
      const failures = [...(await sink.failures()).map((f) => f.message), ...(options.invoker.failures ?? []).map((e) => e.message)];
      if (failures.length > 0) throw new WorkflowRunError(`run '${runId}' failed: ${[...new Set(failures)].join('; ')}`);
      if (Date.now() > deadline) {
        const progress = await sink.progress();
        throw new WorkflowRunError(
          `run '${runId}' timed out after ${options.timeoutMs ?? 120_000} ms waiting for ${waitingFor} ` +
            `(${progress.finished} of ${progress.invocations} workers finished)`,
        );
      }
    };
    while (completion === undefined) {
      await failIfBroken('the completion of every sink');
      const stored = await redis.get(keys.completion);
      if (stored !== null) completion ??= JSON.parse(stored) as WorkflowCompletedMessage;
      else await sleep(POLL_MS);
    }
    // Every invocation is counted before it is sent, by a worker that has not finished yet: equal counts mean every
    // worker that will ever run has written its records.
    for (;;) {
      const progress = await sink.progress();
      if (progress.finished >= progress.invocations) break;
      await failIfBroken('every worker to finish');
      await sleep(POLL_MS);
    }
    const { invocations } = await sink.progress();

    const finalOutputs = new Map<string, Buffer>();
    for (const sinkTask of workflow.sinks) {
      const bytes = await storage.getFinalOutput(sinkTask);
      if (bytes === null) throw new WorkflowRunError(`run '${runId}' completed but the final output of sink '${sinkTask}' is missing`);
      finalOutputs.set(sinkTask, bytes);
    }
    const leftoverIntermediateKeys = await scanKeys(redis, keys.outputs);
    const leftoverMetadataKeys = [
      ...(await scanKeys(redis, keys.counters)),
      ...(await scanKeys(redis, keys.readyRecords)),
      ...(await scanKeys(redis, keys.execStarts)),
    ];
    const { records, invalidRecords } = collectRecords(runId, workflow, plan, options, await sink.records(), completion);
    const requestIds = await sink.requestIds();
    if (!options.keepKeys) await deleteKeys(redis, await scanKeys(redis, keys.all));
    return {
      runId,
      startEpochMs,
      makespanMs: round3(completion.atMs),
      wallMs: performance.now() - wallStart,
      finalOutputs,
      records,
      invalidRecords,
      workersLaunched: invocations,
      requestIds,
      leftoverIntermediateKeys,
      leftoverMetadataKeys,
      leftoverKeysAfterCleanup: await scanKeys(redis, keys.all),
    };
  } catch (e) {
    // Storage gone mid-run: one line naming it, the address and the run, not the client library's retry error.
    if (!(e instanceof WorkflowRunError) && redis.status !== 'ready') {
      throw new WorkflowRunError(`run '${runId}': Redis at ${options.redisUrl} became unreachable (${(e as Error).message}); the run cannot finish`);
    }
    if (!options.keepKeys) await cleanUpAfterFailure(redis, keys);
    throw e;
  } finally {
    await closeRedis(subscriber);
    await closeRedis(redis);
  }
}

/** Builds the run's records: a header, the workers' records (validated), and the run end. */
function collectRecords(
  runId: string,
  workflow: Workflow,
  plan: Plan,
  options: RunWorkflowOptions,
  raw: readonly unknown[],
  completion: WorkflowCompletedMessage,
): { records: TraceRecord[]; invalidRecords: { record: unknown; problems: RecordProblem[] }[] } {
  const header = planRunHeader(runId, workflow, plan, { platform: options.invoker.platform, seed: null, params: { ...options.params } });
  const workers: WorkerRecord[] = [];
  const tasks: TaskRecord[] = [];
  const invalidRecords: { record: unknown; problems: RecordProblem[] }[] = [];
  for (const value of raw) {
    const checked = checkTraceRecord(value);
    if (!checked.ok) invalidRecords.push({ record: value, problems: checked.problems });
    else if (checked.record.type === 'worker') workers.push(checked.record);
    else if (checked.record.type === 'task') tasks.push(checked.record);
    else invalidRecords.push({ record: value, problems: [{ field: 'type', message: 'workers write only worker and task records' }] });
  }
  workers.sort((a, b) => a.invokedAtMs - b.invokedAtMs || a.workerId.localeCompare(b.workerId));
  tasks.sort((a, b) => a.startMs - b.startMs || a.taskId.localeCompare(b.taskId));
  const end: RunEnd = { type: 'run-end', runId, status: 'completed', makespanMs: round3(completion.atMs) };
  return { records: [header, ...workers, ...tasks, end], invalidRecords };
}

async function cleanUpAfterFailure(redis: Redis, keys: RunKeys): Promise<void> {
  try {
    await deleteKeys(redis, await scanKeys(redis, keys.all));
  } catch {
    // The original failure matters more than a failed cleanup.
  }
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Task estimates for task-dup decisions from a planner-side estimate's task records (e.g. `simulatorEstimator`'s
 * `tasks`): execution time, the output's upload plus one download, and the inputs' downloads.
 */
export function taskEstimatesFrom(tasks: readonly TaskRecord[]): Record<string, TaskEstimate> {
  const estimates: Record<string, TaskEstimate> = {};
  for (const t of tasks) {
    if (estimates[t.taskId]) continue;
    const uploadMs = t.uploads.reduce((s, u) => s + u.durationMs, 0);
    const inputTransferMs = t.downloads.reduce((s, d) => s + d.durationMs, 0);
    estimates[t.taskId] = { execMs: t.execMs, outputTransferMs: 2 * uploadMs, inputTransferMs };
  }
  return estimates;
}
