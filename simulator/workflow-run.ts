import { waitingInvocation, type DispatchBelief } from '../core/dispatch/index.js';
import type { Plan } from '../core/plan.js';
import { rngFor, type Rng } from '../core/random.js';
import { resourceKey, type ResourceConfig } from '../core/resources.js';
import {
  createSchedulerContext,
  createWorker,
  initialInvocations,
  step,
  type Command,
  type SchedulerContext,
  type WorkerEvent,
} from '../core/scheduler/index.js';
import { threadBusyWithinMs, type TransferRecord } from '../core/trace-records.js';
import type { Workflow } from '../core/workflow.js';
import type { EventOwner, SimEngine } from './engine.js';
import { billWorkers } from './billing.js';
import { counterMs, effectiveVcpus, initMs, notifyMs, retryDelayMs, storageOpMs } from './platform-model.js';
import type { PlatformState } from './platform-state.js';
import { RunCounters } from './run-counters.js';
import { RunEvent } from './run-event.js';
import { buildRecords, toRun } from './run-records.js';
import { r3, type Execution, type FailedAttempt, type Instance, type ReplyRecord, type RunOutcome, type TaskProgress } from './run-state.js';
import { summarizeRun } from './run-summary.js';
import type { DupQuery, SimulationOptions, SimulationResult } from './simulation-types.js';

/**
 * One workflow request on a shared platform: it carries out the scheduler core's commands (one typed handler per
 * command kind) against the engine's clock and the platform's slots, environments and host, and keeps what happened
 * for the record builder. Everything a run decides comes from the core (`core/scheduler`); this is the interpreter.
 *
 * Modelled: cold and warm starts (an environment idle for less than the keep-alive serves a warm start; pre-warm
 * invocations leave one behind), CPU sharing between tasks on one worker (single-threaded tasks, processor sharing of
 * the worker's vCPUs), transfer and storage-operation times, counter and notification latencies, lost notifications
 * to workers that have not subscribed yet (TASK_READY also leaves a record a late subscriber probes), the account
 * concurrency limit (invocations beyond it wait, first come first served), and failures: an invocation that fails
 * before its handler runs is retried by Lambda after the retry delay; a failed task attempt is retried in place after
 * the same delays; when retries run out the run fails and gives back its slots. What runs share goes through the
 * platform (`platform-state.ts`): slots, warm environments, scaling tokens (a cold start without one waits), and the
 * storage server, whose bandwidth every transfer and whose operation rate every storage operation and counter update
 * shares max-min fairly with all others under way (`shared-link.ts`).
 */
export interface WorkflowRun extends EventOwner<RunEvent> {
  readonly runId: string;
  /** Invokes the plan's first workers (the request arrives now). */
  start(): void;
  /** True once retries ran out: the run's later events are ignored. */
  readonly failed: boolean;
  /** The run's records and summary as they stand (call when the engine has no more events of this run). */
  result(): Omit<SimulationResult, 'events'>;
  /** The platform admits an invocation that waited for a concurrency slot. */
  admit(invocation: PendingInvocation): void;
  /** The platform's dispatch strategy refused an invocation that waited: the request fails. */
  refuse(invocation: PendingInvocation, reason: string): void;
  /** The platform's shared host finished a job of this run. */
  hostWorkDone(job: RunHostJob): void;
  /** The storage server finished a transfer or operation of this run: its reply is delivered now. */
  linkDone(reply: RunEvent, slowed: boolean): void;
  /** The run's events on the engine (`tag`: an execution's version for its completion, else 0). */
  handle(event: RunEvent, tag: number): void;
  /** Usage so far, billed as the run's summary bills it (without building records). */
  usage(): RunUsage;
}

/** What a run used and how it went, cheap to ask at any time (what load experiments keep per request). */
export interface RunUsage {
  readonly status: 'completed' | 'failed' | 'unfinished';
  /** When the workflow completed or failed (absolute engine time). */
  readonly endedAtMs: number | undefined;
  /** When the run's first invocation got its slot and environment (absolute engine time). */
  readonly firstInvokedAtMs: number | undefined;
  readonly gbSeconds: number;
  readonly totalUsd: number;
  readonly invocations: number;
  readonly coldStarts: number;
}

/** Who hears when a run ends, and what a caller running many runs of one plan shares with them (load experiments). */
export interface RunHooks {
  /** Called once, when the workflow completed or the run failed. */
  readonly ended?: (run: WorkflowRun) => void;
  /**
   * Called once, when the run holds no invocation any more after it ended (its last worker shut down after the
   * workflow completed, or at once when it failed): its usage is final and the run can be let go.
   */
  readonly drained?: (run: WorkflowRun) => void;
  /**
   * The scheduler core's context of this workflow and plan (`createSchedulerContext`), when the caller already has
   * it: it is immutable, so the many requests of one plan in a load simulation share one.
   */
  readonly context?: SchedulerContext;
  /**
   * What a dispatch queue may know of this run's invocations that wait for a slot (load experiments with a dispatch
   * strategy): the request and the dispatcher's belief of its plan. Without it the platform's queue is FIFO.
   */
  readonly dispatch?: RunDispatchInfo;
}

/** A request as a dispatcher sees it (`RunHooks.dispatch`). */
export interface RunDispatchInfo {
  readonly requestId: string;
  readonly workflow: string;
  readonly arrivalMs: number;
  readonly priorityClass: number;
  readonly slaMs: number;
  readonly belief: DispatchBelief;
}

/** An invocation as a run asks the platform for it. */
export interface PendingInvocation {
  readonly plannedWorkerId: string | null;
  readonly resources: ResourceConfig;
  readonly taskIds: readonly string[];
  readonly preWarm: boolean;
  readonly attempt: number;
}

/** Work a run puts on the shared host: a start-up, a task execution, or a worker's background load. */
export type RunHostJob =
  | { readonly kind: 'startup'; readonly instance: Instance; readonly taskIds: readonly string[] }
  | { readonly kind: 'exec'; readonly execution: Execution }
  | { readonly kind: 'background' };

/** Handlers of every command kind, each given the command narrowed to its kind. */
type CommandHandlers<I> = { readonly [K in Command['kind']]: (instance: I, command: Extract<Command, { kind: K }>) => void };

export { RunEvent } from './run-event.js';

/** The lists of a worker that is not single-threaded: frozen, so a use would throw rather than share state. */
const NEVER_USED: never[] = Object.freeze([]) as unknown as never[];

/**
 * Creates a run of `plan` on `engine` and `platformState`. Its random streams derive from `options.seed` by name
 * (`simulator/<use>`), so runs sharing an engine draw independently of one another.
 */
export function createWorkflowRun(
  engine: SimEngine,
  platformState: PlatformState,
  workflow: Workflow,
  plan: Plan,
  options: SimulationOptions,
  hooks: RunHooks = {},
): WorkflowRun {
  const events = engine;
  const ctx: SchedulerContext = hooks.context ?? createSchedulerContext(workflow, plan, options.schedulerParams);
  const { platform, durations } = options;
  const rng = (name: string): Rng => rngFor(options.seed, `simulator/${name}`);
  const noisy = options.latencyNoise ?? true;
  const counterRng = noisy ? rng('counter') : undefined;
  const notifyRng = noisy ? rng('notify') : undefined;
  const storageRng = noisy ? rng('storage-op') : undefined;
  // The publisher's own round trip, recorded only: a stream of its own so adding it moved no other draw.
  const publishRng = noisy ? rng('publish') : undefined;
  const failureRng = rng('failures');
  let retries = 0;
  const runId = options.runId ?? `${workflow.name}-${plan.planner}-${String(options.seed)}`;

  const instances: Instance[] = [];
  let liveInstances = 0;
  const storage = new Map<string, number>();
  const counters = new RunCounters();
  // TASK_READY is also recorded in metadata storage, so a worker that subscribes late finds it by probing.
  const readyRecords = new Set<string>();
  const readySubs = new Map<string, Instance[]>();
  const completedSubs = new Map<string, Instance[]>();
  const execStart = new Map<string, number>();
  let completedAtMs: number | undefined;
  const failedAttempts: FailedAttempt[] = [];
  const { dispatch } = hooks;
  // Predicted execution of the tasks completed so far, for a dispatcher's remaining-work order.
  let completedWorkMs = 0;
  // Built only when the platform's queue asks (a dispatch strategy other than FIFO is set and the account is full).
  const describeWaiting = (info: RunDispatchInfo, resources: ResourceConfig, taskIds: readonly string[]) => (seq: number) =>
    waitingInvocation(info.belief, {
      seq,
      requestId: info.requestId,
      workflow: info.workflow,
      taskIds,
      resources,
      resourcesKey: resourceKey(resources),
      requestArrivalMs: info.arrivalMs,
      queuedAtMs: engine.nowMs,
      priorityClass: info.priorityClass,
      slaMs: info.slaMs,
      completedWorkMs,
    });

  const singleThread = platform.cpu.singleThreadedWorker === true;
  // A reply known when sent (a notification, dup savings, a subscription's acknowledgement).
  const deliver = (instance: Instance, delayMs: number, reply: WorkerEvent) => events.after(delayMs, RunEvent.deliver(run, instance, reply, undefined, undefined, undefined));
  // A reply made when it arrives (`answerOnArrival`): what the store holds then.
  const deliverAnswer = (instance: Instance, delayMs: number, command: Command) => events.after(delayMs, RunEvent.deliver(run, instance, undefined, command, undefined, undefined));

  const progress = (instance: Instance, taskId: string): TaskProgress => {
    let p = instance.tasks.get(taskId);
    if (!p) {
      p = { attempt: 1, startMs: engine.nowMs, inputBytes: 0, outputBytes: 0, execMs: 0, execEndMs: undefined, endMs: engine.nowMs, downloads: [], uploads: [], counterOps: [], publishOps: [] };
      instance.tasks.set(taskId, p);
    }
    return p;
  };

  let failedAtMs: number | undefined;
  let failure: string | undefined;
  const failRun = (why: string) => {
    if (failedAtMs !== undefined) return;
    failedAtMs = engine.nowMs;
    failure = why;
    // Its invocations end with it: the slots go to other runs (its environments are not reused: they crashed or
    // hold a failed request's state). Instances keep their times for the records.
    for (const instance of instances) if (!instance.stopped) platformState.releaseSlot();
    hooks.ended?.(run);
    hooks.drained?.(run);
  };

  const invoke = (plannedWorkerId: string | null, resources: ResourceConfig, taskIds: readonly string[], preWarm: boolean, attempt = 1) => {
    // Beyond the account's limit an invocation waits for a slot, first come first served across every run on the
    // platform (Lambda's async queue retries throttled events; FIFO is its simplest faithful reading).
    if (!platformState.hasFreeSlot()) {
      platformState.wait<PendingInvocation>(run, { plannedWorkerId, resources, taskIds, preWarm, attempt }, dispatch && describeWaiting(dispatch, resources, taskIds));
      return;
    }
    // A worker failure is modelled as the invocation failing before its handler runs (INIT crash, platform error):
    // Lambda retries the same event later. A crash after the handler started would leave half-done side effects
    // (counters, notifications) that the reference design does not recover from either; task failures cover errors
    // inside a running worker.
    if (failureRng.bernoulli(platform.failures.workerFailureProbability)) {
      const delayMs = retryDelayMs(platform, attempt);
      if (delayMs === undefined) {
        failRun(`the invocation of worker ${plannedWorkerId ?? 'flexible'} for ${taskIds.join(', ') || 'a pre-warm'} failed ${attempt} times`);
        return;
      }
      retries++;
      events.after(delayMs, RunEvent.retryInvoke(run, { plannedWorkerId, resources, taskIds, preWarm, attempt: attempt + 1 }));
      return;
    }
    const start = platformState.startInvocation(resourceKey(resources));
    if (start === 'throttled') {
      platformState.waitForToken<PendingInvocation>(resourceKey(resources), run, { plannedWorkerId, resources, taskIds, preWarm, attempt });
      return;
    }
    const now = engine.nowMs;
    const startupMs = durations.startupMs(resources, start);
    const id = preWarm ? `prewarm-${instances.length}` : plannedWorkerId ?? `flex-${instances.length}`;
    const instance: Instance = {
      id,
      plannedWorkerId,
      resources,
      preWarm,
      invokedAtMs: now,
      readyAtMs: now + startupMs,
      endedAtMs: now + startupMs,
      start,
      startupMs,
      state: createWorker(ctx, preWarm ? null : plannedWorkerId, resources),
      stopped: false,
      held: new Map(),
      running: new Set(),
      // Only a single-threaded worker queues tasks and replies and records its thread's spans: others share empty
      // lists they never add to (three allocations fewer per worker; a flexible plan has one worker per task).
      pendingTasks: singleThread ? [] : NEVER_USED,
      heldReplies: singleThread ? [] : NEVER_USED,
      threadWakeQueued: false,
      busy: singleThread ? [] : NEVER_USED,
      tasks: new Map(),
    };
    instances.push(instance);
    liveInstances++;
    // On a shared host `startupMs` is its time alone; it is ready when the host has given it that much.
    if (hostCores === undefined) events.after(startupMs, RunEvent.startInstance(run, instance, taskIds));
    else platformState.addHostWork({ owner: run, job: { kind: 'startup', instance, taskIds } }, startupMs);
  };

  // The shared host (`cpu.hostCores`) is the platform's: start-ups and executions of every run compete for it.
  const hostCores = platformState.hostCores;
  const backgroundMsPerTask = platform.cpu.backgroundMsPerTask ?? 0;
  const addHostJob = (job: RunHostJob, aloneMs: number) => platformState.addHostWork({ owner: run, job }, aloneMs);

  // Recorded like the runtime's: charged to the named task when handled on this instance, else to the task executed
  // here last, dropped before any ran.
  const recordRoundTrip = (instance: Instance, kind: 'counter' | 'publish', taskId: string | undefined, durationMs: number): ReplyRecord | undefined => {
    const p = (taskId !== undefined ? instance.tasks.get(taskId) : undefined) ?? instance.lastExecuted;
    // Rounded as the records are (r3 is idempotent), so the record can take the list as it is.
    const record: ReplyRecord = { startMs: r3(engine.nowMs), durationMs: r3(durationMs) };
    p?.[kind === 'counter' ? 'counterOps' : 'publishOps'].push(record);
    return p ? record : undefined;
  };

  // The publisher's own round trip: recorded only; on a single-threaded worker completed when its reply is handled.
  const recordPublish = (instance: Instance, taskId: string | undefined) => {
    const durationMs = notifyMs(platform, publishRng);
    const record = recordRoundTrip(instance, 'publish', taskId, durationMs);
    if (record && singleThread) events.after(durationMs, RunEvent.deliver(run, instance, undefined, undefined, record, undefined));
  };

  // Completes a reply's record when the worker handles it, as the runtime records it (`threadBusyMs`).
  const completeRecord = (instance: Instance, record: ReplyRecord) => {
    const now = engine.nowMs;
    record.durationMs = r3(now - record.startMs);
    const busyMs = r3(threadBusyWithinMs(instance.busy, record.startMs, now));
    if (busyMs > 0) record.threadBusyMs = busyMs;
  };

  // Transfers and storage operations go through the shared storage server: the reply comes when the server has moved
  // it (exactly `aloneMs` when the server is not the bottleneck).
  // The reply answers `command` on arrival (`answerOnArrival`); `sizeBytes` is what a download brings.
  const viaServer = (link: 'bandwidth' | 'operations', amount: number, instance: Instance, aloneMs: number, command: Command, record?: ReplyRecord, sizeBytes = 0) =>
    platformState[link].start<RunEvent>(
      run,
      record && singleThread
        ? RunEvent.deliver(run, instance, undefined, command, record, undefined, sizeBytes)
        : RunEvent.deliver(run, instance, undefined, command, undefined, record, sizeBytes),
      amount,
      aloneMs,
    );

  const subscribe = (map: Map<string, Instance[]>, taskIds: readonly string[], instance: Instance) => {
    for (const id of taskIds) {
      const list = map.get(id);
      if (list) list.push(instance);
      else map.set(id, [instance]);
    }
  };
  const publish = (map: Map<string, Instance[]>, taskId: string, event: WorkerEvent) => {
    // Only workers subscribed now hear it (pub/sub is fire-and-forget); delivery takes one notification latency.
    for (const subscriber of map.get(taskId) ?? []) {
      if (!subscriber.stopped) deliver(subscriber, notifyMs(platform, notifyRng), event);
    }
  };

  // Processor sharing: n single-threaded tasks on V vCPUs each run at min(1, V/n) of a full vCPU.
  const speedFactor = (instance: Instance): number => {
    const alone = effectiveVcpus(platform, instance.resources);
    const shared = Math.min(1, instance.resources.vCpus / Math.max(1, instance.running.size));
    return Math.min(shared, alone) / alone;
  };
  // An execution's completion event: one per execution, pushed again (tagged with its version) at every reschedule.
  const finishEventOf = (execution: Execution): RunEvent => (execution.finishEvent ??= RunEvent.execFinished(run, execution));
  // Every start and end of a task on a worker moves the completion of every task running there. Only the first of them
  // (by time, then start order) can come before the next move (its end is one), so only its event is pushed, in the
  // place among equal times it would have had had every task's been pushed: the same order, one event per change
  // instead of one per running task (with 16 tasks on a worker, most of a fixed plan's events were superseded ones).
  const rescheduleRunning = (instance: Instance, before: number) => {
    const now = engine.nowMs;
    const after = speedFactor(instance);
    const firstPlace = engine.reserve(instance.running.size);
    let first: Execution | undefined;
    let firstAtMs = Infinity;
    let firstIndex = 0;
    let index = 0;
    for (const execution of instance.running) {
      execution.remainingAloneMs -= (now - execution.lastUpdateMs) * before;
      execution.lastUpdateMs = now;
      execution.version++;
      const atMs = now + Math.max(0, execution.remainingAloneMs) / after;
      if (first === undefined || atMs < firstAtMs) {
        first = execution;
        firstAtMs = atMs;
        firstIndex = index;
      }
      index++;
    }
    if (first !== undefined) engine.atReserved(firstAtMs, finishEventOf(first), first.version, firstPlace + firstIndex);
  };

  // A single-threaded worker queues the task for its thread (the runtime queues it on the event loop, behind replies
  // already in); otherwise it starts now.
  const startExecution = (instance: Instance, taskId: string, attempt: number) => {
    if (!singleThread) return beginExecution(instance, taskId, attempt);
    instance.pendingTasks.push({ taskId, attempt });
    wakeThread(instance);
  };
  const wakeThread = (instance: Instance) => {
    if (instance.runningTask || instance.threadWakeQueued || instance.pendingTasks.length === 0) return;
    instance.threadWakeQueued = true;
    events.after(0, RunEvent.threadFree(run, instance));
  };

  const beginExecution = (instance: Instance, taskId: string, attempt: number) => {
    const now = engine.nowMs;
    const task = workflow.tasks.get(taskId)!;
    let inputBytes = task.staticInputBytes;
    for (const up of task.upstream) {
      const held = instance.held.get(up);
      // The core's promise, checked where it is cheap: a task runs only with every input on its worker.
      if (held === undefined) throw new Error(`simulator: ${instance.id} executes '${task.id}' without its input '${up}'`);
      inputBytes += held;
    }
    const ref = { taskId: task.id, functionName: task.functionName };
    const aloneMs = durations.execMs(ref, inputBytes, instance.resources);
    const outputBytes = durations.outputBytes(ref, inputBytes);
    const p = progress(instance, taskId);
    p.inputBytes = inputBytes;
    p.attempt = attempt;
    const execution: Execution = { instance, taskId, startMs: now, remainingAloneMs: aloneMs, lastUpdateMs: now, version: 0, outputBytes, finishEvent: undefined };
    if (singleThread) instance.runningTask = execution;
    // On a shared host (single-threaded workers only, see `cpu.hostCores`) the host's share sets its speed.
    if (hostCores !== undefined) {
      if (backgroundMsPerTask > 0) addHostJob({ kind: 'background' }, backgroundMsPerTask);
      return addHostJob({ kind: 'exec', execution }, aloneMs);
    }
    // One thread: the task runs alone, at full speed.
    if (singleThread) return void events.at(now + aloneMs, finishEventOf(execution), 0);
    const before = speedFactor(instance);
    instance.running.add(execution);
    rescheduleRunning(instance, before);
  };

  const finishExecution = (execution: Execution) => {
    const instance = execution.instance;
    const now = engine.nowMs;
    if (singleThread) {
      instance.runningTask = undefined;
      instance.busy.push({ startMs: execution.startMs, endMs: now });
      // Replies that came in while the task ran are handled next, after its own exec-done (stepped below, now).
      for (const held of instance.heldReplies) events.after(0, held);
      instance.heldReplies.length = 0;
    } else if (hostCores === undefined) {
      const before = speedFactor(instance);
      instance.running.delete(execution);
      rescheduleRunning(instance, before);
    }
    const p = progress(instance, execution.taskId);
    if (failureRng.bernoulli(platform.failures.taskFailureProbability)) {
      // The attempt's time is spent and recorded; the worker retries the task after Lambda's retry delay.
      failedAttempts.push({ instance, taskId: execution.taskId, attempt: p.attempt, startMs: execution.startMs, endMs: now, inputBytes: p.inputBytes });
      const delayMs = retryDelayMs(platform, p.attempt);
      if (delayMs === undefined) failRun(`task '${execution.taskId}' failed ${p.attempt} times`);
      else {
        retries++;
        events.after(delayMs, RunEvent.retryExec(run, instance, execution.taskId, p.attempt + 1));
      }
    } else {
      if (dispatch && p.execEndMs === undefined) completedWorkMs += dispatch.belief.execMs.get(execution.taskId) ?? 0;
      p.execMs = now - execution.startMs;
      p.execEndMs = now;
      p.endMs = Math.max(p.endMs, now);
      p.outputBytes = execution.outputBytes;
      instance.held.set(execution.taskId, execution.outputBytes);
      instance.lastExecuted = p;
      stepInstance(instance, { kind: 'exec-done', taskId: execution.taskId, outputBytes: execution.outputBytes });
    }
    if (singleThread) wakeThread(instance);
  };

  // One handler per command kind: a kind the core adds without a handler here fails to compile.
  const handlers: CommandHandlers<Instance> = {
    'subscribe': (instance, command) => {
      subscribe(readySubs, command.readyTaskIds, instance);
      subscribe(completedSubs, command.completedTaskIds, instance);
      deliver(instance, notifyMs(platform, notifyRng), { kind: 'subscribed' });
    },
    'probe-outputs': (instance, command) => {
      viaServer('operations', 1, instance, storageOpMs(platform, storageRng), command);
    },
    'download': (instance, command) => {
      const now = engine.nowMs;
      const sizeBytes = storage.get(command.taskId);
      if (sizeBytes === undefined) throw new Error(`simulator: ${instance.id} downloads '${command.taskId}', which is not in storage`);
      const durationMs = durations.transferMs('download', sizeBytes, instance.resources);
      const record: TransferRecord = { key: command.taskId, sizeBytes, startMs: now, durationMs };
      progress(instance, command.forTaskId).downloads.push(record);
      viaServer('bandwidth', sizeBytes, instance, durationMs, command, record, sizeBytes);
    },
    'download-static': (instance, command) => {
      const now = engine.nowMs;
      const sizeBytes = workflow.tasks.get(command.taskId)!.staticInputBytes;
      const durationMs = durations.transferMs('download', sizeBytes, instance.resources);
      const record: TransferRecord = { key: `static/${command.taskId}`, sizeBytes, startMs: now, durationMs };
      progress(instance, command.taskId).downloads.push(record);
      viaServer('bandwidth', sizeBytes, instance, durationMs, command, record);
    },
    'execute': (instance, command) => {
      const now = engine.nowMs;
      if (!command.duplicate && !execStart.has(command.taskId)) execStart.set(command.taskId, now);
      startExecution(instance, command.taskId, 1);
    },
    'upload': (instance, command) => {
      const now = engine.nowMs;
      const durationMs = durations.transferMs('upload', command.outputBytes, instance.resources);
      const p = progress(instance, command.taskId);
      const record: TransferRecord = { key: command.taskId, sizeBytes: command.outputBytes, startMs: now, durationMs };
      p.uploads.push(record);
      p.endMs = Math.max(p.endMs, now + durationMs);
      viaServer('bandwidth', command.outputBytes, instance, durationMs, command, record);
    },
    'increment-counter': (instance, command) => {
      const durationMs = counterMs(platform, counterRng);
      const record = recordRoundTrip(instance, 'counter', command.byTaskId, durationMs);
      // The increment lands at the store when the answer arrives: the earlier arrival sees the smaller value.
      viaServer('operations', 1, instance, durationMs, command, record);
    },
    'read-counter': (instance, command) => {
      const durationMs = counterMs(platform, counterRng);
      const record = recordRoundTrip(instance, 'counter', undefined, durationMs);
      viaServer('operations', 1, instance, durationMs, command, record);
    },
    'publish-task-completed': (instance, command) => {
      recordPublish(instance, command.taskId);
      publish(completedSubs, command.taskId, { kind: 'task-completed', taskId: command.taskId, uploaded: command.uploaded });
    },
    'publish-task-ready': (instance, command) => {
      recordPublish(instance, undefined);
      readyRecords.add(command.taskId);
      publish(readySubs, command.taskId, { kind: 'task-ready', taskId: command.taskId });
    },
    'invoke-worker': (_instance, command) => {
      invoke(command.workerId, command.resources, command.taskIds, false);
    },
    'pre-warm': (instance, command) => {
      deliverAnswer(instance, command.delayMs, command);
    },
    'estimate-dup-savings': (instance, command) => {
      const now = engine.nowMs;
      const savings = command.candidateIds.map((candidateId) => ({
        taskId: candidateId,
        savedMs: (options.dupSavedMs ?? defaultDupSavedMs)({
          dependentId: command.taskId,
          candidateId,
          resources: instance.resources,
          nowMs: now,
          originalExecStartMs: execStart.get(candidateId),
        }),
      }));
      deliver(instance, 0, { kind: 'dup-savings', taskId: command.taskId, savings });
    },
    'store-final-output': (instance, command) => {
      const now = engine.nowMs;
      const sizeBytes = instance.held.get(command.taskId) ?? 0;
      const durationMs = durations.transferMs('upload', sizeBytes, instance.resources);
      const p = progress(instance, command.taskId);
      const record: TransferRecord = { key: command.taskId, sizeBytes, startMs: now, durationMs };
      p.uploads.push(record);
      p.endMs = Math.max(p.endMs, now + durationMs);
      viaServer('bandwidth', sizeBytes, instance, durationMs, command, record);
    },
    'publish-workflow-completed': (_instance, _command) => {
      if (completedAtMs !== undefined) return;
      completedAtMs = engine.nowMs;
      hooks.ended?.(run);
      if (liveInstances === 0) hooks.drained?.(run);
    },
    'delete-intermediates': (_instance, _command) => {
      storage.clear();
    },
    'delete-counters': (_instance, _command) => {
      counters.clear();
      readyRecords.clear();
    },
    'shut-down': (instance, _command) => {
      const now = engine.nowMs;
      instance.stopped = true;
      instance.endedAtMs = now;
      // A stopped worker is never stepped again (replies and notifications to it are dropped): its scheduler state,
      // a dozen maps and sets, can go, so a large run holds only what its records need.
      instance.state = undefined;
      platformState.endInvocation(resourceKey(instance.resources));
      if (--liveInstances === 0 && completedAtMs !== undefined) hooks.drained?.(run);
    },
    // The output is dropped with the worker: nothing to carry out.
    'discard-output': () => undefined,
  };
  const carryOut = (instance: Instance, command: Command) => (handlers[command.kind] as (instance: Instance, command: Command) => void)(instance, command);

  /**
   * The answer to `command` when its reply reaches a live worker, made from the store as it is then (and what the
   * arrival does to it: an upload lands, a counter increments). `sizeBytes` is what a download brings. Only commands
   * whose reply is made on arrival come here; the rest are answered when sent, or not at all.
   */
  const answerOnArrival = (instance: Instance, command: Command, sizeBytes: number): WorkerEvent => {
    const now = engine.nowMs;
    switch (command.kind) {
      case 'probe-outputs':
        return {
          kind: 'outputs-probed',
          existing: command.taskIds.filter((t) => storage.has(t)),
          readyTaskIds: command.readyTaskIds.filter((t) => readyRecords.has(t)),
        };
      case 'download':
        instance.held.set(command.taskId, sizeBytes);
        return { kind: 'download-done', taskId: command.taskId };
      case 'download-static':
        return { kind: 'static-download-done', taskId: command.taskId };
      case 'upload': {
        storage.set(command.taskId, command.outputBytes);
        const p = instance.tasks.get(command.taskId)!;
        p.endMs = Math.max(p.endMs, now);
        return { kind: 'upload-done', taskId: command.taskId };
      }
      case 'store-final-output': {
        const p = instance.tasks.get(command.taskId)!;
        p.endMs = Math.max(p.endMs, now);
        return { kind: 'final-output-stored', taskId: command.taskId };
      }
      case 'increment-counter': {
        const value = counters.increment(command.counter);
        return { kind: 'counter-incremented', counter: command.counter, byTaskId: command.byTaskId, value };
      }
      case 'read-counter':
        return { kind: 'counter-read', counter: command.counter, value: counters.get(command.counter) };
      case 'pre-warm':
        // The pre-warm invocation goes out when its delay is over, from the worker that asked for it.
        invoke(null, command.resources, [], true);
        return { kind: 'pre-warm-done' };
      default:
        throw new Error(`simulator: no answer on arrival for '${command.kind}'`);
    }
  };

  // Without a planner's estimate, a duplicate saves the original's remaining expected time plus moving its output,
  // minus moving the duplicate's inputs.
  function defaultDupSavedMs(query: DupQuery): number {
    const task = workflow.tasks.get(query.candidateId)!;
    const ref = { taskId: task.id, functionName: task.functionName };
    const planned = plan.tasks.get(query.candidateId)!.resources;
    const inputs = task.upstream.map((u) => storage.get(u) ?? 0);
    const inputBytes = task.staticInputBytes + inputs.reduce((a, b) => a + b, 0);
    const originalExec = durations.execMs(ref, inputBytes, planned);
    const elapsed = query.originalExecStartMs === undefined ? 0 : query.nowMs - query.originalExecStartMs;
    const outputBytes = durations.outputBytes(ref, inputBytes);
    const originalRemaining = Math.max(0, originalExec - elapsed) + durations.transferMs('upload', outputBytes, planned) +
      durations.transferMs('download', outputBytes, query.resources);
    const duplicate = durations.execMs(ref, inputBytes, query.resources) +
      inputs.reduce((sum, bytes) => sum + durations.transferMs('download', bytes, query.resources), 0);
    return originalRemaining - duplicate;
  }

  const trace = options.onTrace;
  const stepInstance = (instance: Instance, event: WorkerEvent) => {
    trace?.({ atMs: engine.nowMs, instanceId: instance.id, event });
    const result = step(instance.state!, event);
    instance.state = result.state;
    for (const command of result.commands) {
      trace?.({ atMs: engine.nowMs, instanceId: instance.id, command });
      carryOut(instance, command);
    }
  };

  const handle = (next: RunEvent, tag: number) => {
    if (failedAtMs !== undefined) return;
    switch (next.kind) {
      case 'start-instance':
        stepInstance(next.instance, { kind: 'invoked', taskIds: next.taskIds!, preWarm: next.instance.preWarm });
        return;
      case 'thread-free': {
        const { instance } = next;
        instance.threadWakeQueued = false;
        const task = instance.runningTask ? undefined : instance.pendingTasks.shift();
        if (task) beginExecution(instance, task.taskId, task.attempt);
        return;
      }
      case 'deliver': {
        const { instance, record } = next;
        if (instance.runningTask && !instance.stopped) {
          // A reply arriving while the worker's one thread runs a task's code is handled when that task ends.
          instance.heldReplies.push(next);
          return;
        }
        if (record) completeRecord(instance, record);
        if (instance.stopped) return; // a notification to a worker that has shut down is dropped
        const command = next.command;
        const event = next.reply ?? (command !== undefined ? answerOnArrival(instance, command, next.sizeBytes) : undefined);
        if (event !== undefined) stepInstance(instance, event);
        return;
      }
      case 'exec-finished': {
        const execution = next.execution!;
        if (tag === execution.version) finishExecution(execution);
        return;
      }
      case 'retry-exec':
        startExecution(next.instance, next.taskId!, next.attempt);
        return;
      case 'retry-invoke': {
        const invocation = next.invocation!;
        invoke(invocation.plannedWorkerId, invocation.resources, invocation.taskIds, invocation.preWarm, invocation.attempt);
        return;
      }
    }
  };

  const run: WorkflowRun = {
    runId,
    get failed() {
      return failedAtMs !== undefined;
    },
    start() {
      for (const invocation of initialInvocations(ctx)) invoke(invocation.workerId, invocation.resources, invocation.taskIds, false);
    },
    handle,
    admit(invocation) {
      if (failedAtMs !== undefined) return;
      invoke(invocation.plannedWorkerId, invocation.resources, invocation.taskIds, invocation.preWarm, invocation.attempt);
    },
    refuse(invocation, reason) {
      failRun(`the dispatcher refused the invocation of worker ${invocation.plannedWorkerId ?? 'flexible'} for ${invocation.taskIds.join(', ') || 'a pre-warm'}: ${reason}`);
    },
    hostWorkDone(job) {
      if (failedAtMs !== undefined) return;
      if (job.kind === 'exec') finishExecution(job.execution);
      else if (job.kind === 'startup') {
        const { instance } = job;
        instance.readyAtMs = engine.nowMs;
        instance.endedAtMs = engine.nowMs;
        instance.startupMs = engine.nowMs - instance.invokedAtMs;
        stepInstance(instance, { kind: 'invoked', taskIds: job.taskIds, preWarm: instance.preWarm });
      }
    },
    linkDone(reply, slowed) {
      // A failed run's records are final (they may have been built already, and share its transfer records).
      if (failedAtMs !== undefined) return;
      // A reply the server slowed down: its record says how long it really took (on a single-threaded worker the
      // record is completed when the reply is handled).
      if (slowed && reply.transfer) reply.transfer.durationMs = r3(engine.nowMs - reply.transfer.startMs);
      handle(reply, 0);
    },
    usage() {
      let coldStarts = 0;
      let firstInvokedAtMs: number | undefined;
      const bill = billWorkers(
        platform,
        instances.map((instance) => {
          if (instance.start === 'cold') coldStarts++;
          if (firstInvokedAtMs === undefined || instance.invokedAtMs < firstInvokedAtMs) firstInvokedAtMs = instance.invokedAtMs;
          // As the summary bills the records: times to µs, INIT for cold starts.
          const readyAtMs = r3(instance.readyAtMs);
          return { resources: instance.resources, durationMs: Math.max(readyAtMs, r3(instance.endedAtMs)) - readyAtMs, initMs: instance.start === 'cold' ? initMs(platform) : 0 };
        }),
      );
      const status = failedAtMs !== undefined ? 'failed' : completedAtMs !== undefined ? 'completed' : 'unfinished';
      return { status, endedAtMs: failedAtMs ?? completedAtMs, firstInvokedAtMs, gbSeconds: bill.gbSeconds, totalUsd: bill.totalUsd, invocations: instances.length, coldStarts };
    },
    result() {
      const outcome: RunOutcome =
        failedAtMs !== undefined
          ? { status: 'failed', atMs: failedAtMs, why: failure! }
          : completedAtMs !== undefined
            ? { status: 'completed', atMs: completedAtMs }
            : { status: 'unfinished' };
      const records = buildRecords(runId, workflow, plan, options, instances, failedAttempts, outcome, retries);
      const traceRun = toRun(records);
      return { records, run: traceRun, summary: summarizeRun(traceRun, workflow, platform), ...(failure ? { failure } : {}) };
    },
  };
  return run;
}
