import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { flexiblePlan, type Plan } from '../../core/plan.js';
import { resources } from '../../core/resources.js';
import { MEDIAN } from '../../core/sla.js';
import { createWorkflow, type Workflow } from '../../core/workflow.js';
import type { ArrivalPattern } from '../../simulator/arrivals.js';
import type { DurationSource } from '../../simulator/duration-sources.js';
import { loadMetrics } from '../../simulator/load-metrics.js';
import { requestSeed, simulateLoad, type LoadWorkflow } from '../../simulator/load-simulation.js';
import { withOverrides } from '../../simulator/platform-config.js';
import { DEFAULT_PLATFORM_MODEL } from '../../simulator/platform-defaults.js';
import type { PlatformModel } from '../../simulator/platform-model.js';
import { simulate } from '../../simulator/simulate.js';
import { summarizeRun } from '../../simulator/run-summary.js';
import { toRun } from '../../simulator/run-records.js';
import { randomLayeredDag } from '../../traces/synthetic/random-dag.js';
import { fixedPlan } from '../../experiments/perf/perf-fixtures.js';

/** Request k's truth: per-task times that differ by request, the same start-up warm or cold ("forced warm"). */
function truthOf(k: number): DurationSource {
  return {
    name: `test-truth-${k}`,
    execMs: (task) => 20 + ((task.taskId.length * 31 + k * 17) % 90),
    outputBytes: (task) => 10_000 + ((task.taskId.length * 7 + k) % 5) * 50_000,
    startupMs: () => 120,
    transferMs: (_d, bytes) => (bytes === 0 ? 0 : 2 + bytes / 50_000),
  };
}

/** Nothing shared binds: no account limit, no scaling limit, a server far faster than any worker. */
const UNBOUNDED: PlatformModel = withOverrides(DEFAULT_PLATFORM_MODEL, {
  concurrency: { accountLimit: 1_000_000, scalingBurst: 1_000_000, scalingRefillPerS: 1_000_000 },
  storage: { serverBandwidthBytesPerMs: 1e15, serverOpsPerS: 1e18 },
});

const arrivalsArb: fc.Arbitrary<ArrivalPattern> = fc.oneof(
  fc.double({ min: 0.5, max: 50, noNaN: true }).map((ratePerS): ArrivalPattern => ({ kind: 'poisson', ratePerS })),
  fc.integer({ min: 1, max: 600 }).map((perMinute): ArrivalPattern => ({ kind: 'rpm', perMinute })),
  fc.record({ size: fc.integer({ min: 1, max: 6 }), everyMs: fc.integer({ min: 1, max: 5000 }) }).map((b): ArrivalPattern => ({ kind: 'burst', ...b })),
  fc.record({ clients: fc.integer({ min: 1, max: 5 }), thinkMs: fc.integer({ min: 0, max: 2000 }) }).map((c): ArrivalPattern => ({ kind: 'closed', ...c })),
);

function mixOf(workflow: Workflow, plan: Plan, slaMs = 1e9): LoadWorkflow[] {
  return [{ name: workflow.name, workflow, plan, weight: 1, truth: truthOf, slaMs }];
}

describe('load simulation: properties', () => {
  test.prop([arrivalsArb, fc.integer({ min: 8, max: 40 }), fc.integer({ min: 0, max: 1000 }), fc.boolean()], { numRuns: 25 })(
    'with nothing shared binding and every start-up as warm, each request takes its solo makespan, whatever the arrivals',
    (arrivals, tasks, seed, fixed) => {
      const workflow = randomLayeredDag({ tasks, seed });
      const plan = fixed ? fixedPlan(workflow, 3) : flexiblePlan(workflow, 'flexible', MEDIAN, resources(2048));
      const result = simulateLoad({ platform: UNBOUNDED, mix: mixOf(workflow, plan), arrivals, requests: 12, seed });
      expect(result.requests).toHaveLength(12);
      for (const request of result.requests) {
        const solo = simulate(workflow, plan, { platform: UNBOUNDED, durations: truthOf(request.index), seed: requestSeed(seed, request.index) });
        expect(request.status).toBe('completed');
        // Records keep times to the µs; the latency is exact.
        expect(Math.abs(request.latencyMs! - solo.summary.makespanMs)).toBeLessThanOrEqual(1e-9 * solo.summary.makespanMs + 6e-4);
      }
    },
  );

  test.prop([arrivalsArb, fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 1000 })], { numRuns: 25 })(
    'with a concurrency limit of L, no more than L invocations run at once; completed never exceeds arrivals; GB-s add up',
    (arrivals, limit, seed) => {
      const workflow = randomLayeredDag({ tasks: 24, seed });
      const plan = flexiblePlan(workflow, 'flexible', MEDIAN, resources(1024));
      const platform = withOverrides(DEFAULT_PLATFORM_MODEL, { concurrency: { accountLimit: limit } });
      const result = simulateLoad({ platform, mix: mixOf(workflow, plan), arrivals, requests: 8, seed, keepRecords: true, sampleEveryMs: 50 });
      expect(result.peakLiveInvocations).toBeLessThanOrEqual(limit);
      for (const sample of result.series) expect(sample.liveInvocations).toBeLessThanOrEqual(limit);
      const metrics = loadMetrics(result.requests, 0);
      expect(metrics.completed).toBeLessThanOrEqual(metrics.arrived);
      expect(metrics.arrived).toBe(8);
      // Each request's GB-s is what its own records bill, and the total is their sum.
      let sum = 0;
      for (const request of result.requests) {
        const records = result.records![request.index]!;
        const billed = summarizeRun(toRun(records), workflow, platform).billing.gbSeconds;
        expect(request.gbSeconds).toBeCloseTo(billed, 9);
        sum += billed;
      }
      expect(metrics.gbSeconds).toBeCloseTo(sum, 6);
    },
  );
});

/** One task whose output is `outputBytes`, uploaded through the storage server. */
function oneTask(outputBytes: number, execMs = 100): { workflow: Workflow; plan: Plan; truth: (k: number) => DurationSource } {
  const workflow = createWorkflow('one', [{ id: 'only', functionName: 'only', upstream: [] }]);
  const plan = flexiblePlan(workflow, 'flexible', MEDIAN, resources(2048));
  const truth = (): DurationSource => ({
    name: 'one',
    execMs: () => execMs,
    outputBytes: () => outputBytes,
    startupMs: (_r, start) => (start === 'cold' ? 500 : 20),
    transferMs: (_d, bytes) => bytes / 10_000,
  });
  return { workflow, plan, truth };
}

describe('load simulation: requests sharing the platform interfere as they should', () => {
  it('a warm environment left by request 1 serves request 2 within the keep-alive, and not after it', () => {
    const { workflow, plan, truth } = oneTask(0);
    const mix: LoadWorkflow[] = [{ name: 'one', workflow, plan, weight: 1, truth, slaMs: 1e9 }];
    const keepAliveMs = DEFAULT_PLATFORM_MODEL.startup.keepAliveMs;
    const within = simulateLoad({ platform: DEFAULT_PLATFORM_MODEL, mix, arrivals: { kind: 'trace', arrivals: [{ timeMs: 0, workflow: 'one' }, { timeMs: 10_000, workflow: 'one' }] }, seed: 1 });
    expect(within.requests.map((r) => r.coldStarts)).toEqual([1, 0]);
    const after = simulateLoad({ platform: DEFAULT_PLATFORM_MODEL, mix, arrivals: { kind: 'trace', arrivals: [{ timeMs: 0, workflow: 'one' }, { timeMs: keepAliveMs + 10_000, workflow: 'one' }] }, seed: 1 });
    expect(after.requests.map((r) => r.coldStarts)).toEqual([1, 1]);
    // The warm request is faster by the cold start it did not pay.
    expect(within.requests[1]!.latencyMs!).toBeLessThan(within.requests[0]!.latencyMs! - 400);
  });

  it('two uploads at once through a server that is the bottleneck each take about twice as long as one alone', () => {
    const outputBytes = 5_000_000; // 500 ms alone at the worker's 10,000 bytes/ms
    const { workflow, plan, truth } = oneTask(outputBytes);
    const mix: LoadWorkflow[] = [{ name: 'one', workflow, plan, weight: 1, truth, slaMs: 1e9 }];
    // The server carries exactly one worker's bandwidth.
    const platform = withOverrides(DEFAULT_PLATFORM_MODEL, { storage: { serverBandwidthBytesPerMs: 10_000, serverBurstCreditBytes: 0 } });
    const uploadMs = (arrivals: readonly number[]) => {
      const result = simulateLoad({ platform, mix, arrivals: { kind: 'trace', arrivals: arrivals.map((timeMs) => ({ timeMs, workflow: 'one' })) }, seed: 1, keepRecords: true });
      return result.records!.map((records) => toRun(records).tasks.flatMap((t) => t.uploads.map((u) => u.durationMs))).flat();
    };
    const alone = uploadMs([0]);
    const together = uploadMs([0, 0]);
    expect(alone).toHaveLength(1);
    expect(alone[0]!).toBeCloseTo(500, 3);
    expect(together).toHaveLength(2);
    for (const ms of together) expect(ms).toBeCloseTo(1000, 0);
    // Apart, they do not meet on the server.
    expect(uploadMs([0, 60_000])).toEqual([alone[0], alone[0]]);
  });

  it('requests beyond the account limit wait for a slot: the throttles and the queueing delay show it', () => {
    const { workflow, plan, truth } = oneTask(0);
    const mix: LoadWorkflow[] = [{ name: 'one', workflow, plan, weight: 1, truth, slaMs: 1e9 }];
    const platform = withOverrides(DEFAULT_PLATFORM_MODEL, { concurrency: { accountLimit: 1 } });
    const result = simulateLoad({ platform, mix, arrivals: { kind: 'burst', size: 3, everyMs: 60_000 }, requests: 3, seed: 1 });
    expect(result.peakLiveInvocations).toBe(1);
    expect(result.throttles).toBeGreaterThanOrEqual(2);
    const queues = result.requests.map((r) => r.queueMs!);
    expect(queues[0]).toBe(0);
    expect(queues[1]!).toBeGreaterThan(100);
    expect(queues[2]!).toBeGreaterThan(queues[1]!);
  });

  it('a cold start beyond the scaling burst waits for a token', () => {
    // Long tasks, so no environment turns idle (and serves a waiting request warm) before the tokens come.
    const { workflow, plan, truth } = oneTask(0, 5000);
    const mix: LoadWorkflow[] = [{ name: 'one', workflow, plan, weight: 1, truth, slaMs: 1e9 }];
    const platform = withOverrides(DEFAULT_PLATFORM_MODEL, { concurrency: { scalingBurst: 2, scalingRefillPerS: 1 } });
    const result = simulateLoad({ platform, mix, arrivals: { kind: 'burst', size: 4, everyMs: 60_000 }, requests: 4, seed: 1 });
    const queues = result.requests.map((r) => r.queueMs!);
    expect(queues.slice(0, 2)).toEqual([0, 0]);
    // The third and fourth wait for tokens refilled at one a second.
    expect(queues[2]!).toBeGreaterThanOrEqual(990);
    expect(queues[3]!).toBeGreaterThanOrEqual(1990);
  });
});

describe('load simulation: bad input is one clear error', () => {
  const { workflow, plan, truth } = oneTask(0);
  const mix: LoadWorkflow[] = [{ name: 'one', workflow, plan, weight: 1, truth, slaMs: 1e9 }];
  const base = { platform: DEFAULT_PLATFORM_MODEL, mix, seed: 1 };
  it.each([
    ['a rate of 0', { ...base, arrivals: { kind: 'poisson', ratePerS: 0 }, requests: 3 }, /arrival rate .* must be a number > 0, got 0/],
    ['a negative rate per minute', { ...base, arrivals: { kind: 'rpm', perMinute: -2 }, requests: 3 }, /requests per minute\) must be a number > 0, got -2/],
    ['an unknown workflow in a trace', { ...base, arrivals: { kind: 'trace', arrivals: [{ timeMs: 0, workflow: 'nope' }] } }, /arrival 1: unknown workflow 'nope' \(the mix has: one\)/],
    ['weights summing to 0', { ...base, mix: [{ ...mix[0]!, weight: 0 }], arrivals: { kind: 'poisson', ratePerS: 1 }, requests: 3 }, /weights of the load mix must sum to a positive number/],
    ['a duration of 0', { ...base, arrivals: { kind: 'poisson', ratePerS: 1 }, durationMs: 0 }, /duration must be a number of ms > 0, got 0/],
    ['no requests and no duration', { ...base, arrivals: { kind: 'poisson', ratePerS: 1 } }, /needs a number of requests or a duration/],
    ['a concurrency limit of 0', { ...base, platform: { ...DEFAULT_PLATFORM_MODEL, concurrency: { ...DEFAULT_PLATFORM_MODEL.concurrency, accountLimit: 0 } }, arrivals: { kind: 'poisson', ratePerS: 1 }, requests: 2 }, /concurrency limit must be >= 1, got 0/],
  ] as const)('%s', (_label, options, message) => {
    expect(() => simulateLoad(options as Parameters<typeof simulateLoad>[0])).toThrow(message);
  });
});

describe('load simulation: the scaling token bucket (property)', () => {
  test.prop([fc.integer({ min: 1, max: 8 }), fc.double({ min: 0.5, max: 50, noNaN: true }), fc.integer({ min: 2, max: 12 }), fc.integer({ min: 0, max: 1000 })], { numRuns: 40 })(
    'every request completes, and cold starts never outrun the burst plus the refill so far',
    (scalingBurst, scalingRefillPerS, requests, seed) => {
      const { workflow, plan, truth } = oneTask(0, 2000);
      const platform = withOverrides(DEFAULT_PLATFORM_MODEL, { concurrency: { scalingBurst, scalingRefillPerS } });
      const mix: LoadWorkflow[] = [{ name: 'one', workflow, plan, weight: 1, truth, slaMs: 1e9 }];
      const result = simulateLoad({ platform, mix, arrivals: { kind: 'burst', size: requests, everyMs: 1e9 }, requests, seed, keepRecords: true });
      expect(result.requests.every((r) => r.status === 'completed')).toBe(true);
      const coldStarts = result.records!.flatMap((records) => toRun(records).workers.filter((w) => w.start === 'cold').map((w) => w.invokedAtMs)).sort((a, b) => a - b);
      // Records keep times to the µs, so a start at a token's due time may read up to 0.5 µs early.
      coldStarts.forEach((atMs, i) => expect(i + 1).toBeLessThanOrEqual(scalingBurst + Math.floor(((atMs + 5e-4) * scalingRefillPerS) / 1000 + 1e-9)));
    },
  );
});

describe('load simulation: long idle stretches', () => {
  it('a trace with a 300-day gap between two requests is not sampled through second by second', () => {
    const { workflow, plan, truth } = oneTask(0);
    const gapMs = 300 * 24 * 3600 * 1000;
    const result = simulateLoad({
      platform: DEFAULT_PLATFORM_MODEL,
      mix: [{ name: 'one', workflow, plan, weight: 1, truth, slaMs: 1e9 }],
      arrivals: { kind: 'trace', arrivals: [{ timeMs: 0, workflow: 'one' }, { timeMs: gapMs, workflow: 'one' }] },
      seed: 1,
    });
    expect(result.requests.map((r) => r.status)).toEqual(['completed', 'completed']);
    // Samples while something runs, then one jump to just before the second arrival (on the 1 s grid).
    expect(result.series.length).toBeLessThan(50);
    expect(result.series.some((s) => s.atMs > gapMs - 1000 && s.atMs <= gapMs)).toBe(true);
    // Every sample on the grid but the last, taken when the last request has drained.
    for (const s of result.series.slice(0, -1)) expect(s.atMs % 1000).toBe(0);
  });
});
