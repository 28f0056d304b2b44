import TinyQueue from 'tinyqueue';
import type { Plan } from '../core/plan.js';
import { rngFor, type Rng } from '../core/random.js';
import { resourceKey, type ResourceConfig } from '../core/resources.js';
import {
  counterKey,
  createSchedulerContext,
  createWorker,
  initialInvocations,
  step,
  type Command,
  type SchedulerContext,
  type SchedulerParams,
  type WorkerEvent,
  type WorkerState,
} from '../core/scheduler/index.js';
import {
  planRunHeader,
  threadBusyWithinMs,
  type RoundTripRecord,
  type RunHeader,
  type TaskRecord,
  type TraceRecord,
  type TraceRun,
  type TransferRecord,
  type WorkerRecord,
} from '../core/trace-records.js';
import type { Workflow } from '../core/workflow.js';
import type { DurationSource } from './duration-sources.js';
import { EventQueue } from './event-queue.js';
import { counterMs, effectiveVcpus, initMs, isWarm, notifyMs, retryDelayMs, storageOpMs, type PlatformModel } from './platform-model.js';
import { summarizeRun, type RunSummary } from './run-summary.js';

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

/** A worker instance (one Lambda invocation) in the simulation. */
interface Instance {
  readonly id: string;
  readonly plannedWorkerId: string | null;
  readonly resources: ResourceConfig;
  readonly preWarm: boolean;
  readonly invokedAtMs: number;
  readyAtMs: number;
  endedAtMs: number;
  start: 'cold' | 'warm';
  startupMs: number;
  state: WorkerState;
  stopped: boolean;
  /** Sizes of outputs held on this instance. */
  readonly held: Map<string, number>;
  /** Tasks executing here, for CPU sharing. */
  readonly running: Set<Execution>;
  /**
   * Single-threaded worker (`cpu.singleThreadedWorker`): the task whose code runs on the thread now, the tasks queued
   * behind it, the replies that arrived meanwhile, whether a wake-up of the thread is queued, and the spans the
   * thread ran task code in (completed ones, in order).
   */
  runningTask?: Execution;
  readonly pendingTasks: { readonly taskId: string; readonly attempt: number }[];
  readonly heldReplies: SimEvent[];
  threadWakeQueued: boolean;
  readonly busy: ThreadSpan[];
  /** Per task handled here: the trace record being built. */
  readonly tasks: Map<string, TaskProgress>;
  /** The task executed here last: where a round trip naming no task of this instance is charged (as the runtime does). */
  lastExecuted?: TaskProgress;
}

interface TaskProgress {
  /** 1 for the first attempt; the attempt that produced the output when the task ran more than once. */
  attempt: number;
  startMs: number;
  inputBytes: number;
  outputBytes: number;
  execMs: number;
  /** When the execution that produced the output finished; undefined while no attempt has (none began, or all failed). */
  execEndMs: number | undefined;
  endMs: number;
  readonly downloads: TransferRecord[];
  readonly uploads: TransferRecord[];
  readonly counterOps: RoundTripRecord[];
  readonly publishOps: RoundTripRecord[];
}

/** Times in records are kept to microseconds, so files stay readable and byte-stable across platforms. */
function r3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** When a single-threaded worker's thread runs one task's code. */
interface ThreadSpan {
  readonly startMs: number;
  readonly endMs: number;
}

/** A reply's record (transfer or round trip), completed when the worker handles the reply. */
interface ReplyRecord {
  readonly startMs: number;
  durationMs: number;
  threadBusyMs?: number;
}

/** A task executing under processor sharing: work is measured in ms of running alone on its worker. */
interface Execution {
  readonly instance: Instance;
  readonly taskId: string;
  readonly startMs: number;
  remainingAloneMs: number;
  lastUpdateMs: number;
  /** Bumped on every reschedule; a completion event with an older version is stale. */
  version: number;
  readonly outputBytes: number;
}

/** A task attempt that failed: its time was spent, its output discarded. */
interface FailedAttempt {
  readonly instance: Instance;
  readonly taskId: string;
  readonly attempt: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly inputBytes: number;
}

/**
 * Work on a shared host (`cpu.hostCores`): a start-up or a task execution, done when the host's virtual time reaches
 * `doneAtVirtualMs`; `seq` (order of arrival) breaks ties.
 */
type HostJob = (
  | { readonly kind: 'startup'; readonly instance: Instance; readonly taskIds: readonly string[] }
  | { readonly kind: 'exec'; readonly execution: Execution }
  | { readonly kind: 'background' }
) & { readonly doneAtVirtualMs: number; readonly seq: number };

/** An idle execution environment that can serve a warm start. */
interface IdleEnvironment {
  readonly resources: string;
  readonly idleSinceMs: number;
}

type SimEvent =
  | {
      readonly kind: 'deliver';
      readonly instance: Instance;
      /** What the worker steps when it handles the reply; absent for a reply that is only recorded (a publish's). */
      readonly event?: () => WorkerEvent;
      readonly record?: ReplyRecord;
    }
  | { readonly kind: 'exec-finished'; readonly execution: Execution; readonly version: number }
  | { readonly kind: 'start-instance'; readonly instance: Instance; readonly taskIds: readonly string[] }
  /** The first job on the shared host is done, if the host's schedule is still `version`. */
  | { readonly kind: 'host-done'; readonly version: number }
  /** A single-threaded worker's thread may take its next queued task. */
  | { readonly kind: 'thread-free'; readonly instance: Instance }
  | {
      readonly kind: 'retry-invoke';
      readonly plannedWorkerId: string | null;
      readonly resources: ResourceConfig;
      readonly taskIds: readonly string[];
      readonly preWarm: boolean;
      readonly attempt: number;
    }
  | { readonly kind: 'retry-exec'; readonly instance: Instance; readonly taskId: string; readonly attempt: number };

/**
 * Simulates one run of `plan` in virtual time: the scheduler core decides, this interpreter carries the commands out
 * with durations from `options.durations` and latencies from the platform model. Deterministic for a given seed:
 * ties in the event queue break by sequence number and every random draw comes from a stream named after its use.
 *
 * Modelled: cold and warm starts (an environment idle for less than the keep-alive serves a warm start; pre-warm
 * invocations leave one behind), CPU sharing between tasks on one worker (single-threaded tasks, processor sharing of
 * the worker's vCPUs), transfer and storage-operation times, counter and notification latencies, lost notifications
 * to workers that have not subscribed yet (TASK_READY also leaves a record a late subscriber probes), the account
 * concurrency limit (invocations beyond it wait, first come first served), and failures: an invocation that fails
 * before its handler runs is retried by Lambda after the retry delay; a failed task attempt is retried in place after
 * the same delays; when retries run out the run fails. Not yet modelled: network sharing between concurrent
 * transfers and the per-function scaling rate.
 */
export function simulate(workflow: Workflow, plan: Plan, options: SimulationOptions): SimulationResult {
  const ctx: SchedulerContext = createSchedulerContext(workflow, plan, options.schedulerParams);
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

  const queue = new EventQueue<SimEvent>();
  const instances: Instance[] = [];
  const storage = new Map<string, number>();
  const counters = new Map<string, number>();
  // TASK_READY is also recorded in metadata storage, so a worker that subscribes late finds it by probing.
  const readyRecords = new Set<string>();
  const readySubs = new Map<string, Instance[]>();
  const completedSubs = new Map<string, Instance[]>();
  const idle: IdleEnvironment[] = [];
  const execStart = new Map<string, number>();
  let completedAtMs: number | undefined;
  const failedAttempts: FailedAttempt[] = [];
  let events = 0;

  const singleThread = platform.cpu.singleThreadedWorker === true;
  const deliver = (instance: Instance, delayMs: number, event: () => WorkerEvent, record?: ReplyRecord) =>
    queue.pushAfter(delayMs, record && singleThread ? { kind: 'deliver', instance, event, record } : { kind: 'deliver', instance, event });

  const progress = (instance: Instance, taskId: string): TaskProgress => {
    let p = instance.tasks.get(taskId);
    if (!p) {
      p = { attempt: 1, startMs: queue.nowMs, inputBytes: 0, outputBytes: 0, execMs: 0, execEndMs: undefined, endMs: queue.nowMs, downloads: [], uploads: [], counterOps: [], publishOps: [] };
      instance.tasks.set(taskId, p);
    }
    return p;
  };

  // Invocations waiting for a free concurrency slot, first come first served (Lambda's async queue retries throttled
  // events; FIFO is its simplest faithful reading).
  const waiting: { plannedWorkerId: string | null; resources: ResourceConfig; taskIds: readonly string[]; preWarm: boolean; attempt: number }[] = [];
  let live = 0;
  let failedAtMs: number | undefined;
  let failure: string | undefined;
  const failRun = (why: string) => {
    failedAtMs ??= queue.nowMs;
    failure ??= why;
  };

  const invoke = (plannedWorkerId: string | null, resources: ResourceConfig, taskIds: readonly string[], preWarm: boolean, attempt = 1) => {
    if (live >= platform.concurrency.accountLimit) {
      waiting.push({ plannedWorkerId, resources, taskIds, preWarm, attempt });
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
      queue.pushAfter(delayMs, { kind: 'retry-invoke', plannedWorkerId, resources, taskIds, preWarm, attempt: attempt + 1 });
      return;
    }
    live++;
    const key = resourceKey(resources);
    const now = queue.nowMs;
    // Most recently idle environment of these resources still within the keep-alive (most-recently-used routing).
    let warmIndex = -1;
    for (let i = idle.length - 1; i >= 0; i--) {
      const env = idle[i]!;
      if (env.resources === key && env.idleSinceMs <= now && isWarm(platform, env.idleSinceMs, now)) {
        warmIndex = i;
        break;
      }
    }
    if (warmIndex >= 0) idle.splice(warmIndex, 1);
    const start = warmIndex >= 0 ? 'warm' : 'cold';
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
      pendingTasks: [],
      heldReplies: [],
      threadWakeQueued: false,
      busy: [],
      tasks: new Map(),
    };
    instances.push(instance);
    // On a shared host `startupMs` is its time alone; it is ready when the host has given it that much.
    if (hostCores === undefined) queue.pushAfter(startupMs, { kind: 'start-instance', instance, taskIds });
    else addHostJob({ kind: 'startup', instance, taskIds }, startupMs);
  };

  // The shared host (`cpu.hostCores`), processor sharing by virtual time: every job under way (start-up or task
  // execution) progresses at the same rate min(1, cores / n), so the host's virtual clock (ms of progress each job has
  // had) is enough, and only the job that finishes first needs an event, rescheduled whenever n changes.
  const hostCores = platform.cpu.hostCores;
  const hostJobs = new TinyQueue<HostJob>([], (a, b) => a.doneAtVirtualMs - b.doneAtVirtualMs || a.seq - b.seq);
  let hostSeq = 0;
  let hostVirtualMs = 0;
  let hostUpdatedAtMs = 0;
  let hostVersion = 0;
  const hostRate = () => Math.min(1, hostCores! / Math.max(1, hostJobs.length));
  const advanceHost = () => {
    const now = queue.nowMs;
    if (hostJobs.length > 0) hostVirtualMs += (now - hostUpdatedAtMs) * hostRate();
    hostUpdatedAtMs = now;
  };
  const scheduleHost = () => {
    hostVersion++;
    const next = hostJobs.peek();
    if (next) queue.pushAfter(Math.max(0, next.doneAtVirtualMs - hostVirtualMs) / hostRate(), { kind: 'host-done', version: hostVersion });
  };
  type NewHostJob = { kind: 'startup'; instance: Instance; taskIds: readonly string[] } | { kind: 'exec'; execution: Execution } | { kind: 'background' };
  const backgroundMsPerTask = platform.cpu.backgroundMsPerTask ?? 0;
  const addHostJob = (job: NewHostJob, aloneMs: number) => {
    advanceHost();
    hostJobs.push({ ...job, doneAtVirtualMs: hostVirtualMs + aloneMs, seq: hostSeq++ });
    scheduleHost();
  };

  // Recorded like the runtime's: charged to the named task when handled on this instance, else to the task executed
  // here last, dropped before any ran.
  const recordRoundTrip = (instance: Instance, kind: 'counter' | 'publish', taskId: string | undefined, durationMs: number): ReplyRecord | undefined => {
    const p = (taskId !== undefined ? instance.tasks.get(taskId) : undefined) ?? instance.lastExecuted;
    // Rounded as the records are (r3 is idempotent), so the record can take the list as it is.
    const record: ReplyRecord = { startMs: r3(queue.nowMs), durationMs: r3(durationMs) };
    p?.[kind === 'counter' ? 'counterOps' : 'publishOps'].push(record);
    return p ? record : undefined;
  };

  // The publisher's own round trip: recorded only; on a single-threaded worker completed when its reply is handled.
  const recordPublish = (instance: Instance, taskId: string | undefined) => {
    const durationMs = notifyMs(platform, publishRng);
    const record = recordRoundTrip(instance, 'publish', taskId, durationMs);
    if (record && singleThread) queue.pushAfter(durationMs, { kind: 'deliver', instance, record });
  };

  // Completes a reply's record when the worker handles it, as the runtime records it (`threadBusyMs`).
  const completeRecord = (instance: Instance, record: ReplyRecord) => {
    const now = queue.nowMs;
    record.durationMs = r3(now - record.startMs);
    const busyMs = r3(threadBusyWithinMs(instance.busy, record.startMs, now));
    if (busyMs > 0) record.threadBusyMs = busyMs;
  };

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
      if (!subscriber.stopped) deliver(subscriber, notifyMs(platform, notifyRng), () => event);
    }
  };

  // Processor sharing: n single-threaded tasks on V vCPUs each run at min(1, V/n) of a full vCPU.
  const speedFactor = (instance: Instance): number => {
    const alone = effectiveVcpus(platform, instance.resources);
    const shared = Math.min(1, instance.resources.vCpus / Math.max(1, instance.running.size));
    return Math.min(shared, alone) / alone;
  };
  const rescheduleRunning = (instance: Instance, before: number) => {
    const now = queue.nowMs;
    const after = speedFactor(instance);
    for (const execution of instance.running) {
      execution.remainingAloneMs -= (now - execution.lastUpdateMs) * before;
      execution.lastUpdateMs = now;
      execution.version++;
      queue.push(now + Math.max(0, execution.remainingAloneMs) / after, { kind: 'exec-finished', execution, version: execution.version });
    }
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
    queue.pushAfter(0, { kind: 'thread-free', instance });
  };

  const beginExecution = (instance: Instance, taskId: string, attempt: number) => {
    const now = queue.nowMs;
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
    const execution: Execution = { instance, taskId, startMs: now, remainingAloneMs: aloneMs, lastUpdateMs: now, version: 0, outputBytes };
    if (singleThread) instance.runningTask = execution;
    // On a shared host (single-threaded workers only, see `cpu.hostCores`) the host's share sets its speed.
    if (hostCores !== undefined) {
      if (backgroundMsPerTask > 0) addHostJob({ kind: 'background' }, backgroundMsPerTask);
      return addHostJob({ kind: 'exec', execution }, aloneMs);
    }
    // One thread: the task runs alone, at full speed.
    if (singleThread) return void queue.push(now + aloneMs, { kind: 'exec-finished', execution, version: 0 });
    const before = speedFactor(instance);
    instance.running.add(execution);
    rescheduleRunning(instance, before);
  };

  const finishExecution = (execution: Execution) => {
    const instance = execution.instance;
    const now = queue.nowMs;
    if (singleThread) {
      instance.runningTask = undefined;
      instance.busy.push({ startMs: execution.startMs, endMs: now });
      // Replies that came in while the task ran are handled next, after its own exec-done (stepped below, now).
      for (const held of instance.heldReplies) queue.pushAfter(0, held);
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
        queue.pushAfter(delayMs, { kind: 'retry-exec', instance, taskId: execution.taskId, attempt: p.attempt + 1 });
      }
    } else {
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

  const carryOut = (instance: Instance, command: Command) => {
    const now = queue.nowMs;
    switch (command.kind) {
      case 'subscribe':
        subscribe(readySubs, command.readyTaskIds, instance);
        subscribe(completedSubs, command.completedTaskIds, instance);
        deliver(instance, notifyMs(platform, notifyRng), () => ({ kind: 'subscribed' }));
        return;
      case 'probe-outputs':
        deliver(instance, storageOpMs(platform, storageRng), () => ({
          kind: 'outputs-probed',
          existing: command.taskIds.filter((t) => storage.has(t)),
          readyTaskIds: command.readyTaskIds.filter((t) => readyRecords.has(t)),
        }));
        return;
      case 'download': {
        const sizeBytes = storage.get(command.taskId);
        if (sizeBytes === undefined) throw new Error(`simulator: ${instance.id} downloads '${command.taskId}', which is not in storage`);
        const durationMs = durations.transferMs('download', sizeBytes, instance.resources);
        const record: TransferRecord = { key: command.taskId, sizeBytes, startMs: now, durationMs };
        progress(instance, command.forTaskId).downloads.push(record);
        deliver(
          instance,
          durationMs,
          () => {
            instance.held.set(command.taskId, sizeBytes);
            return { kind: 'download-done', taskId: command.taskId };
          },
          record,
        );
        return;
      }
      case 'download-static': {
        const sizeBytes = workflow.tasks.get(command.taskId)!.staticInputBytes;
        const durationMs = durations.transferMs('download', sizeBytes, instance.resources);
        const record: TransferRecord = { key: `static/${command.taskId}`, sizeBytes, startMs: now, durationMs };
        progress(instance, command.taskId).downloads.push(record);
        deliver(instance, durationMs, () => ({ kind: 'static-download-done', taskId: command.taskId }), record);
        return;
      }
      case 'execute':
        if (!command.duplicate && !execStart.has(command.taskId)) execStart.set(command.taskId, now);
        startExecution(instance, command.taskId, 1);
        return;
      case 'upload': {
        const durationMs = durations.transferMs('upload', command.outputBytes, instance.resources);
        const p = progress(instance, command.taskId);
        const record: TransferRecord = { key: command.taskId, sizeBytes: command.outputBytes, startMs: now, durationMs };
        p.uploads.push(record);
        p.endMs = Math.max(p.endMs, now + durationMs);
        deliver(
          instance,
          durationMs,
          () => {
            storage.set(command.taskId, command.outputBytes);
            p.endMs = Math.max(p.endMs, queue.nowMs);
            return { kind: 'upload-done', taskId: command.taskId };
          },
          record,
        );
        return;
      }
      case 'increment-counter': {
        const durationMs = counterMs(platform, counterRng);
        const record = recordRoundTrip(instance, 'counter', command.byTaskId, durationMs);
        // The increment lands at the store when the answer arrives: the earlier arrival sees the smaller value.
        deliver(
          instance,
          durationMs,
          () => {
            const key = counterKey(command.counter);
            const value = (counters.get(key) ?? 0) + 1;
            counters.set(key, value);
            return { kind: 'counter-incremented', counter: command.counter, byTaskId: command.byTaskId, value };
          },
          record,
        );
        return;
      }
      case 'read-counter': {
        const durationMs = counterMs(platform, counterRng);
        const record = recordRoundTrip(instance, 'counter', undefined, durationMs);
        deliver(
          instance,
          durationMs,
          () => ({
            kind: 'counter-read',
            counter: command.counter,
            value: counters.get(counterKey(command.counter)) ?? 0,
          }),
          record,
        );
        return;
      }
      case 'publish-task-completed':
        recordPublish(instance, command.taskId);
        publish(completedSubs, command.taskId, { kind: 'task-completed', taskId: command.taskId, uploaded: command.uploaded });
        return;
      case 'publish-task-ready':
        recordPublish(instance, undefined);
        readyRecords.add(command.taskId);
        publish(readySubs, command.taskId, { kind: 'task-ready', taskId: command.taskId });
        return;
      case 'invoke-worker':
        invoke(command.workerId, command.resources, command.taskIds, false);
        return;
      case 'pre-warm':
        deliver(instance, command.delayMs, () => {
          invoke(null, command.resources, [], true);
          return { kind: 'pre-warm-done' };
        });
        return;
      case 'estimate-dup-savings': {
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
        deliver(instance, 0, () => ({ kind: 'dup-savings', taskId: command.taskId, savings }));
        return;
      }
      case 'store-final-output': {
        const sizeBytes = instance.held.get(command.taskId) ?? 0;
        const durationMs = durations.transferMs('upload', sizeBytes, instance.resources);
        const p = progress(instance, command.taskId);
        const record: TransferRecord = { key: command.taskId, sizeBytes, startMs: now, durationMs };
        p.uploads.push(record);
        p.endMs = Math.max(p.endMs, now + durationMs);
        deliver(
          instance,
          durationMs,
          () => {
            p.endMs = Math.max(p.endMs, queue.nowMs);
            return { kind: 'final-output-stored', taskId: command.taskId };
          },
          record,
        );
        return;
      }
      case 'publish-workflow-completed':
        completedAtMs ??= now;
        return;
      case 'delete-intermediates':
        storage.clear();
        return;
      case 'delete-counters':
        counters.clear();
        readyRecords.clear();
        return;
      case 'shut-down': {
        instance.stopped = true;
        instance.endedAtMs = now;
        idle.push({ resources: resourceKey(instance.resources), idleSinceMs: now });
        live--;
        const next = waiting.shift();
        if (next) invoke(next.plannedWorkerId, next.resources, next.taskIds, next.preWarm, next.attempt);
        return;
      }
      case 'discard-output':
        return;
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
    trace?.({ atMs: queue.nowMs, instanceId: instance.id, event });
    const result = step(instance.state, event);
    instance.state = result.state;
    for (const command of result.commands) {
      trace?.({ atMs: queue.nowMs, instanceId: instance.id, command });
      carryOut(instance, command);
    }
  };

  for (const invocation of initialInvocations(ctx)) invoke(invocation.workerId, invocation.resources, invocation.taskIds, false);

  for (let next = queue.pop(); next !== undefined && failedAtMs === undefined; next = queue.pop()) {
    events++;
    switch (next.kind) {
      case 'start-instance':
        stepInstance(next.instance, { kind: 'invoked', taskIds: next.taskIds, preWarm: next.instance.preWarm });
        break;
      case 'host-done': {
        if (next.version !== hostVersion) break; // rescheduled since
        advanceHost();
        const job = hostJobs.pop()!;
        scheduleHost();
        if (job.kind === 'exec') finishExecution(job.execution);
        else if (job.kind === 'startup') {
          const { instance } = job;
          instance.readyAtMs = queue.nowMs;
          instance.endedAtMs = queue.nowMs;
          instance.startupMs = queue.nowMs - instance.invokedAtMs;
          stepInstance(instance, { kind: 'invoked', taskIds: job.taskIds, preWarm: instance.preWarm });
        }
        break;
      }
      case 'thread-free': {
        const { instance } = next;
        instance.threadWakeQueued = false;
        const task = instance.runningTask ? undefined : instance.pendingTasks.shift();
        if (task) beginExecution(instance, task.taskId, task.attempt);
        break;
      }
      case 'deliver': {
        const { instance, event, record } = next;
        if (instance.runningTask && !instance.stopped) {
          // A reply arriving while the worker's one thread runs a task's code is handled when that task ends.
          instance.heldReplies.push(next);
          break;
        }
        if (record) completeRecord(instance, record);
        if (instance.stopped || !event) break; // a notification to a worker that has shut down is dropped
        stepInstance(instance, event());
        break;
      }
      case 'exec-finished':
        if (next.version === next.execution.version) finishExecution(next.execution);
        break;
      case 'retry-exec':
        startExecution(next.instance, next.taskId, next.attempt);
        break;
      case 'retry-invoke':
        invoke(next.plannedWorkerId, next.resources, next.taskIds, next.preWarm, next.attempt);
        break;
    }
  }

  const outcome: RunOutcome =
    failedAtMs !== undefined
      ? { status: 'failed', atMs: failedAtMs, why: failure! }
      : completedAtMs !== undefined
        ? { status: 'completed', atMs: completedAtMs }
        : { status: 'unfinished' };
  const records = buildRecords(runId, workflow, plan, options, instances, failedAttempts, outcome, retries);
  const run = toRun(records);
  return { records, run, summary: summarizeRun(run, workflow, platform), events, ...(failure ? { failure } : {}) };
}

/** How a run ended: completed, failed (retries exhausted), or unfinished (the core stopped without completing). */
type RunOutcome = { status: 'completed'; atMs: number } | { status: 'failed'; atMs: number; why: string } | { status: 'unfinished' };

function buildRecords(
  runId: string,
  workflow: Workflow,
  plan: Plan,
  options: SimulationOptions,
  instances: readonly Instance[],
  failedAttempts: readonly FailedAttempt[],
  outcome: RunOutcome,
  retries: number,
): TraceRecord[] {
  const header = planRunHeader(runId, workflow, plan, {
    platform: `simulator:${options.platform.profile}`,
    seed: options.seed,
    params: { durations: options.durations.name, initMs: initMs(options.platform), retries },
  });
  const workers: WorkerRecord[] = [];
  const tasks: TaskRecord[] = [];
  for (const instance of instances) {
    const readyAtMs = r3(instance.readyAtMs);
    workers.push({
      type: 'worker',
      runId,
      workerId: instance.id,
      resources: { memoryMb: instance.resources.memoryMb, vCpus: instance.resources.vCpus },
      invokedAtMs: r3(instance.invokedAtMs),
      readyAtMs,
      endedAtMs: Math.max(readyAtMs, r3(instance.endedAtMs)),
      start: instance.start,
      startupMs: r3(instance.readyAtMs - instance.invokedAtMs),
      purpose: instance.preWarm ? 'pre-warm' : 'tasks',
    });
    for (const [taskId, p] of instance.tasks) {
      // Nothing to record when no attempt finished here and nothing moved (a failed attempt has a record of its own).
      // A finished task is recorded even when it took no time and moved nothing (a zero-runtime task whose inputs and
      // output stayed on its worker): a run must hold a record of every task it ran, or it cannot be replayed.
      if (p.execEndMs === undefined && p.downloads.length === 0 && p.uploads.length === 0) continue;
      const startMs = r3(p.startMs);
      const endMs = Math.max(startMs, r3(p.endMs));
      tasks.push({
        type: 'task',
        runId,
        taskId,
        functionName: workflow.tasks.get(taskId)!.functionName,
        workerId: instance.id,
        resources: { memoryMb: instance.resources.memoryMb, vCpus: instance.resources.vCpus },
        inputBytes: p.inputBytes,
        outputBytes: p.outputBytes,
        startMs,
        endMs,
        execMs: Math.min(r3(p.execMs), endMs - startMs),
        downloads: p.downloads.map(roundTransfer),
        uploads: p.uploads.map(roundTransfer),
        ...(p.attempt > 1 ? { attempt: p.attempt } : {}),
        ...(p.counterOps.length > 0 ? { counterOps: p.counterOps } : {}),
        ...(p.publishOps.length > 0 ? { publishOps: p.publishOps } : {}),
      });
    }
  }
  for (const f of failedAttempts) {
    tasks.push({
      type: 'task',
      runId,
      taskId: f.taskId,
      functionName: workflow.tasks.get(f.taskId)!.functionName,
      workerId: f.instance.id,
      resources: { memoryMb: f.instance.resources.memoryMb, vCpus: f.instance.resources.vCpus },
      inputBytes: f.inputBytes,
      outputBytes: 0,
      startMs: r3(f.startMs),
      endMs: r3(f.endMs),
      execMs: r3(f.endMs) - r3(f.startMs),
      downloads: [],
      uploads: [],
      attempt: f.attempt,
    });
  }
  workers.sort((a, b) => a.invokedAtMs - b.invokedAtMs || a.workerId.localeCompare(b.workerId));
  tasks.sort((a, b) => a.startMs - b.startMs || a.taskId.localeCompare(b.taskId));
  const end: TraceRecord[] = outcome.status === 'unfinished' ? [] : [{ type: 'run-end', runId, status: outcome.status, makespanMs: r3(outcome.atMs) }];
  return [header, ...workers, ...tasks, ...end];
}

/** A transfer record as written: times to µs (`threadBusyMs` was rounded when the reply was handled). */
function roundTransfer(t: TransferRecord): TransferRecord {
  const rounded: TransferRecord = { key: t.key, sizeBytes: t.sizeBytes, startMs: r3(t.startMs), durationMs: r3(t.durationMs) };
  if (t.threadBusyMs !== undefined) rounded.threadBusyMs = t.threadBusyMs;
  return rounded;
}

function toRun(records: readonly TraceRecord[]): TraceRun {
  const header = records[0] as RunHeader;
  const tasks: TaskRecord[] = [];
  const workers: WorkerRecord[] = [];
  let end: TraceRun['end'];
  for (const r of records) {
    if (r.type === 'task') tasks.push(r);
    else if (r.type === 'worker') workers.push(r);
    else if (r.type === 'run-end') end = r;
  }
  return end ? { header, tasks, workers, end } : { header, tasks, workers };
}
