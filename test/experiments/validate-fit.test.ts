import { describe, expect, it } from 'vitest';
import { TRACE_SCHEMA_VERSION, type TaskRecord, type TraceRecord, type WorkerRecord } from '../../core/trace-records.js';
import { fitLine, fitPlatformProfile, fitRoundTrips, logSigma, median, robustLogSigma } from '../../experiments/validate/fit-profile.js';
import { DEFAULT_PLATFORM_MODEL } from '../../simulator/platform-defaults.js';
import { coldStartMs, counterMs, notifyMs, startupMs, transferMs, warmStartMs } from '../../simulator/platform-model.js';

const resources = { memoryMb: 2048, vCpus: 1 };

const worker = (workerId: string, start: 'cold' | 'warm', startup: number): WorkerRecord => ({
  type: 'worker',
  runId: 'r1',
  workerId,
  resources,
  invokedAtMs: 5,
  readyAtMs: 5 + startup,
  endedAtMs: 5 + startup + 10,
  start,
  startupMs: startup,
  purpose: 'tasks',
});

const task = (taskId: string, transfers: [number, number][]): TaskRecord => ({
  type: 'task',
  runId: 'r1',
  taskId,
  functionName: 'f',
  workerId: 'w1',
  resources,
  inputBytes: 0,
  outputBytes: 0,
  startMs: 0,
  endMs: 100,
  execMs: 1,
  downloads: transfers.map(([sizeBytes, durationMs]) => ({ key: 'k', sizeBytes, startMs: 0, durationMs })),
  uploads: [],
});

/** Hand-made records: warm start-ups 10/20/30 ms, cold 520/1020 ms, transfers exactly on 0.5 ms + 1 byte/µs. */
const RECORDS: TraceRecord[] = [
  { type: 'run', schemaVersion: TRACE_SCHEMA_VERSION, runId: 'r1', workflow: 'w', planner: 'p', sla: 'median', platform: 'lambda:x', seed: null, params: {} },
  worker('a', 'warm', 10),
  worker('b', 'warm', 20),
  worker('c', 'warm', 30),
  worker('d', 'cold', 520),
  worker('e', 'cold', 1020),
  task('t1', [[1000, 1.5], [2000, 2.5], [0, 9]]),
  task('t2', [[3000, 3.5]]),
  { type: 'run-end', runId: 'r1', status: 'completed', makespanMs: 100 },
];

describe('the statistics behind a profile fit', () => {
  it('median, lognormal sigma and least squares on small lists', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(logSigma([5])).toBe(0);
    expect(logSigma([Math.E, Math.E ** 3])).toBeCloseTo(Math.SQRT2, 10);
    expect(fitLine([{ bytes: 0, ms: 1 }, { bytes: 10, ms: 3 }, { bytes: 20, ms: 5 }])).toEqual({ intercept: 1, slope: 0.2 });
    expect(fitLine([{ bytes: 5, ms: 1 }, { bytes: 5, ms: 2 }])).toBeUndefined();
  });
});

describe('fitPlatformProfile', () => {
  const fit = fitPlatformProfile(RECORDS, { profile: 'local-test', concurrencyLimit: 16, keepAliveMs: 1234 });

  it('leaves out transfers and round trips during which the worker\'s thread ran task code, and counts them', () => {
    const waited: TaskRecord = {
      ...task('t3', [[1000, 40]]),
      downloads: [{ key: 'k', sizeBytes: 1000, startMs: 0, durationMs: 40, threadBusyMs: 38 }],
      counterOps: [{ startMs: 0, durationMs: 2 }, { startMs: 1, durationMs: 50, threadBusyMs: 45 }],
      publishOps: [{ startMs: 2, durationMs: 30, threadBusyMs: 29 }],
    };
    const withWaits = fitPlatformProfile([...RECORDS, waited], { profile: 'local-test', singleThreadedWorker: true });
    expect(withWaits.samples).toMatchObject({ transfers: 3, counterOps: 1, publishOps: 0, threadBusy: 3 });
    // The line is the one the clean transfers give, untouched by the 40 ms download that waited for the thread.
    expect(withWaits.transfer.opLatencyMs).toBeCloseTo(fit.transfer.opLatencyMs, 9);
    expect(withWaits.counter.medianMs).toBe(2);
    expect(withWaits.model.cpu.singleThreadedWorker).toBe(true);
    expect(fit.model.cpu.singleThreadedWorker).toBeUndefined();
  });

  it('fits warm start-up, the cold extra and the transfer line from the records', () => {
    expect(fit.samples).toEqual({ runs: 1, warmStarts: 3, coldStarts: 2, transfers: 3, counterOps: 0, publishOps: 0, threadBusy: 0 });
    expect(fit.warmStart.medianMs).toBe(20);
    // Without hostCores each start-up had its own CPU: the times are as recorded, and the sigma is the spread within
    // the run (one run here: over its median).
    expect(fit.hostCores).toBeUndefined();
    expect(fit.warmStart.sigma).toBeCloseTo(robustLogSigma([0.5, 1, 1.5]), 12);
    expect(fit.coldExtra.medianMs).toBe(750);
    expect(fit.transfer.opLatencyMs).toBeCloseTo(0.5, 10);
    expect(fit.transfer.bytesPerMs).toBeCloseTo(1000, 6);
    expect(fit.transfer.sigma).toBeCloseTo(0, 10);
  });

  it('gives a model whose start-ups and transfers reproduce the fitted medians', () => {
    const m = fit.model;
    expect(m.profile).toBe('local-test');
    expect(startupMs(m, resources, false)).toBe(20);
    expect(warmStartMs(m)).toBe(0);
    expect(startupMs(m, resources, true)).toBe(770);
    expect(coldStartMs(m, resources)).toBe(750);
    // Memory does not change loopback bandwidth; the fixed part is one round trip.
    expect(transferMs(m, 4000, resources)).toBeCloseTo(4.5, 6);
    expect(transferMs(m, 4000, { memoryMb: 128, vCpus: 0.07 })).toBeCloseTo(4.5, 6);
    expect(m.metadata.counter.medianMs).toBeCloseTo(0.5, 10);
    expect(m.concurrency.accountLimit).toBe(16);
    expect(m.startup.keepAliveMs).toBe(1234);
    expect(m.pricing).toEqual(DEFAULT_PLATFORM_MODEL.pricing);
  });

  it('falls back to the base profile, and says so, for what the records lack', () => {
    const warmOnly = fitPlatformProfile(RECORDS.filter((r) => !(r.type === 'worker' && r.start === 'cold') && r.type !== 'task'), { profile: 'x' });
    expect(warmOnly.samples.coldStarts).toBe(0);
    expect(coldStartMs(warmOnly.model, resources)).toBeCloseTo(coldStartMs(DEFAULT_PLATFORM_MODEL, resources) - 3, 6); // firstInvoke zeroed
    expect(warmOnly.notes.join('\n')).toMatch(/no cold start/);
    expect(warmOnly.notes.join('\n')).toMatch(/transfers do not determine a line/);
  });

  it('without counter or publish round trips in the records, borrows the transfer intercept and says so', () => {
    expect(fit.counter).toEqual({ medianMs: fit.transfer.opLatencyMs, sigma: fit.transfer.sigma });
    expect(fit.notify).toEqual(fit.counter);
    expect(fit.notes.join('\n')).toMatch(/no counter round trips in the records/);
    expect(fit.notes.join('\n')).toMatch(/no publishes in the records/);
  });
});

describe('fitting counter and notification latencies from recorded round trips', () => {
  const ops = (durations: number[]) => durations.map((durationMs, i) => ({ startMs: 50 + i, durationMs }));
  /**
   * Two runs: r2's counters take twice r1's throughout (a run's shared load), and within each run they spread by the
   * same ratios 2/3, 1, 4/3 around the run's median. Publishes only in r1.
   */
  const records: TraceRecord[] = [
    ...RECORDS,
    { type: 'run', schemaVersion: TRACE_SCHEMA_VERSION, runId: 'r2', workflow: 'w', planner: 'p', sla: 'median', platform: 'lambda:x', seed: null },
    { ...task('t1', [[1000, 1.5]]), counterOps: ops([0.2, 0.3]), publishOps: ops([0.1]) },
    { ...task('t2', []), counterOps: ops([0.4]), publishOps: ops([0.3]) },
    { ...task('t1', [[2000, 2.5]]), runId: 'r2', counterOps: ops([0.4, 0.6, 0.8]) },
  ];
  const fit = fitPlatformProfile(records, { profile: 'ops' });

  it('takes the median over every run and the spread within each run only', () => {
    expect(fit.samples.counterOps).toBe(6);
    expect(fit.samples.publishOps).toBe(2);
    expect(fit.counter.medianMs).toBeCloseTo(0.4, 12);
    // The factor 2 between the runs stays out of the sigma: both runs spread by 2/3, 1, 4/3 around their own median.
    expect(fit.counter.sigma).toBeCloseTo(robustLogSigma([2 / 3, 1, 4 / 3, 2 / 3, 1, 4 / 3]), 12);
    expect(fit.counter.sigma).toBeLessThan(robustLogSigma([0.2, 0.3, 0.4, 0.4, 0.6, 0.8]));
    expect(fit.notify.medianMs).toBeCloseTo(0.2, 12);
    expect(fit.notify.sigma).toBeCloseTo(robustLogSigma([0.5, 1.5]), 12);
    expect(fit.notes.join('\n')).not.toMatch(/no counter round trips|no publishes/);
  });

  it('puts them in the model the simulator draws counters and notifications from', () => {
    expect(fit.model.metadata).toEqual({ counter: fit.counter, notify: fit.notify });
    expect(counterMs(fit.model)).toBeCloseTo(0.4, 12);
    expect(notifyMs(fit.model)).toBeCloseTo(0.2, 12);
    // The transfer line is fitted from the transfers alone, whatever the round trips.
    expect(fit.model.storage.opLatency.medianMs).toBeCloseTo(fit.transfer.opLatencyMs, 12);
  });

  it('gives nothing without samples, and a run with one sample adds no spread of its own', () => {
    expect(fitRoundTrips([])).toBeUndefined();
    expect(fitRoundTrips([{ runId: 'a', ms: 2 }, { runId: 'b', ms: 4 }, { runId: 'c', ms: 8 }])).toEqual({ medianMs: 4, sigma: 0 });
  });
});
