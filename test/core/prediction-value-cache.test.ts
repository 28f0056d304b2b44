/**
 * Issue item 3 (planning speed): the simulator asks the engine for the same predictions tens of thousands of times per
 * estimate, and each call built a JSON memo key in `explain`. Repeated queries are now answered from value caches
 * without `explain`; the answers, and the errors for malformed queries, are unchanged.
 */
import { describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../core/errors.js';
import { createPredictions } from '../../core/predictions/index.js';
import { resources } from '../../core/resources.js';
import { MEDIAN, percentile, type Sla } from '../../core/sla.js';
import type { TaskRecord, TraceRun, WorkerRecord } from '../../core/trace-records.js';

function history(): TraceRun {
  const tasks: TaskRecord[] = Array.from({ length: 40 }, (_, i) => ({
    type: 'task', runId: 'r', taskId: `t${i}`, functionName: i % 2 ? 'f' : 'g', workerId: `w${i}`, resources: resources([1024, 2048][i % 2]!),
    inputBytes: 1000 * (1 + (i % 7)), outputBytes: 500 + i, startMs: 0, endMs: 10 + i, execMs: 10 + i,
    downloads: [{ key: `d${i}`, sizeBytes: 2000 * (1 + (i % 5)), startMs: 0, durationMs: 3 + i / 10 }],
    uploads: [{ key: `u${i}`, sizeBytes: 3000 * (1 + (i % 3)), startMs: 0, durationMs: 4 + i / 10 }],
  }));
  const workers: WorkerRecord[] = tasks.map((t, i) => ({
    type: 'worker', runId: 'r', workerId: t.workerId, resources: t.resources, invokedAtMs: 0, readyAtMs: 100 + i, endedAtMs: 200,
    start: i % 3 ? 'warm' : 'cold', startupMs: 100 + i,
  }));
  return { header: { type: 'run', schemaVersion: 1, runId: 'r', workflow: 'w', planner: 'p', sla: 'median', platform: 'synthetic:test', seed: 0 }, tasks, workers };
}

describe('prediction value caches', () => {
  it('answer a repeated query without explain, with the value explain gives', () => {
    const p = createPredictions([history()]);
    const explain = vi.spyOn(p, 'explain');
    const r = resources(4096);
    const queries: [string, () => number, () => number][] = [
      ['exec', () => p.execMs('f', 3500, r, MEDIAN), () => p.explain({ quantity: 'execMs', functionName: 'f', inputBytes: 3500, resources: r, sla: MEDIAN }).valueMs],
      ['output', () => p.outputBytes('g', 9000, percentile(90)), () => p.explain({ quantity: 'outputBytes', functionName: 'g', inputBytes: 9000, sla: percentile(90) }).valueBytes],
      ['transfer', () => p.transferMs('upload', 4500, r, percentile(75)), () => p.explain({ quantity: 'transferMs', direction: 'upload', sizeBytes: 4500, resources: r, sla: percentile(75) }).valueMs],
      ['startup', () => p.startupMs(r, 'cold', MEDIAN), () => p.explain({ quantity: 'startupMs', start: 'cold', resources: r, sla: MEDIAN }).valueMs],
    ];
    for (const [name, ask, explained] of queries) {
      explain.mockClear();
      const first = ask();
      const again = ask();
      expect(explain, name).toHaveBeenCalledTimes(1);
      expect(again).toBe(first);
      expect(explained()).toBe(first);
    }
    // A median and the 50th percentile are the same quantile, hence the same cached value.
    expect(p.execMs('f', 3500, r, percentile(50))).toBe(p.execMs('f', 3500, r, MEDIAN));
  });

  it('still reject malformed queries whose numbers match a cached one', () => {
    const p = createPredictions([history()]);
    const r = resources(2048);
    p.execMs('f', 3000, r, percentile(90));
    expect(() => p.execMs('f', 3000, r, { kind: 'quantile', percentile: 90 } as unknown as Sla)).toThrow(ConfigError);
    expect(() => p.execMs('f', 3000, r, percentile(90) as Sla & { percentile: number })).not.toThrow();
    expect(() => p.transferMs('download', -1, r, MEDIAN)).toThrow(ConfigError);
    expect(() => p.startupMs({ memoryMb: 2048, vCpus: 0 }, 'cold', MEDIAN)).toThrow(ConfigError);
  });
});
