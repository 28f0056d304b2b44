import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { createPredictions, type PredictionOptions, type Predictions } from '../../core/predictions/index.js';
import type { ResourceConfig } from '../../core/resources.js';
import { MEDIAN, percentile, type Sla } from '../../core/sla.js';
import type { TaskRecord, TraceRun, WorkerRecord } from '../../core/trace-records.js';

const CONFIGS: Record<number, ResourceConfig> = {
  512: { memoryMb: 512, vCpus: 0.289 },
  1024: { memoryMb: 1024, vCpus: 0.579 },
  2048: { memoryMb: 2048, vCpus: 1.158 },
};
const MEMORIES = [512, 1024, 2048] as const;

interface Sample {
  sizeBytes: number;
  value: number;
  memoryMb: number;
}

/**
 * One run in which every sample is observed as every quantity at once: a task with input `sizeBytes`, execution
 * and output `value`, one download and one upload of `sizeBytes` taking `value` ms, and a worker starting in `value`
 * ms (alternately cold and warm). So a single history exercises all four predictions.
 */
function historyRun(samples: readonly Sample[]): TraceRun {
  const runId = 'r';
  const tasks: TaskRecord[] = samples.map((s, i) => ({
    type: 'task', runId, taskId: `t${i}`, functionName: 'f', workerId: `w${i}`, resources: CONFIGS[s.memoryMb]!,
    inputBytes: s.sizeBytes, outputBytes: s.value, startMs: 0, endMs: s.value, execMs: s.value,
    downloads: [{ key: `in${i}`, sizeBytes: s.sizeBytes, startMs: 0, durationMs: s.value }],
    uploads: [{ key: `t${i}`, sizeBytes: s.sizeBytes, startMs: 0, durationMs: s.value }],
  }));
  const workers: WorkerRecord[] = samples.map((s, i) => ({
    type: 'worker', runId, workerId: `w${i}`, resources: CONFIGS[s.memoryMb]!, invokedAtMs: 0, readyAtMs: s.value,
    endedAtMs: s.value, start: i % 2 === 0 ? 'cold' : 'warm', startupMs: s.value,
  }));
  return {
    header: { type: 'run', schemaVersion: 1, runId, workflow: 'w', planner: 'p', sla: 'median', platform: 'synthetic:test', seed: 0 },
    tasks,
    workers,
  };
}

// Coarse sizes make exact-size blocks (and their thinning) common; fine ones make gaps.
const sizeArb = fc.oneof(fc.integer({ min: 0, max: 20 }).map((x) => x * 250), fc.integer({ min: 0, max: 6000 }));
// Integers make ties common; doubles check that float interpolation keeps the orderings exact.
const valueArb = fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.double({ min: 0, max: 100_000, noNaN: true }));
const memoryArb = fc.constantFrom(...MEMORIES);
const refArb = fc.integer({ min: 0, max: 8000 });
const slaArb: fc.Arbitrary<Sla> = fc.oneof(fc.constant(MEDIAN), fc.integer({ min: 1, max: 100 }).map(percentile));
// Small windows and caps so that thinning of exact blocks and the one-sided fills are exercised.
const optionsArb: fc.Arbitrary<PredictionOptions> = fc
  .record({ k: fc.integer({ min: 1, max: 25 }), extra: fc.integer({ min: 0, max: 10 }) })
  .map(({ k, extra }) => ({ neighbourSamples: k, maxSamples: Math.max(2, k + extra) }));

/**
 * `value` less a few units in the last place. Interpolating between two estimates a couple of ulps apart can round
 * either way, so monotonicity in size is checked up to rounding (1e-12 relative); SLA ordering is checked exactly.
 */
function lessUlps(value: number): number {
  return value - Math.abs(value) * 1e-12;
}

/** Every prediction for one reference size and target, as a list (for pairwise comparison). */
function allPredictions(p: Predictions, refBytes: number, target: ResourceConfig, sla: Sla): number[] {
  return [
    p.execMs('f', refBytes, target, sla),
    p.outputBytes('f', refBytes, sla),
    p.transferMs('download', refBytes, target, sla),
    p.transferMs('upload', refBytes, target, sla),
    p.startupMs(target, 'cold', sla),
  ];
}

describe('prediction properties', () => {
  test.prop([
    fc.array(fc.record({ sizeBytes: sizeArb, value: valueArb, memoryMb: memoryArb }), { minLength: 1, maxLength: 60 }),
    refArb,
    memoryArb,
    fc.integer({ min: 1, max: 100 }),
    fc.integer({ min: 1, max: 100 }),
    optionsArb,
  ])('a higher percentile never predicts less, for every quantity', (samples, refBytes, memoryMb, a, b, options) => {
    const p = createPredictions([historyRun(samples)], options);
    const target = CONFIGS[memoryMb]!;
    const low = allPredictions(p, refBytes, target, percentile(Math.min(a, b)));
    const high = allPredictions(p, refBytes, target, percentile(Math.max(a, b)));
    const median = allPredictions(p, refBytes, target, MEDIAN);
    for (let i = 0; i < low.length; i++) {
      expect(high[i]).toBeGreaterThanOrEqual(low[i]!);
      if (Math.max(a, b) >= 50) expect(high[i]).toBeGreaterThanOrEqual(median[i]!);
      if (Math.min(a, b) <= 50) expect(median[i]).toBeGreaterThanOrEqual(low[i]!);
    }
  });

  // A monotone history: sizes and values drawn independently, then both sorted, so value never falls as size grows.
  const monotoneHistory = fc
    .array(fc.tuple(sizeArb, valueArb), { minLength: 6, maxLength: 60 })
    .map((pairs) => {
      const sizes = pairs.map(([s]) => s).sort((x, y) => x - y);
      const values = pairs.map(([, v]) => v).sort((x, y) => x - y);
      return sizes.map((sizeBytes, i) => ({ sizeBytes, value: values[i]! }));
    });

  for (const [path, targetMemoryMb] of [['same-config', 1024], ['normalized', 2048]] as const) {
    test.prop([monotoneHistory, refArb, refArb, slaArb, optionsArb])(
      `on a monotone history, predictions do not decrease with size (${path} path)`,
      (history, r1, r2, sla, options) => {
        const p = createPredictions([historyRun(history.map((h) => ({ ...h, memoryMb: 1024 })))], options);
        const target = CONFIGS[targetMemoryMb]!;
        const [small, large] = [Math.min(r1, r2), Math.max(r1, r2)];
        expect(p.explain({ quantity: 'execMs', functionName: 'f', inputBytes: small, resources: target, sla }).path).toBe(path);
        const before = allPredictions(p, small, target, sla).slice(0, 4);
        const after = allPredictions(p, large, target, sla).slice(0, 4);
        for (let i = 0; i < before.length; i++) expect(after[i]).toBeGreaterThanOrEqual(lessUlps(before[i]!));
      },
    );
  }

  test.prop([monotoneHistory, slaArb, optionsArb])(
    'on a monotone history, predictions do not decrease across every observed size and its neighbours',
    (history, sla, options) => {
      // Random refs rarely land exactly on a size or just beside it, where exact blocks start and end.
      const p = createPredictions([historyRun(history.map((h) => ({ ...h, memoryMb: 1024 })))], options);
      const refs = [...new Set(history.flatMap((h) => [h.sizeBytes - 1, h.sizeBytes, h.sizeBytes + 1]))]
        .filter((r) => r >= 0)
        .sort((x, y) => x - y);
      let previous = allPredictions(p, refs[0]!, CONFIGS[1024]!, sla).slice(0, 4);
      for (const ref of refs.slice(1)) {
        const current = allPredictions(p, ref, CONFIGS[1024]!, sla).slice(0, 4);
        for (let i = 0; i < current.length; i++) expect(current[i]).toBeGreaterThanOrEqual(lessUlps(previous[i]!));
        previous = current;
      }
    },
  );
});
