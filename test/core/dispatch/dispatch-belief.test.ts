import { describe, expect, it } from 'vitest';
import { dispatchBelief, plannedCompletedWorkMs, waitingInvocation } from '../../../core/dispatch/index.js';
import type { Predictions } from '../../../core/predictions/index.js';
import { resources } from '../../../core/resources.js';
import { MEDIAN } from '../../../core/sla.js';
import type { TaskRecord } from '../../../core/trace-records.js';

function task(taskId: string, startMs: number, execMs: number): TaskRecord {
  return {
    type: 'task', runId: 'r', taskId, functionName: 'f', workerId: 'w', resources: { memoryMb: 2048, vCpus: 1 },
    inputBytes: 0, outputBytes: 0, startMs, endMs: startMs + execMs, execMs, downloads: [], uploads: [],
  };
}

// Only start-ups are read from the predictions: 400 ms cold, 20 ms warm.
const predictions = { startupMs: (_r: unknown, start: string) => (start === 'cold' ? 400 : 20) } as unknown as Predictions;

describe('dispatch belief', () => {
  const belief = dispatchBelief({ makespanMs: 1000, tasks: [task('a', 0, 300), task('b', 300, 500), task('c', 300, 100), task('b', 320, 500)] }, predictions, MEDIAN);
  it('takes each task at its first start: remaining time to the result, execution, and the total work once per task', () => {
    expect(belief.remainingFromTaskMs.get('a')).toBe(1000);
    expect(belief.remainingFromTaskMs.get('b')).toBe(700);
    expect(belief.execMs.get('c')).toBe(100);
    expect(belief.totalWorkMs).toBe(900);
  });
  it("counts as completed, for a dispatcher that does not see completions, the work the estimate finished before an invocation's tasks start", () => {
    // a runs 0-300; b and c start at 300.
    expect(plannedCompletedWorkMs(belief, ['b'])).toBe(300);
    expect(plannedCompletedWorkMs(belief, ['a'])).toBe(0);
  });
  it("makes an invocation's predicted fields from its tasks, its memory and the predicted start-ups", () => {
    const inv = waitingInvocation(belief, {
      seq: 3, requestId: 'q', workflow: 'w', taskIds: ['b', 'c'], resources: resources(4096), resourcesKey: '4096',
      requestArrivalMs: 50, queuedAtMs: 400, priorityClass: 1, slaMs: 2000, completedWorkMs: 300,
    });
    expect(inv).toMatchObject({
      deadlineMs: 2050,
      predictedExecMs: 600,
      predictedRemainingPathMs: 700 + 400,
      predictedRemainingWorkMs: 600,
      predictedColdGbSeconds: (4 * (600 + 400)) / 1000,
      predictedWarmGbSeconds: (4 * (600 + 20)) / 1000,
      memoryMb: 4096,
    });
  });
});
