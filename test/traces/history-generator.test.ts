import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { checkTraceRecord, type TaskRecord, type WorkerRecord } from '../../core/trace-records.js';
import { resources } from '../../core/resources.js';
import { generateHistory } from '../../traces/synthetic/history-generator.js';
import { parseTraceText, serializeTraceRecords } from '../../traces/trace-io.js';
import { groupRuns } from '../../traces/trace-runs.js';
import { buildWorkload, workloadNames } from '../../traces/workloads/registry.js';

describe('synthetic history generator', () => {
  it('writes one header, one worker per task, every task and a run-end per run, all valid', () => {
    for (const name of workloadNames()) {
      const records = generateHistory(name, { runs: 2, seed: 5 });
      for (const record of records) expect(checkTraceRecord(record).ok).toBe(true);
      const { runs, problems } = groupRuns(records);
      expect(problems).toEqual([]);
      expect(runs).toHaveLength(2);
      const size = buildWorkload(name).tasks.size;
      for (const run of runs) {
        expect(run.tasks).toHaveLength(size);
        expect(run.workers).toHaveLength(size);
        expect(run.end?.status).toBe('completed');
      }
    }
  });

  it('is byte-identical for the same seed and differs for another; reads back identically', () => {
    const text = serializeTraceRecords(generateHistory('image_transformer', { runs: 3, seed: 7 }));
    expect(serializeTraceRecords(generateHistory('image_transformer', { runs: 3, seed: 7 }))).toBe(text);
    expect(serializeTraceRecords(generateHistory('image_transformer', { runs: 3, seed: 8 }))).not.toBe(text);
    const { records, errors } = parseTraceText(text);
    expect(errors).toEqual([]);
    expect(serializeTraceRecords(records)).toBe(text);
  });

  it('cycles the resource configurations, one per run', () => {
    const records = generateHistory('gemm', { runs: 4, seed: 1, resources: [resources(1024), resources(3008)] });
    const memory = groupRuns(records).runs.map((r) => r.tasks[0]!.resources.memoryMb);
    expect(memory).toEqual([1024, 3008, 1024, 3008]);
  });

  it('starts each run cold and reuses idle instances warm', () => {
    const { runs } = groupRuns(generateHistory('tree_reduction', { runs: 1, seed: 3 }));
    const workers = runs[0]!.workers;
    // The 32 leaves start together: all cold. Later levels find the leaves' instances idle.
    expect(workers.filter((w) => w.start === 'cold')).toHaveLength(32);
    expect(workers.filter((w) => w.start === 'warm')).toHaveLength(31);
  });

  test.prop([fc.constantFrom(...workloadNames()), fc.integer({ min: 0, max: 10_000 })], { numRuns: 20 })(
    'runs are causal: inputs exist before they are downloaded, instances run one task at a time',
    (name, seed) => {
      const { runs } = groupRuns(generateHistory(name, { runs: 1, seed }));
      const run = runs[0]!;
      const workflow = buildWorkload(name);
      const byTask = new Map<string, TaskRecord>(run.tasks.map((t) => [t.taskId, t]));
      const byWorker = new Map<string, WorkerRecord>(run.workers.map((w) => [w.workerId, w]));
      for (const task of run.tasks) {
        const worker = byWorker.get(task.workerId)!;
        expect(worker.invokedAtMs).toBeLessThanOrEqual(task.startMs);
        expect(task.endMs).toBeLessThanOrEqual(run.end!.makespanMs);
        for (const up of workflow.tasks.get(task.taskId)!.upstream) {
          const download = task.downloads.find((d) => d.key === up)!;
          expect(download.sizeBytes).toBe(byTask.get(up)!.outputBytes);
          expect(download.startMs).toBeGreaterThanOrEqual(byTask.get(up)!.endMs);
        }
        expect(task.inputBytes).toBe(task.downloads.reduce((s, d) => s + d.sizeBytes, 0));
      }
      // An instance serves invocations one after another: warm workers start after some earlier worker ended.
      const ends = run.workers.map((w) => w.endedAtMs);
      for (const w of run.workers.filter((w) => w.start === 'warm')) expect(ends.some((e) => e <= w.invokedAtMs)).toBe(true);
    },
  );
});
