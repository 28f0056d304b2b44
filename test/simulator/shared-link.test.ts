import { describe, expect, it } from 'vitest';
import { SimEngine, type EventOwner } from '../../simulator/engine.js';
import { SharedLink } from '../../simulator/shared-link.js';

/** Starts jobs (start time, amount, time alone) on a link of `capacity` per ms; returns when each ended and whether slowed. */
function runJobs(capacity: number, jobs: readonly { atMs: number; amount: number; aloneMs: number }[]) {
  const engine = new SimEngine();
  const link = new SharedLink(engine, capacity);
  const ended: { endMs: number; slowed: boolean }[] = [];
  const doneCalls: number[] = [];
  const owner = {
    linkDone: (i: number, slowed: boolean) => {
      doneCalls.push(i);
      ended[i] = { endMs: engine.nowMs, slowed };
    },
  };
  type Start = { owner: EventOwner<Start>; i: number };
  const starter: EventOwner<Start> = { handle: (e) => link.start(owner, e.i, jobs[e.i]!.amount, jobs[e.i]!.aloneMs) };
  jobs.forEach((job, i) => engine.at<Start>(job.atMs, { owner: starter, i }));
  engine.run();
  return { ended, peak: link.peakActive, doneCalls };
}

describe('SharedLink (the storage server shared by concurrent transfers)', () => {
  it('a job ended by the contended link a hair before its own event is not ended again by that event', () => {
    // Late in a run (clock 1e7 ms) the tolerance for jobs due together is 1e-9 of the virtual clock, 0.01 ms. A and B
    // run uncontended (own events at +10 and +9.999); C makes the link barely contended (speed 0.99999), so B is due
    // at +9.9997 and A, within the tolerance, ends with it, before its own event at +10. C alone is uncontended again,
    // so A's own event must be stale. Once, each job's reply was handed over twice here (the 100,000-task fixed-plan
    // benchmark's run got stuck on a counter incremented twice).
    const t0 = 1e7;
    const { doneCalls, ended } = runJobs(1, [
      { atMs: t0, amount: 5, aloneMs: 10 },
      { atMs: t0, amount: 0.4999 * 9.999, aloneMs: 9.999 },
      { atMs: t0 + 1, amount: 0.00011 * 100, aloneMs: 100 },
    ]);
    expect([...doneCalls].sort()).toEqual([0, 1, 2]);
    expect(ended[0]!.endMs).toBeLessThan(t0 + 10);
    expect(ended[0]!.slowed).toBe(true);
  });

  it('a job alone takes exactly its time alone, and is not slowed', () => {
    expect(runJobs(100, [{ atMs: 3, amount: 1000, aloneMs: 10 }]).ended).toEqual([{ endMs: 13, slowed: false }]);
  });

  it('jobs whose rates alone fit within the capacity do not slow one another', () => {
    const { ended } = runJobs(100, [
      { atMs: 0, amount: 500, aloneMs: 10 },
      { atMs: 0, amount: 500, aloneMs: 10 },
    ]);
    expect(ended).toEqual([{ endMs: 10, slowed: false }, { endMs: 10, slowed: false }]);
  });

  it('two equal jobs through a server that carries one at full rate each take twice as long', () => {
    const { ended, peak } = runJobs(100, [
      { atMs: 0, amount: 1000, aloneMs: 10 },
      { atMs: 0, amount: 1000, aloneMs: 10 },
    ]);
    expect(peak).toBe(2);
    for (const e of ended) {
      expect(e.endMs).toBeCloseTo(20, 9);
      expect(e.slowed).toBe(true);
    }
  });

  it('a job that overlaps another for a while is slowed for that while only, and the server never exceeds its capacity', () => {
    // Job 0 alone 0–5 ms (500 of 1000 done), then shares with job 1: each at 50/ms. Job 0's remaining 500 take 10 ms
    // (ends at 15); job 1 has moved 500 by then and finishes its other 500 alone at 100/ms by 20.
    const { ended } = runJobs(100, [
      { atMs: 0, amount: 1000, aloneMs: 10 },
      { atMs: 5, amount: 1000, aloneMs: 10 },
    ]);
    expect(ended[0]!.endMs).toBeCloseTo(15, 9);
    expect(ended[1]!.endMs).toBeCloseTo(20, 9);
  });

  it('a job of nothing does not load the server', () => {
    const { ended } = runJobs(1, [
      { atMs: 0, amount: 0, aloneMs: 4 },
      { atMs: 0, amount: 100, aloneMs: 100 },
    ]);
    expect(ended).toEqual([{ endMs: 4, slowed: false }, { endMs: 100, slowed: false }]);
  });
});
