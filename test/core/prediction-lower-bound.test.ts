/**
 * Issue item 1, zero-millisecond predictions: slope-moved samples were clamped at 0, so at the smallest observed size
 * the median could be 0 and per-byte scaling below it predicted 0 ms for every small input. Times are now never below
 * the smallest positive observation, moved to the target memory by the memory rule and scaled per byte below the
 * smallest observed size (`core/predictions/estimate.ts`, "Lower bound").
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { createPredictions } from '../../core/predictions/index.js';
import { rngFor } from '../../core/random.js';
import { resources, type ResourceConfig } from '../../core/resources.js';
import { MEDIAN, percentile, type Sla } from '../../core/sla.js';
import type { TaskRecord, TraceRun } from '../../core/trace-records.js';
import { createWorkflow } from '../../core/workflow.js';
import { assignWorkers } from '../../planners/worker-assignment.js';
import { randomLayeredDag } from '../../traces/synthetic/random-dag.js';

interface Sample {
  sizeBytes: number;
  value: number;
  memoryMb: number;
}

/** One run: each sample is a task of `f` (input `sizeBytes`, `value` ms) with one download and one upload of that size. */
function historyRun(samples: readonly Sample[], fn = 'f'): TraceRun {
  const tasks: TaskRecord[] = samples.map((s, i) => ({
    type: 'task', runId: 'r', taskId: `t${i}`, functionName: fn, workerId: `w${i}`, resources: resources(s.memoryMb),
    inputBytes: s.sizeBytes, outputBytes: 100, startMs: 0, endMs: s.value, execMs: s.value,
    downloads: [{ key: `in${i}`, sizeBytes: s.sizeBytes, startMs: 0, durationMs: s.value }],
    uploads: [{ key: `out${i}`, sizeBytes: s.sizeBytes, startMs: 0, durationMs: s.value }],
  }));
  return {
    header: { type: 'run', schemaVersion: 1, runId: 'r', workflow: 'w', planner: 'p', sla: 'median', platform: 'synthetic:test', seed: 0 },
    tasks,
    workers: [],
  };
}

/**
 * The history: inputs of 1,000–5,000,000 bytes (three at exactly 1,000), time per byte with lognormal noise and
 * no fixed part, recorded at 1,024/2,048/4,096 MB; the neighbours of 1,000 bytes lie hundreds of kilobytes away.
 */
function perByteHistory(): TraceRun {
  const rng = rngFor(1, 'lower-bound');
  const samples: Sample[] = [];
  for (let i = 0; i < 800; i++) {
    const sizeBytes = i < 3 ? 1000 : Math.round(1000 + rng.next() * 5e6);
    const memoryMb = [1024, 2048, 4096][i % 3]!;
    samples.push({ sizeBytes, memoryMb, value: (1 + sizeBytes / 2000) * Math.exp(0.6 * rng.normal()) * Math.pow(1024 / memoryMb, 0.3) });
  }
  const run = historyRun(samples, 'work');
  // Small outputs, as the tasks: their consumers get inputs of a few hundred bytes.
  const outRng = rngFor(2, 'lower-bound');
  return { ...run, tasks: run.tasks.map((t) => ({ ...t, outputBytes: 10 + outRng.int(290) })) };
}

describe('time predictions below the smallest observed size', () => {
  it('are positive and keep small inputs apart (were 0 ms for every input ≤ 1,000 bytes)', () => {
    const p = createPredictions([perByteHistory()]);
    for (const memoryMb of [2048, 8192]) {
      const at = (bytes: number) => p.execMs('work', bytes, resources(memoryMb), MEDIAN);
      expect(at(10)).toBeGreaterThan(0);
      expect(at(300)).toBeGreaterThan(at(10));
      expect(at(1000)).toBeGreaterThan(at(300));
    }
  });

  it('no longer tie a 993-task layered DAG at 0, so Algorithm 3 makes as many workers at 2,048 MB as at 8,192 MB', () => {
    const p = createPredictions([perByteHistory()]);
    const layered = randomLayeredDag({ tasks: 993, seed: 3, functions: 1, staticInputBytes: 100 });
    const workflow = createWorkflow(
      'w',
      [...layered.tasks.values()].map((t) => ({ id: t.id, functionName: 'work', upstream: [...t.upstream], staticInputBytes: t.staticInputBytes })),
    );
    const workers = (memoryMb: number) => new Set(assignWorkers(workflow, p, MEDIAN, resources(memoryMb)).values()).size;
    // Before the fix: 71 workers at 2,048 MB (every prediction 0 ms, all tasks "short") against 206 at 8,192 MB.
    expect(workers(8192)).toBe(workers(2048));
  });
});

const MEMORIES = [512, 1024, 2048, 8192] as const;
const sizeArb = fc.oneof(fc.integer({ min: 0, max: 20 }).map((x) => x * 250_000), fc.integer({ min: 1, max: 5_000_000 }));
// Zeros are common on purpose: 0 ms records (timer resolution) must not pull a prediction to 0 either.
const valueArb = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 10_000 }), fc.double({ min: 0, max: 10_000, noNaN: true }));
const slaArb: fc.Arbitrary<Sla> = fc.oneof(fc.constant(MEDIAN), fc.integer({ min: 1, max: 100 }).map(percentile));

/** min positive observation moved to `target` by the memory rule (on the path the engine took), per byte below the smallest size. */
function bound(samples: readonly Sample[], path: 'same-config' | 'normalized' | null, target: ResourceConfig, refBytes: number): number {
  const used = path === 'same-config' ? samples.filter((s) => s.memoryMb === target.memoryMb) : samples;
  const positive = used.filter((s) => s.value > 0).map((s) => s.value * Math.pow(s.memoryMb / target.memoryMb, 0.3));
  if (positive.length === 0) return 0;
  const smallestSize = Math.min(...used.map((s) => s.sizeBytes));
  return Math.min(...positive) * Math.min(1, smallestSize === 0 ? 1 : refBytes / smallestSize);
}

describe('lower bound, property', () => {
  test.prop([
    fc.array(fc.record({ sizeBytes: sizeArb, value: valueArb, memoryMb: fc.constantFrom(1024, 2048, 4096) }), { minLength: 1, maxLength: 80 }),
    fc.integer({ min: 0, max: 8_000_000 }),
    fc.constantFrom(...MEMORIES),
    slaArb,
    fc.integer({ min: 1, max: 25 }),
  ])('execution and transfer times are never below the smallest positive observation (scaled by the documented rule)', (samples, refBytes, memoryMb, sla, k) => {
    const p = createPredictions([historyRun(samples)], { neighbourSamples: k });
    const target = resources(memoryMb);
    for (const e of [
      p.explain({ quantity: 'execMs', functionName: 'f', inputBytes: refBytes, resources: target, sla }),
      p.explain({ quantity: 'transferMs', direction: 'download', sizeBytes: refBytes, resources: target, sla }),
      p.explain({ quantity: 'transferMs', direction: 'upload', sizeBytes: refBytes, resources: target, sla }),
    ]) {
      if (e.quantity === 'transferMs' && refBytes === 0) continue; // a 0-byte transfer takes 0 ms by definition
      const b = bound(samples, e.path, target, refBytes);
      expect(e.valueMs).toBeGreaterThanOrEqual(b * (1 - 1e-12));
      if (b > 0) expect(e.valueMs).toBeGreaterThan(0);
    }
  });
});
