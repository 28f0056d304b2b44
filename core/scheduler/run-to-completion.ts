import type { ResourceConfig } from '../resources.js';
import { counterKey, type Command, type CommandKind } from './commands.js';
import type { SchedulerContext } from './context.js';
import type { WorkerEvent } from './events.js';
import { initialInvocations } from './launch.js';
import { step } from './step.js';
import { createWorker, type WorkerState } from './worker-state.js';

/** Options of `runToCompletion`. Everything defaults to a deterministic, instantaneous run. */
export interface RunOptions {
  /** Output size of each task (default 1 byte); sizes above the threshold exercise clustering. */
  readonly outputBytes?: (taskId: string) => number;
  /** The answer to `estimate-dup-savings` (default 0 ms: never worth duplicating). */
  readonly dupSavedMs?: (dependentId: string, candidateId: string) => number;
  /**
   * Chooses which queued event is delivered next, as an index in [0, queued). Default: first in, first out. A
   * seeded choice explores the interleavings real latencies produce.
   */
  readonly pick?: (queued: number) => number;
  /** Keep every command in the result (default false, so large runs stay light). */
  readonly recordCommands?: boolean;
  /** Called with every command as it is carried out (tracing, debugging a failed property). */
  readonly onCommand?: (instanceId: string, command: Command) => void;
  /** Give up after this many events (default: generous for the workflow's size). */
  readonly maxEvents?: number;
}

/** A worker instance the run started. */
export interface InstanceRecord {
  readonly instanceId: string;
  readonly plannedWorkerId: string | null;
  readonly resources: ResourceConfig;
  readonly preWarm: boolean;
  stopped: boolean;
}

/** One `execute` command, in the order issued. */
export interface ExecutionRecord {
  readonly instanceId: string;
  readonly taskId: string;
  readonly duplicate: boolean;
}

/** What happened in a run. */
export interface RunResult {
  /** Completion published exactly once, every sink stored, every worker shut down, nothing left queued. */
  readonly completed: boolean;
  readonly workflowCompletedCount: number;
  readonly instances: readonly InstanceRecord[];
  readonly executions: readonly ExecutionRecord[];
  readonly commands: readonly { readonly instanceId: string; readonly command: Command }[];
  readonly commandCounts: Readonly<Partial<Record<CommandKind, number>>>;
  readonly finalOutputs: readonly string[];
  /** Intermediate outputs still stored at the end (should be none: the last sink deletes them). */
  readonly leftoverOutputs: readonly string[];
  /** Counters and TASK_READY records (`ready:<task>`) still stored at the end (should be none). */
  readonly leftoverCounters: readonly string[];
  readonly events: number;
}

/** The driver caught the core breaking a rule of the protocol (reading what does not exist, a second instance...). */
export class RunInvariantError extends Error {
  override readonly name = 'RunInvariantError';
}

interface Instance {
  readonly record: InstanceRecord;
  state: WorkerState;
  /** Outputs on this instance, as the driver sees them. */
  readonly held: Set<string>;
  readonly staticHeld: Set<string>;
}

/**
 * A queued delivery: a ready-made event (invocation, notification), or the command whose answer is built, with its
 * effect, at delivery time (reads see the store as it is then; uploads and increments land then).
 */
interface Queued {
  readonly instance: Instance;
  readonly event?: WorkerEvent;
  readonly answer?: Command;
}

/**
 * Plays a whole workflow through the scheduler core with instantaneous durations and an in-memory model of
 * intermediate storage, counters and pub/sub. Effects that others can observe happen as late as possible (an upload
 * is visible when its `upload-done` is delivered, an increment lands when its answer is, a read sees the value at
 * delivery), and a subscription
 * only hears what is published after it, so ordering bugs in the core show. Checks as it goes that every download
 * reads an existing output, every execution has all its inputs on its worker, and a fixed worker is started at most
 * once; a violation throws `RunInvariantError`.
 */
export function runToCompletion(ctx: SchedulerContext, options: RunOptions = {}): RunResult {
  const outputBytes = options.outputBytes ?? (() => 1);
  const dupSavedMs = options.dupSavedMs ?? (() => 0);
  const maxEvents = options.maxEvents ?? 100 * (ctx.tasks.size + ctx.workflow.graph.size) + 1000;

  const instances: Instance[] = [];
  const fixedInstances = new Map<string, Instance>();
  const storage = new Set<string>();
  const finalOutputs = new Set<string>();
  const counters = new Map<string, number>();
  const readyRecords = new Set<string>();
  const readySubs = new Map<string, Instance[]>();
  const completedSubs = new Map<string, Instance[]>();
  const executions: ExecutionRecord[] = [];
  const commands: { instanceId: string; command: Command }[] = [];
  const commandCounts: Partial<Record<CommandKind, number>> = {};
  let workflowCompletedCount = 0;
  let cleanedUp = false;
  let flexibleCount = 0;
  let warmCount = 0;

  const queue: Queued[] = [];
  let head = 0;
  const fail = (message: string): never => {
    throw new RunInvariantError(message);
  };

  const start = (plannedWorkerId: string | null, resources: ResourceConfig, taskIds: readonly string[], preWarm: boolean) => {
    let instanceId: string;
    if (preWarm) instanceId = `warm-${++warmCount}`;
    else if (plannedWorkerId === null) instanceId = `flex-${++flexibleCount}`;
    else {
      if (fixedInstances.has(plannedWorkerId)) fail(`fixed worker '${plannedWorkerId}' invoked a second time`);
      instanceId = plannedWorkerId;
    }
    const instance: Instance = {
      record: { instanceId, plannedWorkerId, resources, preWarm, stopped: false },
      state: createWorker(ctx, plannedWorkerId, resources),
      held: new Set(),
      staticHeld: new Set(),
    };
    instances.push(instance);
    if (plannedWorkerId !== null && !preWarm) fixedInstances.set(plannedWorkerId, instance);
    queue.push({ instance, event: { kind: 'invoked', taskIds, preWarm } });
  };

  const subscribe = (map: Map<string, Instance[]>, taskIds: readonly string[], instance: Instance) => {
    for (const id of taskIds) {
      const list = map.get(id);
      if (list) list.push(instance);
      else map.set(id, [instance]);
    }
  };
  const notify = (map: Map<string, Instance[]>, taskId: string, event: WorkerEvent) => {
    for (const subscriber of map.get(taskId) ?? []) if (!subscriber.record.stopped) queue.push({ instance: subscriber, event });
  };

  /** Carries a command out as it is issued: checks, immediate effects, and queues its answer if it has one. */
  const carryOut = (instance: Instance, command: Command) => {
    const id = instance.record.instanceId;
    commandCounts[command.kind] = (commandCounts[command.kind] ?? 0) + 1;
    if (options.recordCommands) commands.push({ instanceId: id, command });
    options.onCommand?.(id, command);
    switch (command.kind) {
      case 'subscribe':
        subscribe(readySubs, command.readyTaskIds, instance);
        subscribe(completedSubs, command.completedTaskIds, instance);
        break;
      case 'download':
        if (!storage.has(command.taskId)) fail(`${id} downloads '${command.taskId}', which is not in storage`);
        break;
      case 'execute': {
        const info = ctx.tasks.get(command.taskId)!;
        for (const input of info.upstream) {
          if (!instance.held.has(input)) fail(`${id} executes '${command.taskId}' without its input '${input}'`);
        }
        if (info.staticInputBytes > 0 && !instance.staticHeld.has(command.taskId)) {
          fail(`${id} executes '${command.taskId}' without its static input`);
        }
        executions.push({ instanceId: id, taskId: command.taskId, duplicate: command.duplicate });
        break;
      }
      case 'upload':
      case 'store-final-output':
        if (!instance.held.has(command.taskId)) fail(`${id} writes '${command.taskId}', which it does not hold`);
        break;
      case 'publish-task-completed':
        // After the cleanup a late TASK_COMPLETED is harmless (every task is done), so only earlier ones are checked.
        if (command.uploaded && !storage.has(command.taskId) && !cleanedUp) fail(`${id} announces '${command.taskId}' uploaded before it is`);
        notify(completedSubs, command.taskId, { kind: 'task-completed', taskId: command.taskId, uploaded: command.uploaded });
        return;
      case 'publish-task-ready':
        // The target may not exist yet only if another worker won its start claim and has yet to invoke it.
        if (!fixedInstances.has(command.workerId) && !counters.has(counterKey({ kind: 'worker-start', workerId: command.workerId }))) {
          fail(`${id} sends TASK_READY '${command.taskId}' to '${command.workerId}', which nobody starts`);
        }
        readyRecords.add(command.taskId);
        notify(readySubs, command.taskId, { kind: 'task-ready', taskId: command.taskId });
        return;
      case 'invoke-worker':
        start(command.workerId, command.resources, command.taskIds, false);
        return;
      case 'pre-warm':
        start(null, command.resources, [], true);
        break;
      case 'publish-workflow-completed':
        workflowCompletedCount++;
        return;
      case 'delete-intermediates':
        storage.clear();
        cleanedUp = true;
        return;
      case 'delete-counters':
        counters.clear();
        readyRecords.clear();
        return;
      case 'shut-down':
        instance.record.stopped = true;
        return;
      case 'discard-output':
        return;
    }
    queue.push({ instance, answer: command });
  };

  /** The answer to a command, with the effects that become visible when it arrives. */
  const answer = (instance: Instance, command: Command): WorkerEvent => {
    switch (command.kind) {
      case 'subscribe':
        return { kind: 'subscribed' };
      case 'probe-outputs':
        return {
          kind: 'outputs-probed',
          existing: command.taskIds.filter((t) => storage.has(t)),
          readyTaskIds: command.readyTaskIds.filter((t) => readyRecords.has(t)),
        };
      case 'download':
        instance.held.add(command.taskId);
        return { kind: 'download-done', taskId: command.taskId };
      case 'download-static':
        instance.staticHeld.add(command.taskId);
        return { kind: 'static-download-done', taskId: command.taskId };
      case 'execute':
        instance.held.add(command.taskId);
        return { kind: 'exec-done', taskId: command.taskId, outputBytes: outputBytes(command.taskId) };
      case 'upload':
        storage.add(command.taskId);
        return { kind: 'upload-done', taskId: command.taskId };
      case 'increment-counter': {
        // Lands when the answer is delivered, the latest a real store could apply it.
        const key = counterKey(command.counter);
        const value = (counters.get(key) ?? 0) + 1;
        counters.set(key, value);
        return { kind: 'counter-incremented', counter: command.counter, byTaskId: command.byTaskId, value };
      }
      case 'read-counter':
        return { kind: 'counter-read', counter: command.counter, value: counters.get(counterKey(command.counter)) ?? 0 };
      case 'pre-warm':
        return { kind: 'pre-warm-done' };
      case 'estimate-dup-savings':
        return {
          kind: 'dup-savings',
          taskId: command.taskId,
          savings: command.candidateIds.map((c) => ({ taskId: c, savedMs: dupSavedMs(command.taskId, c) })),
        };
      case 'store-final-output':
        finalOutputs.add(command.taskId);
        return { kind: 'final-output-stored', taskId: command.taskId };
      default:
        return fail(`no answer for '${command.kind}'`);
    }
  };

  for (const invocation of initialInvocations(ctx)) start(invocation.workerId, invocation.resources, invocation.taskIds, false);

  let events = 0;
  while (head < queue.length) {
    if (++events > maxEvents) fail(`no end after ${maxEvents} events`);
    let next: Queued;
    if (options.pick) {
      // Swap-remove from the live part of the queue: O(1) per event whatever the choice.
      const live = queue.length - head;
      const at = head + (options.pick(live) % live);
      next = queue[at]!;
      queue[at] = queue[head]!;
      head++;
    } else {
      next = queue[head++]!;
    }
    if (head > 4096 && head * 2 > queue.length) {
      queue.splice(0, head);
      head = 0;
    }
    const instance = next.instance;
    const event = next.event ?? answer(instance, next.answer!);
    if (instance.record.stopped && event.kind !== 'task-ready' && event.kind !== 'task-completed') {
      fail(`${instance.record.instanceId} got '${event.kind}' after shutting down`);
    }
    const result = step(instance.state, event);
    instance.state = result.state;
    for (const command of result.commands) carryOut(instance, command);
  }

  const allStopped = instances.every((i) => i.record.stopped);
  return {
    completed: workflowCompletedCount === 1 && allStopped && ctx.sinks.every((s) => finalOutputs.has(s)),
    workflowCompletedCount,
    instances: instances.map((i) => i.record),
    executions,
    commands,
    commandCounts,
    finalOutputs: [...finalOutputs],
    leftoverOutputs: [...storage],
    leftoverCounters: [...counters.keys(), ...[...readyRecords].map((t) => `ready:${t}`)],
    events,
  };
}
