import { describe, expect, it } from 'vitest';
import { resources } from '../../core/resources.js';
import type { TaskRecord } from '../../core/trace-records.js';
import { createWorkflow } from '../../core/workflow.js';
import { WorkerTrace } from '../../runtime-lambda/worker/worker-trace.js';

const workflow = createWorkflow('trace', [
  { id: 'a', functionName: 'f', upstream: [] },
  { id: 'b', functionName: 'f', upstream: [], staticInputBytes: 10 },
  { id: 'c', functionName: 'f', upstream: ['a', 'b'] },
]);

function taskRecords(trace: WorkerTrace): Map<string, TaskRecord> {
  const records = trace.records({ invokedAtMs: 0, readyAtMs: 1, endedAtMs: 100, start: 'warm', preWarm: false });
  return new Map(records.filter((r): r is TaskRecord => r.type === 'task').map((r) => [r.taskId, r]));
}

describe('WorkerTrace: time the worker\'s thread ran task code during a transfer or round trip', () => {
  it('records the task code that ran while a reply was awaited as threadBusyMs, and nothing when none ran', () => {
    const trace = new WorkerTrace('run', 'w', resources(2048), workflow);
    trace.touch('a', 1);
    trace.touch('b', 1);
    // b's static input is requested at 1 ms; a's code runs from 2 to 12 ms; the reply is handled at 12.5 ms.
    trace.executed('a', 0, 8, 2, 12, 3.5);
    trace.download('b', 'static/b', 10, 1, 12.5);
    // a's upload starts after its code ran and nothing runs meanwhile.
    trace.upload('a', 8, 12.6, 13.1);
    // a counter increment sent at 13 ms spans b's code (13.2 to 20 ms).
    const replied = trace.roundTrip('counter', 'a', 13);
    trace.executed('b', 10, 4, 13.2, 20);
    replied(20.3);
    const tasks = taskRecords(trace);
    expect(tasks.get('b')!.downloads[0]).toEqual({ key: 'static/b', sizeBytes: 10, startMs: 1, durationMs: 11.5, threadBusyMs: 10 });
    expect(tasks.get('a')!.uploads[0]).toEqual({ key: 'a', sizeBytes: 8, startMs: 12.6, durationMs: 0.5 });
    expect(tasks.get('a')!.counterOps).toEqual([{ startMs: 13, durationMs: 7.3, threadBusyMs: 6.8 }]);
    // When the code ran and the CPU it used, where measured.
    expect(tasks.get('a')).toMatchObject({ execStartMs: 2, execMs: 10, cpuMs: 3.5 });
    expect(tasks.get('b')!.cpuMs).toBeUndefined();
  });

  it('puts the worker process\'s CPU in its worker record when given', () => {
    const trace = new WorkerTrace('run', 'w', resources(2048), workflow);
    const [worker] = trace.records({ invokedAtMs: 0, readyAtMs: 1, endedAtMs: 9, start: 'warm', preWarm: false, cpuMs: 4.25 });
    expect(worker).toMatchObject({ type: 'worker', cpuMs: 4.25 });
  });
});
