import { describe, expect, it } from 'vitest';
import type { WorkerRecord } from '../../core/trace-records.js';
import { fitWarmStartups, startingAtInvocation, withinRunLogSigma } from '../../experiments/validate/fit-profile.js';
import { platformModelFromJson } from '../../simulator/platform-config.js';
import { DEFAULT_PLATFORM_MODEL } from '../../simulator/platform-defaults.js';
import { contendingStarts, startupContentionMs } from '../../simulator/platform-model.js';

const worker = (workerId: string, invokedAtMs: number, readyAtMs: number, runId = 'r1'): WorkerRecord => ({
  type: 'worker',
  runId,
  workerId,
  resources: { memoryMb: 2048, vCpus: 1 },
  invokedAtMs,
  readyAtMs,
  endedAtMs: readyAtMs + 1,
  start: 'warm',
  startupMs: readyAtMs - invokedAtMs,
  purpose: 'tasks',
});

describe('start-up contention on a shared host', () => {
  it('counts the start-ups under way at each invocation, by the rule the simulator uses', () => {
    // a and b invoked together; c while both start; d after a and b are ready, while c still starts.
    const workers = [worker('a', 0, 10), worker('b', 0, 12), worker('c', 5, 30), worker('d', 20, 25)];
    expect(startingAtInvocation(workers)).toEqual([1, 1, 2, 1]);
  });

  it('lets parallelStarts start-ups run side by side and charges each one beyond them', () => {
    expect(contendingStarts(0, 2)).toBe(0);
    expect(contendingStarts(1, 2)).toBe(0);
    expect(contendingStarts(4, 2)).toBe(3);
    expect(contendingStarts(3, 0)).toBe(3);
    const model = { ...DEFAULT_PLATFORM_MODEL, invoke: { ...DEFAULT_PLATFORM_MODEL.invoke, perStartingMs: 5, parallelStarts: 2 } };
    expect(startupContentionMs(model, 1)).toBe(0);
    expect(startupContentionMs(model, 3)).toBe(10);
    expect(startupContentionMs(DEFAULT_PLATFORM_MODEL, 7)).toBe(0);
    expect(() => startupContentionMs(model, -1)).toThrow(RangeError);
  });

  it('fits the base and the per-start-up cost from hand-made start-ups on a line', () => {
    // 10 ms alone, +4 ms per start-up beyond the one other that fits on a 2-core host.
    const samples = [0, 1, 2, 3, 4, 5].flatMap((starting) => [
      { runId: `r${starting}`, starting, startupMs: 10 + 4 * Math.max(0, starting - 1) },
      { runId: `r${starting}`, starting, startupMs: 10 + 4 * Math.max(0, starting - 1) },
    ]);
    const fit = fitWarmStartups(samples, 2);
    expect(fit.perStartingMs).toBeCloseTo(4, 6);
    expect(fit.base.medianMs).toBeCloseTo(10, 6);
    expect(fit.base.sigma).toBeCloseTo(0, 6);
  });

  it('takes no slope from a single count, nor a negative one', () => {
    expect(fitWarmStartups([{ runId: 'r', starting: 2, startupMs: 10 }, { runId: 'r', starting: 2, startupMs: 30 }], 1)).toMatchObject({ perStartingMs: 0, base: { medianMs: 20 } });
    const falling = [0, 1, 2].map((starting) => ({ runId: 'r', starting, startupMs: 30 - 5 * starting }));
    expect(fitWarmStartups(falling, 1).perStartingMs).toBe(0);
  });
});

describe('withinRunLogSigma', () => {
  it('leaves out what a run shares: runs that differ only by a common factor have no spread of their own', () => {
    const samples = [1, 2, 3].flatMap((k) => [{ runId: `r${k}`, ratio: k }, { runId: `r${k}`, ratio: k }]);
    expect(withinRunLogSigma(samples)).toBe(0);
  });

  it('measures the spread around each run’s median, and ignores runs with one sample', () => {
    const samples = [
      { runId: 'a', ratio: 1 },
      { runId: 'a', ratio: Math.E ** 2 },
      { runId: 'a', ratio: Math.E },
      { runId: 'b', ratio: 100 },
    ];
    // Relative to run a's median e: e^-1, e, 1: the same spread as those three values.
    expect(withinRunLogSigma(samples)).toBeCloseTo((0.6826 * 2) / 2, 2);
  });
});

describe('the platform config accepts the contention fields', () => {
  it('reads perStartingMs and parallelStarts, and rejects a negative cost', () => {
    const model = platformModelFromJson({ invoke: { perStartingMs: 3.5, parallelStarts: 2 } }, 'p.json');
    expect(model.invoke.perStartingMs).toBe(3.5);
    expect(model.invoke.parallelStarts).toBe(2);
    expect(() => platformModelFromJson({ invoke: { perStartingMs: -1 } }, 'p.json')).toThrow(/perStartingMs/);
  });
});
