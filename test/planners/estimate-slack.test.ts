import { describe, expect, it } from 'vitest';
import type { TaskRecord } from '../../core/trace-records.js';
import { createWorkflow } from '../../core/workflow.js';
import { estimateSlackMs } from '../../planners/estimate-slack.js';
import type { PlanEstimate } from '../../planners/planner.js';

function record(taskId: string, endMs: number): TaskRecord {
  return {
    type: 'task', runId: 'r', taskId, functionName: taskId, workerId: 'w', resources: { memoryMb: 2048, vCpus: 1 },
    inputBytes: 0, outputBytes: 0, startMs: 0, endMs, execMs: 1, downloads: [], uploads: [],
  };
}

describe('slack of an estimated run', () => {
  // a → c ← b, c → d, a → e: b is c's last input, so a may finish 20 ms later; e (a sink) ends 30 ms before the run.
  const workflow = createWorkflow('slack', [
    { id: 'a', functionName: 'a', upstream: [] },
    { id: 'b', functionName: 'b', upstream: [] },
    { id: 'c', functionName: 'c', upstream: ['a', 'b'] },
    { id: 'd', functionName: 'd', upstream: ['c'] },
    { id: 'e', functionName: 'e', upstream: ['a'] },
  ]);
  const estimate = (tasks: TaskRecord[]): PlanEstimate => ({ makespanMs: 70, criticalPath: ['b', 'c', 'd'], gbSeconds: 0, costUsd: 0, workers: [], tasks });

  it('is the total float along the estimated schedule', () => {
    const slack = estimateSlackMs(workflow, estimate([record('a', 10), record('b', 30), record('c', 50), record('d', 70), record('e', 40)]));
    expect(Object.fromEntries(slack)).toEqual({ a: 20, b: 0, c: 0, d: 0, e: 30 });
  });

  it("takes a duplicated task's first copy and gives unrecorded tasks unlimited slack", () => {
    const slack = estimateSlackMs(workflow, estimate([record('a', 25), record('a', 10), record('b', 30), record('c', 50), record('d', 70)]));
    expect(slack.get('a')).toBe(20);
    expect(slack.get('e')).toBe(Infinity);
  });
});
