import { describe, expect, it } from 'vitest';
import { flexiblePlan } from '../../core/plan.js';
import { rngFor } from '../../core/random.js';
import { resources } from '../../core/resources.js';
import { MEDIAN } from '../../core/sla.js';
import { createWorkflow } from '../../core/workflow.js';
import { replayDurations, type DurationSource } from '../../simulator/duration-sources.js';
import { DEFAULT_PLATFORM_MODEL } from '../../simulator/platform-defaults.js';
import { simulate } from '../../simulator/simulate.js';

/** Execution times by task id, outputs of a few bytes, fixed start-ups and bandwidth-bound transfers. */
function durations(execMs: Record<string, number>): DurationSource {
  return {
    name: 'fixed',
    execMs: (task) => execMs[task.taskId]!,
    outputBytes: () => 10,
    startupMs: (_r, start) => (start === 'cold' ? 300 : 40),
    transferMs: (_d, bytes) => (bytes === 0 ? 0 : 1 + bytes / 75_000),
  };
}

describe('a task that takes no time and moves nothing', () => {
  it('still has its task record, so the simulated run can be replayed', () => {
    // a → b → c on one flexible worker (it continues with its only child): b downloads nothing and keeps its output
    // for c, so with no execution time its progress looked like that of a task never executed and its record was
    // dropped; the run then lacked b, and replaying it failed ("has no record of task 'b'").
    const workflow = createWorkflow('zero-middle', [
      { id: 'a', functionName: 'f', upstream: [] },
      { id: 'b', functionName: 'g', upstream: ['a'] },
      { id: 'c', functionName: 'f', upstream: ['b'] },
    ]);
    const plan = flexiblePlan(workflow, 'flexible', MEDIAN, resources(2048));
    const result = simulate(workflow, plan, { platform: DEFAULT_PLATFORM_MODEL, durations: durations({ a: 100, b: 0, c: 50 }), seed: 1 });
    expect(result.summary.status).toBe('completed');
    const b = result.run.tasks.filter((t) => t.taskId === 'b');
    expect(b).toHaveLength(1);
    expect(b[0]).toMatchObject({ execMs: 0, downloads: [], uploads: [] });
    expect(result.summary.criticalPath).toEqual(['a', 'b', 'c']);

    const rngs = { startup: rngFor(2, 'startup'), transfer: rngFor(2, 'transfer') };
    const replayed = simulate(workflow, plan, { platform: DEFAULT_PLATFORM_MODEL, durations: replayDurations(result.run, DEFAULT_PLATFORM_MODEL, rngs), seed: 2 });
    expect(replayed.summary.status).toBe('completed');
    expect(replayed.run.tasks.map((t) => t.taskId).sort()).toEqual(['a', 'b', 'c']);
  });
});
