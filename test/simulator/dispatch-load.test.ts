import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { DISPATCH_STRATEGIES, edfStrategy, fifoStrategy, type AnyDispatchStrategy, type DispatchBelief } from '../../core/dispatch/index.js';
import { flexiblePlan } from '../../core/plan.js';
import { resources } from '../../core/resources.js';
import { MEDIAN } from '../../core/sla.js';
import { createWorkflow } from '../../core/workflow.js';
import type { DurationSource } from '../../simulator/duration-sources.js';
import { simulateLoad, type LoadResult, type LoadWorkflow } from '../../simulator/load-simulation.js';
import { withOverrides } from '../../simulator/platform-config.js';
import { DEFAULT_PLATFORM_MODEL } from '../../simulator/platform-defaults.js';
import { randomLayeredDag } from '../../traces/synthetic/random-dag.js';

/** A belief that says every task takes `execMs` and start-ups take what the truth below takes. */
function beliefOf(taskIds: readonly string[], execMs: (taskId: string) => number): DispatchBelief {
  const exec = new Map(taskIds.map((id) => [id, execMs(id)]));
  const total = [...exec.values()].reduce((a, b) => a + b, 0);
  return { execMs: exec, remainingFromTaskMs: new Map(taskIds.map((id) => [id, total])), totalWorkMs: total, makespanMs: total, startupMs: (_r, start) => (start === 'cold' ? 500 : 20) };
}

/** Truth of a one-task workflow: `execMs`, no output, 500 ms cold and 20 ms warm start-ups. */
const oneTaskTruth = (execMs: number) => (): DurationSource => ({
  name: 'one',
  execMs: () => execMs,
  outputBytes: () => 0,
  startupMs: (_r, start) => (start === 'cold' ? 500 : 20),
  transferMs: () => 0,
});

/** Single-task workflows of one function, equal work, each with its own SLA. */
function singleTaskMix(slasMs: readonly number[], execMs = 100): LoadWorkflow[] {
  return slasMs.map((slaMs, i) => {
    const workflow = createWorkflow(`one-${i}`, [{ id: 'only', functionName: 'only', upstream: [] }]);
    return { name: `one-${i}`, workflow, plan: flexiblePlan(workflow, 'flexible', MEDIAN, resources(2048)), weight: 1, truth: oneTaskTruth(execMs), slaMs, dispatchBelief: beliefOf(['only'], () => execMs) };
  });
}

const strategyArb = fc.constantFrom(...DISPATCH_STRATEGIES);

/** Each request's latency, and the request as it went (status, cold starts), in arrival order. */
const outcomes = (result: LoadResult) => result.requests.map((r) => [r.workflow, r.status, r.latencyMs, r.coldStarts, r.gbSeconds]);

describe('dispatch strategies in the load simulation: properties', () => {
  test.prop([strategyArb, fc.integer({ min: 6, max: 24 }), fc.integer({ min: 0, max: 1000 }), fc.double({ min: 0.5, max: 20, noNaN: true })], { numRuns: 20 })(
    'with no contention (an account that never fills) every strategy gives the same results as FIFO',
    (strategy, tasks, seed, ratePerS) => {
      const workflow = randomLayeredDag({ tasks, seed });
      const plan = flexiblePlan(workflow, 'flexible', MEDIAN, resources(1024));
      const mix: LoadWorkflow[] = [{ name: workflow.name, workflow, plan, weight: 1, truth: () => oneTaskTruth(50)(), slaMs: 5000, dispatchBelief: beliefOf([...workflow.tasks.keys()], () => 50) }];
      const options = { platform: DEFAULT_PLATFORM_MODEL, mix, arrivals: { kind: 'poisson' as const, ratePerS }, requests: 10, seed };
      const plain = simulateLoad(options);
      const dispatched = simulateLoad({ ...options, dispatch: { strategy } });
      expect(plain.throttles).toBe(0);
      expect(outcomes(dispatched)).toEqual(outcomes(plain));
    },
  );

  test.prop([strategyArb, fc.integer({ min: 1, max: 6 }), fc.option(fc.integer({ min: 0, max: 3000 }), { nil: undefined }), fc.integer({ min: 0, max: 1000 })], { numRuns: 25 })(
    'under contention every request completes, no invocation lost or run twice, and concurrency never exceeds the limit',
    (strategy, limit, maxWaitMs, seed) => {
      const workflow = randomLayeredDag({ tasks: 16, seed });
      const plan = flexiblePlan(workflow, 'flexible', MEDIAN, resources(1024));
      const platform = withOverrides(DEFAULT_PLATFORM_MODEL, { concurrency: { accountLimit: limit } });
      const slas = [800, 3000];
      const mix: LoadWorkflow[] = slas.map((slaMs, i) => ({
        name: `w${i}`, workflow, plan, weight: 1, truth: () => oneTaskTruth(40 + 60 * i)(), slaMs, priorityClass: i, dispatchBelief: beliefOf([...workflow.tasks.keys()], () => 40 + 60 * i),
      }));
      const result = simulateLoad({ platform, mix, arrivals: { kind: 'burst', size: 6, everyMs: 400 }, requests: 12, seed, sampleEveryMs: 25, dispatch: { strategy, ...(maxWaitMs !== undefined ? { maxWaitMs } : {}) } });
      expect(result.requests.map((r) => r.status)).toEqual(Array(12).fill('completed'));
      // Every task ran exactly once: one invocation per task of a flexible plan, no more (WUKONG-style workers continue
      // one child themselves, so invocations ≤ tasks), and each request billed.
      for (const r of result.requests) expect(r.invocations).toBeLessThanOrEqual(workflow.tasks.size);
      expect(result.throttles).toBeGreaterThan(0);
      expect(result.peakLiveInvocations).toBeLessThanOrEqual(limit);
      for (const sample of result.series) expect(sample.liveInvocations).toBeLessThanOrEqual(limit);
      expect(result.refusedInvocations).toBe(0);
    },
  );

  test.prop([fc.array(fc.integer({ min: 100, max: 4000 }), { minLength: 2, maxLength: 10 })], { numRuns: 40 })(
    "single-task requests of equal work waiting together: EDF's maximum lateness is never above FIFO's, and EDF meets every deadline when some order does (Jackson's rule)",
    (slasMs) => {
      // A blocker holds the one slot while the batch arrives, so every request of the batch waits (the first arrival
      // would otherwise take the free slot whatever the strategy), and all of them then start warm: equal work.
      const mix = singleTaskMix([1e9, ...slasMs]);
      const batch = mix.slice(1);
      const platform = withOverrides(DEFAULT_PLATFORM_MODEL, { concurrency: { accountLimit: 1 } });
      const arrivals = { kind: 'trace' as const, arrivals: [{ timeMs: 0, workflow: 'one-0' }, ...batch.map((entry) => ({ timeMs: 1, workflow: entry.name }))] };
      const run = (strategy: AnyDispatchStrategy) => simulateLoad({ platform, mix, arrivals, seed: 1, latencyNoise: false, dispatch: { strategy } });
      const lateness = (result: LoadResult) => result.requests.slice(1).map((r) => r.latencyMs! - mix.find((e) => e.name === r.workflow)!.slaMs);
      const fifo = run(fifoStrategy);
      const edf = run(edfStrategy);
      expect(Math.max(...lateness(edf))).toBeLessThanOrEqual(Math.max(...lateness(fifo)) + 1e-6);
      // Completion times depend on the position only; some order meets every deadline iff the deadline-sorted one does.
      const positions = fifo.requests.slice(1).map((r) => r.latencyMs!).sort((a, b) => a - b);
      const feasible = [...slasMs].sort((a, b) => a - b).every((sla, i) => positions[i]! <= sla);
      if (feasible) expect(Math.max(...lateness(edf))).toBeLessThanOrEqual(1e-6);
      expect(edf.requests.slice(1).map((r) => r.latencyMs).sort((a, b) => a! - b!)).toEqual(positions);
    },
  );
});

describe('dispatch strategies in the load simulation: cases', () => {
  it('through one slot, SJF serves the shorter of two waiting requests first where FIFO serves the earlier', () => {
    const long = createWorkflow('long', [{ id: 'only', functionName: 'only', upstream: [] }]);
    const short = createWorkflow('short', [{ id: 'only', functionName: 'only', upstream: [] }]);
    const entry = (workflow: typeof long, execMs: number): LoadWorkflow => ({
      name: workflow.name, workflow, plan: flexiblePlan(workflow, 'flexible', MEDIAN, resources(2048)), weight: 1, truth: oneTaskTruth(execMs), slaMs: 1e6, dispatchBelief: beliefOf(['only'], () => execMs),
    });
    const mix = [entry(long, 1000), entry(short, 10)];
    const platform = withOverrides(DEFAULT_PLATFORM_MODEL, { concurrency: { accountLimit: 1 } });
    // A first request holds the slot; a long and then a short one queue behind it.
    const arrivals = { kind: 'trace' as const, arrivals: [{ timeMs: 0, workflow: 'long' }, { timeMs: 1, workflow: 'long' }, { timeMs: 2, workflow: 'short' }] };
    const order = (name: string) => {
      const result = simulateLoad({ platform, mix, arrivals, seed: 1, latencyNoise: false, dispatch: { strategy: DISPATCH_STRATEGIES.find((s) => s.name === name)! } });
      return [...result.requests].sort((a, b) => a.arrivalMs + a.latencyMs! - (b.arrivalMs + b.latencyMs!)).map((r) => r.index);
    };
    expect(order('fifo')).toEqual([0, 1, 2]);
    expect(order('sjf')).toEqual([0, 2, 1]);
  });

  it('a starvation guard bounds the wait of a long request behind a stream of short ones under SJF', () => {
    const long = createWorkflow('long', [{ id: 'only', functionName: 'only', upstream: [] }]);
    const short = createWorkflow('short', [{ id: 'only', functionName: 'only', upstream: [] }]);
    const entry = (workflow: typeof long, execMs: number, weight: number): LoadWorkflow => ({
      name: workflow.name, workflow, plan: flexiblePlan(workflow, 'flexible', MEDIAN, resources(2048)), weight, truth: oneTaskTruth(execMs), slaMs: 1e6, dispatchBelief: beliefOf(['only'], () => execMs),
    });
    const mix = [entry(long, 400, 1), entry(short, 200, 4)];
    const platform = withOverrides(DEFAULT_PLATFORM_MODEL, { concurrency: { accountLimit: 1 } });
    const options = { platform, mix, arrivals: { kind: 'rpm' as const, perMinute: 400 }, requests: 120, seed: 3, latencyNoise: false };
    const unguarded = simulateLoad({ ...options, dispatch: { strategy: DISPATCH_STRATEGIES.find((s) => s.name === 'sjf')! } });
    const guarded = simulateLoad({ ...options, dispatch: { strategy: DISPATCH_STRATEGIES.find((s) => s.name === 'sjf')!, maxWaitMs: 5000 } });
    expect(unguarded.maxSlotWaitMs).toBeGreaterThan(10_000);
    expect(guarded.maxSlotWaitMs).toBeLessThan(unguarded.maxSlotWaitMs);
    // The guard lets the oldest go once it waited 5 s; it may then wait behind the other starved ones and one slot turn.
    const starvedAtOnce = guarded.series.reduce((max, s) => Math.max(max, s.waitingInvocations), 0);
    expect(guarded.maxSlotWaitMs).toBeLessThanOrEqual(5000 + (starvedAtOnce + 1) * 1000);
  });

  it('a refusing user strategy fails the refused request and counts it', () => {
    const mix = singleTaskMix([50, 5000]);
    const platform = withOverrides(DEFAULT_PLATFORM_MODEL, { concurrency: { accountLimit: 1 } });
    const strategy = { name: 'refuse-late', description: 'refuses invocations past their deadline', key: (i: { queuedAtMs: number }) => i.queuedAtMs, refuse: (i: { deadlineMs: number }, v: { nowMs: number }) => (v.nowMs > i.deadlineMs ? 'late' : undefined) };
    const arrivals = { kind: 'trace' as const, arrivals: [{ timeMs: 0, workflow: 'one-1' }, { timeMs: 0, workflow: 'one-0' }] };
    const result = simulateLoad({ platform, mix, arrivals, seed: 1, dispatch: { strategy } });
    expect(result.requests.map((r) => r.status)).toEqual(['completed', 'failed']);
    expect(result.refusedInvocations).toBe(1);
  });

  it('a mix without a dispatch belief is refused by name when a strategy is set', () => {
    const [entry] = singleTaskMix([100]);
    const { dispatchBelief: _, ...bare } = entry!;
    expect(() => simulateLoad({ platform: DEFAULT_PLATFORM_MODEL, mix: [bare], arrivals: { kind: 'poisson', ratePerS: 1 }, requests: 1, seed: 1, dispatch: { strategy: edfStrategy } })).toThrow(
      "dispatch strategy 'edf': workflow 'one-0' in the load mix has no dispatch belief",
    );
  });
});
