import { describe, expect, it } from 'vitest';
import { runScaleSweep } from '../../experiments/scale/scale-sweep.js';
import { DAG_FAMILIES, familyDag } from '../../traces/synthetic/dag-families.js';

describe('DAG families of the task-count sweep', () => {
  it.each(DAG_FAMILIES)('%s has the asked number of tasks (a tree: the nearest full binary tree) and one sink', (family) => {
    for (const tasks of [10, 101]) {
      const workflow = familyDag(family, tasks, 3);
      const expected = family === 'tree' ? 2 * Math.ceil(tasks / 2) - 1 : tasks;
      expect(workflow.tasks.size).toBe(expected);
      if (family !== 'layered') expect(workflow.sinks).toHaveLength(1);
    }
  });
});

describe('bench scale sweeps', () => {
  it('tasks: bigger layered DAGs complete more tasks per second, each point a batch of requests arriving together', { timeout: 120_000 }, async () => {
    const results = await runScaleSweep({ dimension: 'tasks', values: [10, 100], concurrent: 3 });
    expect(results.points.map((p) => p.tasksPerRequest)).toEqual([10, 100]);
    for (const p of results.points) expect(p.metrics.completed).toBe(3);
    expect(results.points[1]!.tasksPerS).toBeGreaterThan(results.points[0]!.tasksPerS);
    expect(results.points[0]!.efficiency).toBe(1);
  });

  it('limit: a higher account limit never lowers the throughput of the same batch, and concurrency stays within it', { timeout: 120_000 }, async () => {
    const results = await runScaleSweep({ dimension: 'limit', values: [2, 8, 32], concurrent: 12, workload: 'tree_reduction' });
    for (const p of results.points) expect(p.peakLiveInvocations).toBeLessThanOrEqual(p.value);
    const throughputs = results.points.map((p) => p.metrics.throughputPerS);
    expect(throughputs[1]!).toBeGreaterThan(throughputs[0]!);
    expect(throughputs[2]!).toBeGreaterThanOrEqual(throughputs[1]! * 0.999);
  });

  it('bad values are one clear error', async () => {
    await expect(runScaleSweep({ dimension: 'limit', values: [0] })).rejects.toThrow(/each limit value must be a whole number >= 1, got 0/);
    await expect(runScaleSweep({ dimension: 'tasks', values: [10], concurrent: 0 })).rejects.toThrow(/--concurrent must be a whole number >= 1, got 0/);
  });
});
