import type { Redis } from 'ioredis';
import {
  counterKey,
  createSchedulerContext,
  createWorker,
  step,
  type Command,
  type SchedulerContext,
  type WorkerEvent,
  type WorkerState,
} from '../../core/scheduler/index.js';
import type { Task, Workflow } from '../../core/workflow.js';
import { loadRunConfig, type RunConfig } from '../run-config.js';
import { closeRedis, connectRedis } from '../redis/connection.js';
import { RunPublisher, RunSubscriber, type RunNotification } from '../redis/events.js';
import { runKeys, type RunKeys } from '../redis/keys.js';
import { RunMetadata } from '../redis/metadata.js';
import { RunStorage } from '../redis/storage.js';
import { TraceSink } from '../redis/trace-sink.js';
import { getTaskFunction } from '../tasks/registry.js';
import type { WorkerInvocation } from './invocation.js';
import { startWorker, type Invoker } from './invoker.js';
import { WorkerTrace } from './worker-trace.js';

/** One thing a worker did, for observers (overhead measurement, debugging): an event it stepped or a command it got. */
export interface WorkerObservation {
  readonly instanceId: string;
  /** ms since the run's start. */
  readonly atMs: number;
  readonly event?: WorkerEvent;
  readonly command?: Command;
}

/** What `runWorker` needs besides the invocation. */
export interface RunWorkerOptions {
  readonly invoker: Invoker;
  readonly redisUrl: string;
  /** The first invocation served by this execution environment. */
  readonly coldStart: boolean;
  /** Lambda's request id of this invocation, left for the client so it can match the platform's own records. */
  readonly requestId?: string;
  readonly observe?: (observation: WorkerObservation) => void;
}

/** How a worker ended. */
export interface WorkerOutcome {
  readonly instanceId: string;
  readonly tasksExecuted: number;
}

/** Epoch ms with sub-millisecond resolution. */
const epochNow = () => performance.timeOrigin + performance.now();

/**
 * One worker's life: connect to the run's Redis, load the workflow and plan, create the scheduler core's worker
 * state, then loop — step each event through the core and carry out the commands for real — until the core shuts the
 * worker down; finally write the worker's trace records. A failure is reported to the client (the run's error list)
 * and rethrown, so Lambda reports a function error.
 */
export async function runWorker(invocation: WorkerInvocation, options: RunWorkerOptions): Promise<WorkerOutcome> {
  const keys = runKeys(invocation.runId);
  const name = `${invocation.runId}/${invocation.instanceId}`;
  // A fixed worker always subscribes (to its tasks' TASK_READY), so its second connection opens while the first
  // loads the run, not after the worker is ready; others open it if and when the core asks them to subscribe.
  const subscriberConnecting =
    invocation.workerId !== null && !invocation.preWarm ? connectRedis(options.redisUrl, `${name}/sub`) : undefined;
  subscriberConnecting?.catch(() => {});
  let redis: Redis;
  try {
    redis = await connectRedis(options.redisUrl, name);
  } catch (e) {
    if (subscriberConnecting) await subscriberConnecting.then(closeRedis, () => {});
    throw e;
  }
  const sink = new TraceSink(redis, keys);
  let loop: WorkerLoop | undefined;
  try {
    const config = await loadRunConfig(redis, keys, invocation.runId);
    loop = new WorkerLoop(invocation, config, options, redis, keys, sink, subscriberConnecting);
    const records = await loop.run();
    await sink.finishWorker(records, options.requestId ? { instanceId: invocation.instanceId, requestId: options.requestId } : undefined);
    return { instanceId: invocation.instanceId, tasksExecuted: loop.tasksExecuted };
  } catch (e) {
    const message = `${name}: ${(e as Error).message}`;
    await sink.reportFailure({ instanceId: invocation.instanceId, message }).catch(() => {});
    throw new Error(message, { cause: e });
  } finally {
    if (loop) await loop.close();
    else if (subscriberConnecting) await subscriberConnecting.then(closeRedis, () => {});
    await closeRedis(redis);
  }
}

/** The interpreter of one worker: the scheduler core's commands carried out with Redis, task code and the invoker. */
class WorkerLoop {
  private state: WorkerState;
  private readonly ctx: SchedulerContext;
  private readonly workflow: Workflow;
  private readonly storage: RunStorage;
  private readonly metadata: RunMetadata;
  private readonly publisher: RunPublisher;
  private readonly trace: WorkerTrace;
  private subscriberConnection: Redis | undefined;
  private subscriber: RunSubscriber | undefined;
  /** Notifications heard before the `subscribed` answer was queued: the core must see `subscribed` first. */
  private heldNotifications: RunNotification[] | null = null;

  private readonly queue: WorkerEvent[] = [];
  private wake: (() => void) | undefined;
  private failure: Error | undefined;
  private stopped = false;
  /** Fire-and-forget commands (publish, invoke, deletes) still being sent: the worker lives until they are. */
  private readonly sending = new Set<Promise<void>>();
  /** Outputs on this worker; the first copy of an output wins (a duplicate's and the original's bytes are equal). */
  private readonly local = new Map<string, Buffer>();
  private readonly staticLocal = new Map<string, Buffer>();
  private readonly readyAtMs: number;
  private endedAtMs = 0;
  /** The process's CPU usage when the worker was ready, and the CPU it used from then to shutting down (ms). */
  private readonly cpuAtReady: NodeJS.CpuUsage;
  private cpuMs: number | undefined;
  tasksExecuted = 0;

  constructor(
    private readonly invocation: WorkerInvocation,
    private readonly config: RunConfig,
    private readonly options: RunWorkerOptions,
    private readonly redis: Redis,
    private readonly keys: RunKeys,
    private readonly sink: TraceSink,
    /** The subscriber connection, already being opened (fixed workers). */
    private readonly subscriberConnecting: Promise<Redis> | undefined,
  ) {
    this.workflow = config.workflow;
    this.ctx = createSchedulerContext(config.workflow, config.plan, config.schedulerParams);
    this.state = createWorker(this.ctx, invocation.preWarm ? null : invocation.workerId, invocation.resources);
    this.storage = new RunStorage(redis, keys);
    this.metadata = new RunMetadata(redis, keys);
    this.publisher = new RunPublisher(redis, keys);
    this.trace = new WorkerTrace(config.runId, invocation.instanceId, invocation.resources, config.workflow);
    this.readyAtMs = this.now();
    this.cpuAtReady = process.cpuUsage();
  }

  /** ms since the run's start (the client's submission), as every trace time is. */
  private now(): number {
    return epochNow() - this.config.startEpochMs;
  }

  async run() {
    this.push({ kind: 'invoked', taskIds: this.invocation.taskIds, ...(this.invocation.preWarm ? { preWarm: true } : {}) });
    while (!this.stopped) {
      if (this.failure) throw this.failure;
      const event = this.queue.shift();
      if (event === undefined) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      this.options.observe?.({ instanceId: this.invocation.instanceId, atMs: this.now(), event });
      const result = step(this.state, event);
      this.state = result.state;
      for (const command of result.commands) {
        this.options.observe?.({ instanceId: this.invocation.instanceId, atMs: this.now(), command });
        this.carryOut(command);
      }
    }
    // Notifications still queued are for a worker that has shut down: dropped, as Lambda would drop them.
    while (this.sending.size > 0) await Promise.all([...this.sending]);
    if (this.failure) throw this.failure;
    return this.trace.records({
      invokedAtMs: this.invocation.invokedAtEpochMs - this.config.startEpochMs,
      readyAtMs: this.readyAtMs,
      endedAtMs: this.endedAtMs,
      start: this.options.coldStart ? 'cold' : 'warm',
      preWarm: this.invocation.preWarm === true,
      ...(this.cpuMs !== undefined ? { cpuMs: this.cpuMs } : {}),
    });
  }

  async close(): Promise<void> {
    if (this.subscriberConnection) await closeRedis(this.subscriberConnection);
    else if (this.subscriberConnecting) await this.subscriberConnecting.then(closeRedis, () => {});
  }

  private push(event: WorkerEvent): void {
    if (this.stopped) return;
    this.queue.push(event);
    this.wake?.();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.wake?.();
  }

  /** An awaited command: its answer is queued when the operation completes. */
  private answer(operation: () => Promise<WorkerEvent>, what: string): void {
    operation().then(
      (event) => this.push(event),
      (e: Error) => this.fail(new Error(`${what}: ${e.message}`, { cause: e })),
    );
  }

  /** A fire-and-forget command: sent now, waited for before the worker finishes. */
  private send(operation: Promise<unknown>, what: string): void {
    const sent: Promise<void> = operation.then(
      () => {},
      (e: Error) => this.fail(new Error(`${what}: ${e.message}`, { cause: e })),
    );
    this.sending.add(sent);
    void sent.finally(() => this.sending.delete(sent));
  }

  private carryOut(command: Command): void {
    switch (command.kind) {
      case 'subscribe': {
        // Notifications heard before `subscribed` is queued are held back: the core must learn of the subscription first.
        this.heldNotifications ??= [];
        const subscribe = async () => {
          if (!this.subscriber) {
            this.subscriberConnection = await (this.subscriberConnecting ??
              connectRedis(this.options.redisUrl, `${this.invocation.runId}/${this.invocation.instanceId}/sub`));
            this.subscriber = new RunSubscriber(this.subscriberConnection, this.keys, (n) => this.notify(n));
          }
          await this.subscriber.subscribe(command.readyTaskIds, command.completedTaskIds);
        };
        subscribe().then(
          () => {
            this.push({ kind: 'subscribed' });
            const held = this.heldNotifications ?? [];
            this.heldNotifications = null;
            for (const notification of held) this.push(notification);
          },
          (e: Error) => this.fail(new Error(`subscribe: ${e.message}`, { cause: e })),
        );
        return;
      }
      case 'probe-outputs':
        return this.answer(async () => {
          const [existing, readyTaskIds] = await Promise.all([
            this.storage.existingOutputs(command.taskIds),
            this.metadata.existingReadyRecords(command.readyTaskIds),
          ]);
          return { kind: 'outputs-probed', existing, readyTaskIds };
        }, 'probe-outputs');
      case 'download': {
        const startMs = this.now();
        this.trace.touch(command.forTaskId, startMs);
        return this.answer(async () => {
          const bytes = await this.storage.getOutput(command.taskId);
          // Absent only for an abandoned duplicate's late download (the core's promise); answered all the same.
          if (bytes !== null) {
            if (!this.local.has(command.taskId)) this.local.set(command.taskId, bytes);
            this.trace.download(command.forTaskId, command.taskId, bytes.length, startMs, this.now());
          }
          return { kind: 'download-done', taskId: command.taskId };
        }, `downloading the output of '${command.taskId}' for '${command.forTaskId}'`);
      }
      case 'download-static': {
        const startMs = this.now();
        this.trace.touch(command.taskId, startMs);
        return this.answer(async () => {
          const bytes = await this.storage.getStaticInput(command.taskId);
          if (bytes === null) throw new Error(`no static input stored for task '${command.taskId}' (the client stores it before the run)`);
          this.staticLocal.set(command.taskId, bytes);
          this.trace.download(command.taskId, `static/${command.taskId}`, bytes.length, startMs, this.now());
          return { kind: 'static-download-done', taskId: command.taskId };
        }, `downloading the static input of '${command.taskId}'`);
      }
      case 'execute':
        return this.execute(command.taskId, command.duplicate);
      case 'upload': {
        const bytes = this.held(command.taskId, 'upload');
        const startMs = this.now();
        return this.answer(async () => {
          await this.storage.putOutput(command.taskId, bytes);
          this.trace.upload(command.taskId, bytes.length, startMs, this.now());
          return { kind: 'upload-done', taskId: command.taskId };
        }, `uploading the output of '${command.taskId}'`);
      }
      case 'increment-counter': {
        const replied = this.trace.roundTrip('counter', command.byTaskId, this.now());
        return this.answer(async () => {
          const value = await this.metadata.increment(counterKey(command.counter), command.byTaskId);
          replied(this.now());
          return { kind: 'counter-incremented', counter: command.counter, byTaskId: command.byTaskId, value };
        }, `incrementing counter '${counterKey(command.counter)}' for '${command.byTaskId}'`);
      }
      case 'read-counter': {
        const replied = this.trace.roundTrip('counter', undefined, this.now());
        return this.answer(async () => {
          const value = await this.metadata.read(counterKey(command.counter));
          replied(this.now());
          return { kind: 'counter-read', counter: command.counter, value };
        }, `reading counter '${counterKey(command.counter)}'`);
      }
      case 'publish-task-completed': {
        const replied = this.trace.roundTrip('publish', command.taskId, this.now());
        return this.send(
          this.publisher.taskCompleted(command.taskId, command.uploaded).then(() => replied(this.now())),
          `publishing TASK_COMPLETED of '${command.taskId}'`,
        );
      }
      case 'publish-task-ready': {
        // Charged to the task executed last: the ready task belongs to another worker.
        const replied = this.trace.roundTrip('publish', undefined, this.now());
        return this.send(
          this.publisher.taskReady(command.taskId).then(() => replied(this.now())),
          `publishing TASK_READY of '${command.taskId}' to '${command.workerId}'`,
        );
      }
      case 'invoke-worker':
        return this.send(
          startWorker(this.options.invoker, this.sink, {
            runId: this.invocation.runId,
            workerId: command.workerId,
            resources: command.resources,
            taskIds: command.taskIds,
            preWarm: false,
            ...(this.invocation.redisUrl ? { redisUrl: this.invocation.redisUrl } : {}),
          }),
          `invoking ${command.workerId ?? 'a flexible worker'} for [${command.taskIds.join(', ')}]`,
        );
      case 'pre-warm':
        return this.answer(async () => {
          if (command.delayMs > 0) await new Promise((r) => setTimeout(r, command.delayMs));
          await startWorker(this.options.invoker, this.sink, {
            runId: this.invocation.runId,
            workerId: null,
            resources: command.resources,
            taskIds: [],
            preWarm: true,
            forTaskId: command.taskId,
            ...(this.invocation.redisUrl ? { redisUrl: this.invocation.redisUrl } : {}),
          });
          return { kind: 'pre-warm-done' };
        }, `pre-warming a ${command.resources.memoryMb} MB worker for '${command.taskId}'`);
      case 'estimate-dup-savings':
        return this.answer(() => this.dupSavings(command.taskId, command.candidateIds), `estimating task-dup savings for '${command.taskId}'`);
      case 'discard-output':
        // The first copy stays in `local` (see there); both copies hold the same bytes, so nothing else to do.
        return;
      case 'store-final-output': {
        const bytes = this.held(command.taskId, 'store as a final output');
        const startMs = this.now();
        return this.answer(async () => {
          await this.storage.putFinalOutput(command.taskId, bytes);
          this.trace.upload(command.taskId, bytes.length, startMs, this.now());
          return { kind: 'final-output-stored', taskId: command.taskId };
        }, `storing the final output of '${command.taskId}'`);
      }
      case 'publish-workflow-completed':
        return this.send(
          this.publisher.workflowCompleted({ atMs: this.now(), instanceId: this.invocation.instanceId }),
          'publishing the workflow completion',
        );
      case 'delete-intermediates':
        return this.send(this.storage.deleteOutputs([...this.workflow.tasks.keys()]), 'deleting the intermediates');
      case 'delete-counters':
        return this.send(this.metadata.deleteAll(this.allCounterKeys(), [...this.workflow.tasks.keys()]), 'deleting the counters');
      case 'shut-down':
        this.stopped = true;
        this.endedAtMs = this.now();
        const cpu = process.cpuUsage(this.cpuAtReady);
        this.cpuMs = (cpu.user + cpu.system) / 1000;
        return;
    }
  }

  /** Every counter the core can use in this run, by `counterKey` (enumerated, so cleanup needs no SCAN). */
  private allCounterKeys(): string[] {
    return [
      ...[...this.workflow.tasks.keys()].map((taskId) => counterKey({ kind: 'dependencies', taskId })),
      ...[...this.ctx.fixedWorkers.keys()].map((workerId) => counterKey({ kind: 'worker-start', workerId })),
      counterKey({ kind: 'sinks-done' }),
      counterKey({ kind: 'cleanup-ready' }),
    ];
  }

  private held(taskId: string, purpose: string): Buffer {
    const bytes = this.local.get(taskId);
    if (!bytes) throw new Error(`${this.invocation.instanceId}: asked to ${purpose} '${taskId}', whose output is not on this worker`);
    return bytes;
  }

  private notify(notification: RunNotification): void {
    if (this.heldNotifications) this.heldNotifications.push(notification);
    else this.push(notification);
  }

  /** Runs a task's code on the next turn of the event loop, so answers already in flight are not held up by it. */
  private execute(taskId: string, duplicate: boolean): void {
    const task = this.workflow.tasks.get(taskId)!;
    this.trace.touch(taskId, this.now());
    if (!duplicate && this.ctx.dupOriginals.has(taskId)) {
      // A worker deciding whether to duplicate this task needs to know how long the original has been running.
      this.send(this.metadata.recordExecStart(taskId, epochNow()), `recording the start of '${taskId}'`);
    }
    // The test fault of a worker that dies every time: the platform's retries run out.
    if (this.config.crashOnEveryAttempt?.includes(taskId) && !duplicate) process.kill(process.pid, 'SIGKILL');
    if (this.config.crashOnFirstAttempt?.includes(taskId) && !duplicate) {
      // The test fault: the first worker to get here dies like an instance killed mid-task (no error reported, no
      // records written); the marker lets Lambda's retry of the same event run the task.
      this.send(
        this.redis.set(this.keys.crashMarker(taskId), this.invocation.instanceId, 'NX').then((set) => {
          if (set === 'OK') process.kill(process.pid, 'SIGKILL');
          this.runTask(task, taskId, duplicate);
        }),
        `checking the crash marker of '${taskId}'`,
      );
      return;
    }
    setImmediate(() => this.runTask(task, taskId, duplicate));
  }

  /** Runs a task's code on inputs already on this worker and answers `exec-done`. */
  private runTask(task: Task, taskId: string, duplicate: boolean): void {
    if (this.failure) return;
    try {
      const inputs = task.upstream.map((u) => {
        const bytes = this.local.get(u);
        if (!bytes) throw new Error(`its input '${u}' is not on worker ${this.invocation.instanceId}`);
        return bytes;
      });
      const staticInput = task.staticInputBytes > 0 ? this.staticLocal.get(taskId) : undefined;
      if (task.staticInputBytes > 0 && staticInput === undefined) throw new Error(`its static input is not on worker ${this.invocation.instanceId}`);
      const fn = getTaskFunction(this.workflow.name, task.functionName);
      const startMs = this.now();
      const cpuBefore = process.cpuUsage();
      const output = fn({ taskId, inputs, staticInput });
      const cpu = process.cpuUsage(cpuBefore);
      const endMs = this.now();
      const inputBytes = inputs.reduce((sum, b) => sum + b.length, staticInput?.length ?? 0);
      this.trace.executed(taskId, inputBytes, output.length, startMs, endMs, (cpu.user + cpu.system) / 1000);
      this.tasksExecuted++;
      if (!this.local.has(taskId)) this.local.set(taskId, output);
      this.push({ kind: 'exec-done', taskId, outputBytes: output.length });
    } catch (e) {
      this.fail(new Error(`task '${taskId}' (${task.functionName}${duplicate ? ', duplicate' : ''}) failed: ${(e as Error).message}`, { cause: e }));
    }
  }

  /**
   * The predicted time saved by running each candidate here instead of waiting for it, as the simulator estimates
   * it: the original's remaining execution plus moving its output, minus running the copy and moving its inputs.
   * Candidates without a planner estimate get none (the core then does not duplicate them).
   */
  private async dupSavings(taskId: string, candidateIds: readonly string[]): Promise<WorkerEvent> {
    const estimates = this.config.taskEstimates ?? {};
    const savings: { taskId: string; savedMs: number }[] = [];
    for (const candidateId of candidateIds) {
      const estimate = estimates[candidateId];
      if (!estimate) continue;
      const startedAt = await this.metadata.execStart(candidateId);
      const elapsedMs = startedAt === undefined ? 0 : epochNow() - startedAt;
      const remainingMs = Math.max(0, estimate.execMs - elapsedMs) + estimate.outputTransferMs;
      savings.push({ taskId: candidateId, savedMs: remainingMs - estimate.execMs - estimate.inputTransferMs });
    }
    return { kind: 'dup-savings', taskId, savings };
  }
}
