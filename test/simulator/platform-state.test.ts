/**
 * The platform state on its own (issue 15: "the engine, platform and run are each tested on their own"): account
 * slots and the invocations waiting for one, warm environments and the keep-alive with most-recently-idle reuse, the
 * scaling token bucket (burst, refill, waiting for a token), and the shared host CPU of a local profile. No workflow
 * run: the tests ask the platform directly, with owners that write down when they are admitted or done.
 */
import { describe, expect, it } from 'vitest';
import { SimEngine, type EventOwner } from '../../simulator/engine.js';
import { withOverrides } from '../../simulator/platform-config.js';
import { DEFAULT_PLATFORM_MODEL } from '../../simulator/platform-defaults.js';
import type { PlatformModel } from '../../simulator/platform-model.js';
import { PlatformState } from '../../simulator/platform-state.js';

const FN = '2048MB';

/** Runs `action` at `atMs` on the engine (so the platform sees that clock). */
function atTime(engine: SimEngine, atMs: number, action: () => void): void {
  interface Do {
    readonly owner: EventOwner<Do>;
  }
  const owner: EventOwner<Do> = { handle: () => action() };
  engine.at<Do>(atMs, { owner });
}

function platformWith(overrides: Parameters<typeof withOverrides>[1]): { engine: SimEngine; platform: PlatformState; model: PlatformModel } {
  const engine = new SimEngine();
  const model = withOverrides(DEFAULT_PLATFORM_MODEL, overrides);
  return { engine, platform: new PlatformState(engine, model), model };
}

/** An owner of waiting invocations that notes when each is admitted. */
function admissions(engine: SimEngine) {
  const admitted: { invocation: string; atMs: number }[] = [];
  return { admitted, owner: { admit: (invocation: string) => admitted.push({ invocation, atMs: engine.nowMs }) } };
}

describe('PlatformState: account slots', () => {
  it('takes a slot per invocation up to the account limit, then queues the rest first come first served', () => {
    const { engine, platform } = platformWith({ concurrency: { accountLimit: 2 } });
    const { admitted, owner } = admissions(engine);
    expect(platform.startInvocation(FN)).toBe('cold');
    expect(platform.startInvocation(FN)).toBe('cold');
    expect(platform.liveInvocations).toBe(2);
    expect(platform.hasFreeSlot()).toBe(false);
    // The admitted invocation takes its slot (as a run does when admitted) before the next is asked.
    const takingSlot = { admit: (invocation: string) => (owner.admit(invocation), platform.startInvocation(FN)) };
    platform.wait(takingSlot, 'first-waiting');
    platform.wait(takingSlot, 'second-waiting');
    expect(platform.waitingInvocations).toBe(2);
    expect(platform.throttles).toBe(2);
    atTime(engine, 10, () => platform.releaseSlot());
    engine.run();
    expect(admitted).toEqual([{ invocation: 'first-waiting', atMs: 10 }]);
    expect(platform.waitingInvocations).toBe(1);
    expect(platform.liveInvocations).toBe(2);
    expect(platform.peakLiveInvocations).toBe(2);
  });

  it('admits waiting invocations in order while slots are free, and an admitted one that takes no slot lets the next in', () => {
    const { engine, platform } = platformWith({ concurrency: { accountLimit: 1 } });
    const admitted: string[] = [];
    // 'a' does not take its slot when admitted (its run failed meanwhile); 'b' does; 'c' must wait on.
    const owner = {
      admit: (invocation: string) => {
        admitted.push(invocation);
        if (invocation !== 'a') platform.startInvocation(FN);
      },
    };
    platform.startInvocation(FN);
    for (const name of ['a', 'b', 'c']) platform.wait(owner, name);
    platform.releaseSlot();
    expect(admitted).toEqual(['a', 'b']);
    expect(platform.liveInvocations).toBe(1);
    expect(platform.waitingInvocations).toBe(1);
    expect(platform.peakLiveInvocations).toBe(1);
    void engine;
  });
});

describe('PlatformState: warm environments and keep-alive', () => {
  it('an ended invocation leaves an environment that serves a warm start within the keep-alive, not after', () => {
    const { engine, platform } = platformWith({ startup: { keepAliveMs: 1000 } });
    const starts: string[] = [];
    atTime(engine, 0, () => starts.push(platform.startInvocation(FN)));
    atTime(engine, 100, () => platform.endInvocation(FN));
    atTime(engine, 1099, () => starts.push(platform.startInvocation(FN)));
    atTime(engine, 1200, () => platform.endInvocation(FN));
    atTime(engine, 2200, () => starts.push(platform.startInvocation(FN)));
    engine.run();
    // Idle 999 ms: warm; idle exactly the keep-alive: reclaimed, cold.
    expect(starts).toEqual(['cold', 'warm', 'cold']);
  });

  it('environments are per function: one left by another memory size does not serve', () => {
    const { engine, platform } = platformWith({});
    const starts: string[] = [];
    atTime(engine, 0, () => platform.startInvocation('1024MB'));
    atTime(engine, 5, () => platform.endInvocation('1024MB'));
    atTime(engine, 10, () => starts.push(platform.startInvocation(FN), platform.startInvocation('1024MB')));
    engine.run();
    expect(starts).toEqual(['cold', 'warm']);
  });

  it('reuses the most recently idle environment first (the older one may expire meanwhile)', () => {
    const { engine, platform } = platformWith({ startup: { keepAliveMs: 1000 } });
    const starts: string[] = [];
    atTime(engine, 0, () => (platform.startInvocation(FN), platform.startInvocation(FN)));
    atTime(engine, 10, () => platform.endInvocation(FN)); // idle since 10: expired at 1010
    atTime(engine, 500, () => platform.endInvocation(FN)); // idle since 500: warm until 1500
    // At 1100 only the environment idle since 500 is warm. Most-recently-idle routing takes it: warm. Taking the
    // oldest first would find it expired: cold.
    atTime(engine, 1100, () => starts.push(platform.startInvocation(FN), platform.startInvocation(FN)));
    engine.run();
    expect(starts).toEqual(['warm', 'cold']);
  });

  it('two environments idle within the keep-alive serve two warm starts, a third is cold', () => {
    const { engine, platform } = platformWith({});
    const starts: string[] = [];
    atTime(engine, 0, () => (platform.startInvocation(FN), platform.startInvocation(FN)));
    atTime(engine, 50, () => (platform.endInvocation(FN), platform.endInvocation(FN)));
    atTime(engine, 60, () => starts.push(platform.startInvocation(FN), platform.startInvocation(FN), platform.startInvocation(FN)));
    engine.run();
    expect(starts).toEqual(['warm', 'warm', 'cold']);
  });
});

describe('PlatformState: the scaling token bucket', () => {
  it('allows a burst of cold starts, then throttles until a token is refilled (refill per s), admitting waiters in order', () => {
    const { engine, platform } = platformWith({ concurrency: { scalingBurst: 2, scalingRefillPerS: 5 } });
    const { admitted, owner } = admissions(engine);
    // A waiter admitted takes its cold start (as the run's invoke path does), so each token goes to one waiter.
    const taking = { admit: (invocation: string) => (owner.admit(invocation), expect(platform.startInvocation(FN)).toBe('cold')) };
    const starts: string[] = [];
    atTime(engine, 0, () => {
      starts.push(platform.startInvocation(FN), platform.startInvocation(FN), platform.startInvocation(FN));
      platform.waitForToken(FN, taking, 'third');
      platform.waitForToken(FN, taking, 'fourth');
    });
    engine.run();
    expect(starts).toEqual(['cold', 'cold', 'throttled']);
    // 5 tokens per s: one every 200 ms.
    expect(admitted).toEqual([
      { invocation: 'third', atMs: 200 },
      { invocation: 'fourth', atMs: 400 },
    ]);
    expect(platform.throttles).toBe(2);
  });

  it('refills up to the burst and no further, however long the bucket was idle', () => {
    const { engine, platform } = platformWith({ concurrency: { scalingBurst: 3, scalingRefillPerS: 100 } });
    const starts: string[] = [];
    atTime(engine, 0, () => starts.push(platform.startInvocation(FN)));
    atTime(engine, 60_000, () => {
      for (let i = 0; i < 4; i++) starts.push(platform.startInvocation(FN));
    });
    engine.run();
    expect(starts).toEqual(['cold', 'cold', 'cold', 'cold', 'throttled']);
  });

  it('a warm start needs no token', () => {
    const { engine, platform } = platformWith({ concurrency: { scalingBurst: 1, scalingRefillPerS: 0.001 } });
    const starts: string[] = [];
    atTime(engine, 0, () => starts.push(platform.startInvocation(FN)));
    atTime(engine, 10, () => platform.endInvocation(FN));
    atTime(engine, 20, () => starts.push(platform.startInvocation(FN), platform.startInvocation(FN)));
    engine.run();
    expect(starts).toEqual(['cold', 'warm', 'throttled']);
  });
});

describe('PlatformState: the shared host CPU (local profile)', () => {
  function hostRun(hostCores: number, jobs: readonly { atMs: number; aloneMs: number }[]): number[] {
    const { engine, platform } = platformWith({ cpu: { singleThreadedWorker: true, hostCores } });
    const doneAtMs: number[] = [];
    const owner = { hostWorkDone: (i: number) => (doneAtMs[i] = engine.nowMs) };
    jobs.forEach((job, i) => atTime(engine, job.atMs, () => platform.addHostWork({ owner, job: i }, job.aloneMs)));
    engine.run();
    return doneAtMs;
  }

  it('a job alone on the host takes its time alone', () => {
    expect(hostRun(1, [{ atMs: 5, aloneMs: 100 }])).toEqual([105]);
  });

  it('two jobs on one core share it: each runs at half speed while both run', () => {
    const done = hostRun(1, [
      { atMs: 0, aloneMs: 100 },
      { atMs: 0, aloneMs: 100 },
    ]);
    expect(done[0]).toBeCloseTo(200, 9);
    expect(done[1]).toBeCloseTo(200, 9);
  });

  it('jobs no more than the cores run at full speed; a later, shorter job slows the first only while both run', () => {
    expect(hostRun(2, [
      { atMs: 0, aloneMs: 100 },
      { atMs: 0, aloneMs: 100 },
    ])).toEqual([100, 100]);
    // One core: A alone for 50 ms (50 done), then A and B share it: B needs 20, done after 40 more (at 90), A has 30
    // left at 90 and runs alone: done at 120.
    const done = hostRun(1, [
      { atMs: 0, aloneMs: 100 },
      { atMs: 50, aloneMs: 20 },
    ]);
    expect(done[1]).toBeCloseTo(90, 9);
    expect(done[0]).toBeCloseTo(120, 9);
  });
});
