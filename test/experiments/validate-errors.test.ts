import { describe, expect, it } from 'vitest';
import type { TraceRecord, WorkerRecord } from '../../core/trace-records.js';
import { compareCase, percentError, percentile, summarizeErrors, taskPredictionErrors } from '../../experiments/validate/errors.js';
import { markPoolStartsWarm, withWarmPool } from '../../experiments/validate/warm-pool.js';
import type { DurationSource } from '../../simulator/duration-sources.js';

describe('validation error arithmetic', () => {
  it('signed % error of a prediction against a measurement', () => {
    expect(percentError(110, 100)).toBeCloseTo(10, 12);
    expect(percentError(45, 50)).toBeCloseTo(-10, 12);
    expect(() => percentError(1, 0)).toThrow(/measured/);
  });

  it('percentiles interpolate between ranks', () => {
    expect(percentile([5, 1, 3], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 90)).toBe(90);
    expect(percentile([10, 20], 90)).toBe(19);
  });

  it('a tiny case: means per side, errors per case, median and p90 of the absolute errors', () => {
    const a = compareCase('w1', 'p', [{ makespanMs: 100, gbSeconds: 1 }, { makespanMs: 300, gbSeconds: 3 }], [{ makespanMs: 220, gbSeconds: 1.5 }]);
    expect(a).toMatchObject({ measuredMakespanMs: 200, simulatedMakespanMs: 220, measuredGbSeconds: 2, simulatedGbSeconds: 1.5 });
    expect(a.makespanErrorPct).toBeCloseTo(10, 12);
    expect(a.gbSecondsErrorPct).toBeCloseTo(-25, 12);
    const b = compareCase('w2', 'p', [{ makespanMs: 50, gbSeconds: 1 }], [{ makespanMs: 40, gbSeconds: 1 }, { makespanMs: 30, gbSeconds: 1 }]);
    expect(b.makespanErrorPct).toBeCloseTo(-30, 12);
    const c = compareCase('w3', 'p', [{ makespanMs: 10, gbSeconds: 1 }], [{ makespanMs: 10.5, gbSeconds: 1 }]);
    const summary = summarizeErrors([a, b, c]);
    expect(summary.cases).toBe(3);
    expect(summary.medianAbsMakespanErrorPct).toBeCloseTo(10, 12); // |+10|, |-30|, |+5| → 5, 10, 30
    expect(summary.p90AbsMakespanErrorPct).toBeCloseTo(26, 12); // 10 + 0.8 × (30 − 10)
    expect(summary.medianAbsGbSecondsErrorPct).toBeCloseTo(0, 12);
  });

  it('per-task errors: % median over tasks above the floor, ms median over all', () => {
    const errors = taskPredictionErrors([
      { predictedMs: 12, measuredMs: 10 }, // 20%
      { predictedMs: 3, measuredMs: 4 }, // 25%
      { predictedMs: 0.5, measuredMs: 0.01 }, // below the 1 ms floor
    ]);
    expect(errors).toMatchObject({ tasks: 3, belowFloor: 1, floorMs: 1 });
    expect(errors.medianAbsErrorPct).toBeCloseTo(22.5, 12);
    expect(errors.medianAbsErrorMs).toBeCloseTo(1, 12); // 2, 1, 0.49
  });
});

describe('a simulation that starts with a warm pool', () => {
  const base: DurationSource = {
    name: 'fixed',
    execMs: () => 1,
    outputBytes: () => 1,
    startupMs: (_r, start) => (start === 'cold' ? 500 : 10),
    transferMs: () => 1,
  };

  it('serves the first cold starts per memory size warm, then cold again', () => {
    const pooled = withWarmPool(base, new Map([[1024, 2]]));
    const r1024 = { memoryMb: 1024, vCpus: 0.579 };
    const r2048 = { memoryMb: 2048, vCpus: 1 };
    expect([1, 2, 3].map(() => pooled.startupMs(r1024, 'cold'))).toEqual([10, 10, 500]);
    expect(pooled.startupMs(r2048, 'cold')).toBe(500);
    expect(pooled.startupMs(r1024, 'warm')).toBe(10);
    expect(pooled.servedWarm).toEqual(new Map([[1024, 2]]));
  });

  it('marks the workers it served warm in the simulated records, earliest invocations first', () => {
    const w = (workerId: string, memoryMb: number, invokedAtMs: number, start: 'cold' | 'warm'): WorkerRecord => ({
      type: 'worker', runId: 'r', workerId, resources: { memoryMb, vCpus: 1 }, invokedAtMs, readyAtMs: invokedAtMs + 1, endedAtMs: invokedAtMs + 2, start, startupMs: 1, purpose: 'tasks',
    });
    const records: TraceRecord[] = [w('late', 1024, 9, 'cold'), w('early', 1024, 1, 'cold'), w('warm', 1024, 0, 'warm'), w('other', 2048, 0, 'cold')];
    const marked = markPoolStartsWarm(records, new Map([[1024, 1]]));
    expect(marked.map((r) => (r.type === 'worker' ? `${r.workerId}:${r.start}` : ''))).toEqual(['late:cold', 'early:warm', 'warm:warm', 'other:cold']);
  });
});
