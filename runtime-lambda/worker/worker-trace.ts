import type { ResourceConfig } from '../../core/resources.js';
import { threadBusyWithinMs, type RoundTripRecord, type TaskRecord, type TransferRecord, type WorkerRecord } from '../../core/trace-records.js';
import type { Workflow } from '../../core/workflow.js';

/** What a worker measured about one task it handled, in ms since the run's start. */
interface TaskProgress {
  startMs: number;
  inputBytes: number;
  outputBytes: number;
  execMs: number;
  cpuMs: number | undefined;
  execStartMs: number | undefined;
  endMs: number;
  executed: boolean;
  readonly downloads: TransferRecord[];
  readonly uploads: TransferRecord[];
  readonly counterOps: RoundTripRecord[];
  readonly publishOps: RoundTripRecord[];
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * Builds a worker's trace records as it works, in the simulator's format (`core/trace-records.ts`): one task record
 * per task handled here (gathering inputs, execution, uploads), one worker record.
 */
export class WorkerTrace {
  private readonly tasks = new Map<string, TaskProgress>();
  /** The task this worker executed last: where a round trip naming no task of this worker is charged. */
  private lastExecuted: TaskProgress | undefined;
  /** When the worker's one thread ran task code, in order: a reply arriving then waited (`threadBusyMs`). */
  private readonly busy: { readonly startMs: number; readonly endMs: number }[] = [];

  constructor(
    private readonly runId: string,
    private readonly instanceId: string,
    private readonly resources: ResourceConfig,
    private readonly workflow: Workflow,
  ) {}

  private progress(taskId: string, nowMs: number): TaskProgress {
    let p = this.tasks.get(taskId);
    if (!p) {
      p = { startMs: nowMs, inputBytes: 0, outputBytes: 0, execMs: 0, cpuMs: undefined, execStartMs: undefined, endMs: nowMs, executed: false, downloads: [], uploads: [], counterOps: [], publishOps: [] };
      this.tasks.set(taskId, p);
    }
    return p;
  }

  /** A transfer or round trip record from its start and the moment its reply was handled. */
  private span(startMs: number, endMs: number): { startMs: number; durationMs: number; threadBusyMs?: number } {
    const busyMs = r3(threadBusyWithinMs(this.busy, startMs, endMs));
    return { startMs: r3(startMs), durationMs: r3(Math.max(0, endMs - startMs)), ...(busyMs > 0 ? { threadBusyMs: busyMs } : {}) };
  }

  /** Marks the moment the worker starts handling a task (first command about it). */
  touch(taskId: string, nowMs: number): void {
    this.progress(taskId, nowMs);
  }

  /** A download for `forTaskId` of `key` (a task id, or `static/<task>`). */
  download(forTaskId: string, key: string, sizeBytes: number, startMs: number, endMs: number): void {
    const p = this.progress(forTaskId, startMs);
    p.downloads.push({ key, sizeBytes, ...this.span(startMs, endMs) });
  }

  /** An upload of a task's output (intermediate or final). */
  upload(taskId: string, sizeBytes: number, startMs: number, endMs: number): void {
    const p = this.progress(taskId, startMs);
    p.uploads.push({ key: taskId, sizeBytes, ...this.span(startMs, endMs) });
    p.endMs = Math.max(p.endMs, endMs);
  }

  /**
   * A counter round trip (`kind` 'counter') or publish (`kind` 'publish') sent at `startMs`: returns what to call with
   * the time its reply came. It is charged to `taskId` when that task was handled here, else to the task executed last
   * by now (at sending, so a task that ran while the reply was on its way is not charged), and dropped before any task
   * ran here (only a probe's counter reads can come that early, and no task record would hold them).
   */
  roundTrip(kind: 'counter' | 'publish', taskId: string | undefined, startMs: number): (endMs: number) => void {
    const p = (taskId !== undefined ? this.tasks.get(taskId) : undefined) ?? this.lastExecuted;
    return (endMs) => p?.[kind === 'counter' ? 'counterOps' : 'publishOps'].push(this.span(startMs, endMs));
  }

  /** The task's code ran from `startMs` to `endMs` (using `cpuMs` of CPU) on `inputBytes` and produced `outputBytes`. */
  executed(taskId: string, inputBytes: number, outputBytes: number, startMs: number, endMs: number, cpuMs?: number): void {
    const p = this.progress(taskId, startMs);
    p.cpuMs = cpuMs;
    p.executed = true;
    p.inputBytes = inputBytes;
    p.outputBytes = outputBytes;
    p.execMs = endMs - startMs;
    p.execStartMs = startMs;
    p.endMs = Math.max(p.endMs, endMs);
    this.lastExecuted = p;
    this.busy.push({ startMs, endMs });
  }

  /** The worker's records: its worker record, then its task records by start time. */
  records(worker: { invokedAtMs: number; readyAtMs: number; endedAtMs: number; start: 'cold' | 'warm'; preWarm: boolean; cpuMs?: number }): (WorkerRecord | TaskRecord)[] {
    const resources = { memoryMb: this.resources.memoryMb, vCpus: this.resources.vCpus };
    const invokedAtMs = r3(Math.max(0, worker.invokedAtMs));
    const readyAtMs = Math.max(invokedAtMs, r3(worker.readyAtMs));
    const workerRecord: WorkerRecord = {
      type: 'worker',
      runId: this.runId,
      workerId: this.instanceId,
      resources,
      invokedAtMs,
      readyAtMs,
      endedAtMs: Math.max(readyAtMs, r3(worker.endedAtMs)),
      start: worker.start,
      startupMs: r3(readyAtMs - invokedAtMs),
      purpose: worker.preWarm ? 'pre-warm' : 'tasks',
      ...(worker.cpuMs !== undefined ? { cpuMs: r3(worker.cpuMs) } : {}),
    };
    const tasks: TaskRecord[] = [];
    for (const [taskId, p] of this.tasks) {
      // As in the simulator, a task is reported when something was recorded for it here: its execution, or only the
      // downloads of a duplicate abandoned while it was gathering inputs.
      if (!p.executed && p.downloads.length === 0 && p.uploads.length === 0) continue;
      const startMs = r3(p.startMs);
      const endMs = Math.max(startMs, r3(p.endMs));
      tasks.push({
        type: 'task',
        runId: this.runId,
        taskId,
        functionName: this.workflow.tasks.get(taskId)!.functionName,
        workerId: this.instanceId,
        resources,
        inputBytes: p.inputBytes,
        outputBytes: p.outputBytes,
        startMs,
        endMs,
        execMs: Math.min(r3(p.execMs), endMs - startMs),
        ...(p.execStartMs !== undefined ? { execStartMs: r3(p.execStartMs) } : {}),
        ...(p.cpuMs !== undefined ? { cpuMs: r3(p.cpuMs) } : {}),
        downloads: p.downloads,
        uploads: p.uploads,
        ...(p.counterOps.length > 0 ? { counterOps: p.counterOps } : {}),
        ...(p.publishOps.length > 0 ? { publishOps: p.publishOps } : {}),
      });
    }
    tasks.sort((a, b) => a.startMs - b.startMs || a.taskId.localeCompare(b.taskId));
    return [workerRecord, ...tasks];
  }
}
