import type { Command } from '../../../core/scheduler/commands.js';
import { createSchedulerContext, type SchedulerContext, type SchedulerParams } from '../../../core/scheduler/context.js';
import type { WorkerEvent } from '../../../core/scheduler/events.js';
import { step } from '../../../core/scheduler/step.js';
import { createWorker, type WorkerState } from '../../../core/scheduler/worker-state.js';
import type { Optimization } from '../../../core/optimizations.js';
import type { Plan, TaskPlan } from '../../../core/plan.js';
import type { ResourceConfig } from '../../../core/resources.js';
import { MEDIAN } from '../../../core/sla.js';
import { createWorkflow, type TaskSpec, type Workflow } from '../../../core/workflow.js';

export const SMALL: ResourceConfig = { memoryMb: 1024, vCpus: 0.579 };
export const BIG: ResourceConfig = { memoryMb: 2048, vCpus: 1.158 };
export const MB = 1024 * 1024;

/** Per task: its upstream ids, and optionally where it runs and what it carries. */
export interface TaskSketch {
  readonly up?: readonly string[];
  readonly worker?: string | null;
  readonly resources?: ResourceConfig;
  readonly opts?: readonly Optimization[];
  readonly staticBytes?: number;
}

/** A workflow and plan from a compact description: `{ a: {}, b: { up: ['a'], worker: 'w1' } }`. */
export function scenario(
  sketch: Readonly<Record<string, TaskSketch>>,
  params: Partial<SchedulerParams> = {},
): { workflow: Workflow; plan: Plan; ctx: SchedulerContext } {
  const specs: TaskSpec[] = Object.entries(sketch).map(([id, t]) => ({
    id,
    functionName: `f_${id}`,
    upstream: t.up ?? [],
    staticInputBytes: t.staticBytes ?? 0,
  }));
  const workflow = createWorkflow('wf', specs);
  const tasks = new Map<string, TaskPlan>(
    Object.entries(sketch).map(([id, t]) => [
      id,
      { workerId: t.worker ?? null, resources: t.resources ?? SMALL, optimizations: t.opts ?? [] },
    ]),
  );
  const plan: Plan = { workflow: 'wf', planner: 'test', sla: MEDIAN, tasks };
  return { workflow, plan, ctx: createSchedulerContext(workflow, plan, params) };
}

/** Drives one worker by hand: each `send` returns the commands of that step. */
export class Driven {
  state: WorkerState;
  constructor(ctx: SchedulerContext, workerId: string | null, resources: ResourceConfig = SMALL) {
    this.state = createWorker(ctx, workerId, resources);
  }
  send(event: WorkerEvent): Command[] {
    const result = step(this.state, event);
    this.state = result.state;
    return [...result.commands];
  }
}

/** Shorthands for events. */
export const ev = {
  invoked: (...taskIds: string[]): WorkerEvent => ({ kind: 'invoked', taskIds }),
  subscribed: (): WorkerEvent => ({ kind: 'subscribed' }),
  probed: (existing: string[], readyTaskIds: string[] = []): WorkerEvent => ({ kind: 'outputs-probed', existing, readyTaskIds }),
  downloaded: (taskId: string): WorkerEvent => ({ kind: 'download-done', taskId }),
  staticDownloaded: (taskId: string): WorkerEvent => ({ kind: 'static-download-done', taskId }),
  executed: (taskId: string, outputBytes = 100): WorkerEvent => ({ kind: 'exec-done', taskId, outputBytes }),
  uploaded: (taskId: string): WorkerEvent => ({ kind: 'upload-done', taskId }),
  incremented: (taskId: string, byTaskId: string, value: number): WorkerEvent => ({
    kind: 'counter-incremented',
    counter: { kind: 'dependencies', taskId },
    byTaskId,
    value,
  }),
  read: (taskId: string, value: number): WorkerEvent => ({ kind: 'counter-read', counter: { kind: 'dependencies', taskId }, value }),
  ready: (taskId: string): WorkerEvent => ({ kind: 'task-ready', taskId }),
  completed: (taskId: string, uploaded = true): WorkerEvent => ({ kind: 'task-completed', taskId, uploaded }),
  stored: (taskId: string): WorkerEvent => ({ kind: 'final-output-stored', taskId }),
};

/** Shorthands for commands, so expectations read like the protocol. */
export const cmd = {
  subscribe: (readyTaskIds: string[], completedTaskIds: string[] = []): Command => ({ kind: 'subscribe', readyTaskIds, completedTaskIds }),
  probe: (taskIds: string[], readyTaskIds: string[] = []): Command => ({ kind: 'probe-outputs', taskIds, readyTaskIds }),
  download: (taskId: string, forTaskId: string): Command => ({ kind: 'download', taskId, forTaskId }),
  downloadStatic: (taskId: string): Command => ({ kind: 'download-static', taskId }),
  execute: (taskId: string, duplicate = false): Command => ({ kind: 'execute', taskId, duplicate }),
  upload: (taskId: string, outputBytes = 100): Command => ({ kind: 'upload', taskId, outputBytes }),
  increment: (taskId: string, byTaskId: string): Command => ({
    kind: 'increment-counter',
    counter: { kind: 'dependencies', taskId },
    byTaskId,
  }),
  read: (taskId: string): Command => ({ kind: 'read-counter', counter: { kind: 'dependencies', taskId } }),
  completed: (taskId: string, uploaded: boolean): Command => ({ kind: 'publish-task-completed', taskId, uploaded }),
  ready: (taskId: string, workerId: string): Command => ({ kind: 'publish-task-ready', taskId, workerId }),
  invoke: (workerId: string | null, taskIds: string[], resources: ResourceConfig = SMALL): Command => ({
    kind: 'invoke-worker',
    workerId,
    resources,
    taskIds,
  }),
  store: (taskId: string): Command => ({ kind: 'store-final-output', taskId }),
  shutDown: (): Command => ({ kind: 'shut-down' }),
  finishRun: (): Command[] => [{ kind: 'publish-workflow-completed' }, { kind: 'delete-intermediates' }, { kind: 'delete-counters' }],
};
