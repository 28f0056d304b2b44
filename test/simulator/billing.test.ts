import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { WorkerRecord } from '../../core/trace-records.js';
import { billedMs, billRun, billWorkers, gbSeconds, workerBilledMs, type WorkerUsage } from '../../simulator/billing.js';
import { withOverrides } from '../../simulator/platform-config.js';
import { DEFAULT_PLATFORM_MODEL as M } from '../../simulator/platform-defaults.js';
import { initMs, resourcesFor } from '../../simulator/platform-model.js';
import { summarizeRun } from '../../simulator/run-summary.js';
import { generateHistory } from '../../traces/synthetic/history-generator.js';
import { groupRuns } from '../../traces/trace-runs.js';
import { buildWorkload } from '../../traces/workloads/registry.js';

describe('billedMs', () => {
  it('rounds up to 1 ms with no minimum', () => {
    expect(billedMs(M, 0)).toBe(0);
    expect(billedMs(M, 0.2)).toBe(1);
    expect(billedMs(M, 1)).toBe(1);
    expect(billedMs(M, 1.001)).toBe(2);
    expect(billedMs(M, 0.1 + 0.2)).toBe(1);
    // Never rounds down, even for float noise above an exact multiple.
    expect(billedMs(M, 3 * 0.1 * 10)).toBe(4);
  });

  it('follows another granularity (Lambda before Dec 2020: 100 ms)', () => {
    const old = withOverrides(M, { pricing: { billingGranularityMs: 100 } });
    expect(billedMs(old, 1)).toBe(100);
    expect(billedMs(old, 100)).toBe(100);
    expect(billedMs(old, 101)).toBe(200);
  });

  it('rejects negative and non-finite durations', () => {
    expect(() => billedMs(M, -1)).toThrow(RangeError);
    expect(() => billedMs(M, Number.NaN)).toThrow(RangeError);
    expect(() => workerBilledMs(M, { resources: resourcesFor(M, 128), durationMs: 1, initMs: -1 })).toThrow(RangeError);
  });
});

describe('gbSeconds', () => {
  it('counts a GB as 1,024 MB', () => {
    expect(gbSeconds(1024, 1000)).toBe(1);
    expect(gbSeconds(128, 300)).toBeCloseTo(0.0375, 12);
  });
});

describe('billWorkers', () => {
  const workers: WorkerUsage[] = [
    { resources: resourcesFor(M, 1024), durationMs: 999.4, initMs: 300 }, // billed 1300 ms
    { resources: resourcesFor(M, 2048), durationMs: 500 }, // billed 500 ms
  ];

  it('sums GB-s, vCPU-s and dollars', () => {
    const bill = billWorkers(M, workers);
    expect(bill.requests).toBe(2);
    expect(bill.billedMs).toBe(1800);
    expect(bill.gbSeconds).toBeCloseTo(1 * 1.3 + 2 * 0.5, 12);
    expect(bill.vcpuSeconds).toBeCloseTo(0.579 * 1.2994 + 1.158 * 0.5, 12);
    expect(bill.computeUsd).toBeCloseTo(2.3 * 0.0000166667, 15);
    expect(bill.requestUsd).toBeCloseTo(4e-7, 15);
    expect(bill.totalUsd).toBeCloseTo(2.3 * 0.0000166667 + 4e-7, 15);
  });

  it('leaves INIT out of the bill when the model does not bill it', () => {
    const free = withOverrides(M, { pricing: { billInit: false } });
    const bill = billWorkers(free, workers);
    expect(bill.billedMs).toBe(1000 + 500);
    expect(bill.gbSeconds).toBeCloseTo(1 * 1 + 2 * 0.5, 12);
    // vCPU-seconds measure usage, so INIT still counts.
    expect(bill.vcpuSeconds).toBeCloseTo(billWorkers(M, workers).vcpuSeconds, 12);
  });

  it('is zero for no workers', () => {
    expect(billWorkers(M, [])).toEqual({
      requests: 0, billedMs: 0, gbSeconds: 0, vcpuSeconds: 0, computeUsd: 0, requestUsd: 0, totalUsd: 0,
    });
  });

  const usageArb = fc.record({
    memoryMb: fc.integer({ min: 128, max: 10_240 }),
    durationMs: fc.double({ min: 0, max: 1e6, noNaN: true }),
    initMs: fc.double({ min: 0, max: 1e4, noNaN: true }),
  });
  test.prop([fc.array(usageArb, { maxLength: 50 })])('never bills less than memory × time, nor a whole unit more per worker', (usages) => {
    const workersOf = usages.map((u) => ({ resources: resourcesFor(M, u.memoryMb), durationMs: u.durationMs, initMs: u.initMs }));
    const bill = billWorkers(M, workersOf);
    const exact = usages.reduce((sum, u) => sum + gbSeconds(u.memoryMb, u.durationMs + u.initMs), 0);
    const slack = usages.reduce((sum, u) => sum + gbSeconds(u.memoryMb, 1), 0);
    expect(bill.gbSeconds).toBeGreaterThanOrEqual(exact * (1 - 1e-12)); // summation order only
    expect(bill.gbSeconds).toBeLessThanOrEqual(exact + slack + 1e-9);
    expect(bill.totalUsd).toBeCloseTo(bill.computeUsd + bill.requestUsd, 15);
    expect(bill.requests).toBe(usages.length);
  });
});

describe('billRun', () => {
  const worker = (workerId: string, start: 'cold' | 'warm', invokedAtMs: number, readyAtMs: number, endedAtMs: number, memoryMb: number): WorkerRecord => ({
    type: 'worker',
    runId: 'r',
    workerId,
    resources: resourcesFor(M, memoryMb),
    invokedAtMs,
    readyAtMs,
    endedAtMs,
    start,
    startupMs: readyAtMs - invokedAtMs,
    purpose: 'tasks',
  });

  it('bills each worker from ready to ended, plus the model\'s INIT when it started cold; the dispatch before is not billed', () => {
    const workers = [worker('a', 'cold', 0, 700, 1700, 1024), worker('b', 'warm', 100, 130, 630, 2048)];
    const bill = billRun({ workers }, M);
    expect(bill).toEqual(
      billWorkers(M, [
        { resources: resourcesFor(M, 1024), durationMs: 1000, initMs: initMs(M) },
        { resources: resourcesFor(M, 2048), durationMs: 500 },
      ]),
    );
    expect(bill.gbSeconds).toBeCloseTo(1 * (1 + Math.ceil(initMs(M)) / 1000) + 2 * 0.5, 9);
  });

  it('is the bill of the run summary every command prints (simulated, generated and recorded runs alike)', () => {
    const workflow = buildWorkload('gemm', { blocks: 2 });
    const runs = groupRuns(generateHistory('gemm', { runs: 3, seed: 5, params: { blocks: 2 } })).runs;
    for (const run of runs) expect(summarizeRun(run, workflow, M).billing).toEqual(billRun(run, M));
  });
});
