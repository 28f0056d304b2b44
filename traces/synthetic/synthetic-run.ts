import TinyQueue from 'tinyqueue';
import type { Rng } from '../../core/random.js';
import type { ResourceConfig } from '../../core/resources.js';
import type { RunHeader, TaskRecord, TraceRecord, TransferRecord, WorkerRecord } from '../../core/trace-records.js';
import type { Workflow } from '../../core/workflow.js';
import { sampleStartupMs, sampleTransferMs, type SyntheticPlatform } from './synthetic-platform.js';

/** What one synthetic run needs besides the workflow: its header, resources, platform, and where task figures come from. */
export interface SyntheticRunSetup {
  readonly header: RunHeader;
  readonly config: ResourceConfig;
  readonly platform: SyntheticPlatform;
  readonly transferRng: Rng;
  readonly startupRng: Rng;
  /** Execution time of a task for its input (called before `outputBytes`, once per task, in invocation order). */
  readonly execMs: (taskId: string, inputBytes: number) => number;
  /** Output size of a task for its input. */
  readonly outputBytes: (taskId: string, inputBytes: number) => number;
}

/** Millisecond values are kept to microseconds, so files stay readable and byte-stable across platforms. */
function ms(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/**
 * Plays one synthetic run (the built-in histories and the synthetic runs of imported instances): every task gets its
 * own invocation when its last upstream task ends, on a warm instance if one of the run's instances has been idle for
 * less than the keep-alive (the most recently freed one, most-recently-used routing as SimFaaS assumes), else on a
 * cold one; it downloads its static input and each upstream output in turn, runs, and uploads its output. Returns the
 * header, the worker and task records and the run's end.
 */
export function playSyntheticRun(workflow: Workflow, setup: SyntheticRunSetup): TraceRecord[] {
  const { config, platform } = setup;
  const runId = setup.header.runId;
  const resources = { memoryMb: config.memoryMb, vCpus: config.vCpus };
  const endMs = new Map<string, number>();
  const outputBytes = new Map<string, number>();
  const remaining = new Map<string, number>();
  for (const [id, task] of workflow.tasks) remaining.set(id, task.upstream.length);
  const order = new Map(workflow.topologicalOrder.map((id, index) => [id, index]));
  // Tasks whose inputs are all produced, earliest invocation first (ties in topological order), so warm instances go
  // to whoever asks first in time. The topological index travels with each entry: a Map lookup in the comparator,
  // which runs O(n log n) times, did not pay.
  const ready = new TinyQueue<{ id: string; atMs: number; index: number }>(
    workflow.roots.map((id) => ({ id, atMs: 0, index: order.get(id)! })),
    (a, b) => a.atMs - b.atMs || a.index - b.index,
  );
  // Instances still running a task, by when they become idle; and idle ones, oldest-freed first.
  const busy = new TinyQueue<{ freeAtMs: number }>([], (a, b) => a.freeAtMs - b.freeAtMs);
  const idle: { freeAtMs: number }[] = [];
  const taskRecords: TaskRecord[] = [];
  const workerRecords: WorkerRecord[] = [];

  for (let next = ready.pop(); next !== undefined; next = ready.pop()) {
    const { id, atMs: invokedAtMs } = next;
    const task = workflow.tasks.get(id)!;
    while (busy.length > 0 && busy.peek()!.freeAtMs <= invokedAtMs) idle.push(busy.pop()!);
    let instance = idle.pop();
    if (instance && invokedAtMs - instance.freeAtMs > platform.keepAliveMs) {
      idle.length = 0;
      instance = undefined;
    }
    const start = instance ? 'warm' : 'cold';
    instance ??= { freeAtMs: 0 };
    const startupMs = ms(sampleStartupMs(platform, start, setup.startupRng));
    const readyAtMs = ms(invokedAtMs + startupMs);
    const workerId = `w${workerRecords.length}`;

    let clock = readyAtMs;
    const downloads: TransferRecord[] = [];
    const download = (key: string, sizeBytes: number) => {
      const durationMs = ms(sampleTransferMs(platform, sizeBytes, config, setup.transferRng));
      downloads.push({ key, sizeBytes, startMs: clock, durationMs });
      clock = ms(clock + durationMs);
    };
    if (task.staticInputBytes > 0) download(`static/${id}`, task.staticInputBytes);
    for (const up of task.upstream) download(up, outputBytes.get(up)!);
    const inputBytes = downloads.reduce((sum, d) => sum + d.sizeBytes, 0);

    const execMs = ms(setup.execMs(id, inputBytes));
    const produced = setup.outputBytes(id, inputBytes);
    clock = ms(clock + execMs);
    const uploadMs = ms(sampleTransferMs(platform, produced, config, setup.transferRng));
    const uploads: TransferRecord[] = [{ key: id, sizeBytes: produced, startMs: clock, durationMs: uploadMs }];
    clock = ms(clock + uploadMs);

    instance.freeAtMs = clock;
    busy.push(instance);
    endMs.set(id, clock);
    outputBytes.set(id, produced);
    workerRecords.push({ type: 'worker', runId, workerId, resources, invokedAtMs, readyAtMs, endedAtMs: clock, start, startupMs, purpose: 'tasks' });
    taskRecords.push({
      type: 'task',
      runId,
      taskId: id,
      functionName: task.functionName,
      workerId,
      resources,
      inputBytes,
      outputBytes: produced,
      startMs: readyAtMs,
      endMs: clock,
      execMs,
      downloads,
      uploads,
      attempt: 1,
    });
    for (const down of task.downstream) {
      const left = remaining.get(down)! - 1;
      remaining.set(down, left);
      if (left === 0) {
        let upstreamEnd = 0;
        for (const up of workflow.tasks.get(down)!.upstream) upstreamEnd = Math.max(upstreamEnd, endMs.get(up)!);
        ready.push({ id: down, atMs: upstreamEnd, index: order.get(down)! });
      }
    }
  }

  let makespanMs = 0;
  for (const end of endMs.values()) makespanMs = Math.max(makespanMs, end);
  workerRecords.sort((a, b) => a.invokedAtMs - b.invokedAtMs || a.workerId.localeCompare(b.workerId));
  const records: TraceRecord[] = [setup.header];
  // One push per record: spreading a 100,000-task run into push() would overflow the argument stack.
  for (const r of workerRecords) records.push(r);
  for (const r of taskRecords) records.push(r);
  records.push({ type: 'run-end', runId, status: 'completed', makespanMs });
  return records;
}
