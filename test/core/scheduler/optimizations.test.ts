import { describe, expect, it } from 'vitest';
import { createWorker } from '../../../core/scheduler/worker-state.js';
import { step } from '../../../core/scheduler/step.js';
import type { WorkerEvent } from '../../../core/scheduler/events.js';
import { BIG, cmd, Driven, ev, scenario } from './fixtures.js';

describe('pre-load', () => {
  // c on w1 needs p (from w2) and q (w1's own, long running); c pre-loads.
  const { ctx } = scenario({
    p: { worker: 'w2' },
    q: { worker: 'w1' },
    c: { up: ['p', 'q'], worker: 'w1', opts: [{ kind: 'pre-load' }] },
  });

  it('downloads an input as soon as its TASK_COMPLETED arrives, while other tasks run', () => {
    const w1 = new Driven(ctx, 'w1');
    expect(w1.send(ev.invoked('q'))).toEqual([cmd.subscribe(['c'], ['p'])]);
    // p may have completed before the subscription: probe its output, then start q.
    expect(w1.send(ev.subscribed())).toEqual([cmd.probe(['p']), cmd.execute('q')]);
    expect(w1.send(ev.probed([]))).toEqual([]);
    expect(w1.send(ev.completed('p'))).toEqual([cmd.download('p', 'c')]);
    expect(w1.send(ev.downloaded('p'))).toEqual([]);
    expect(w1.send(ev.executed('q'))).toEqual([cmd.increment('c', 'q')]);
    // c's inputs are already here when it becomes ready: it executes at once.
    expect(w1.send(ev.incremented('c', 'q', 2))).toEqual([cmd.completed('q', false), cmd.execute('c')]);
  });

  it('pre-loads an output the probe finds already uploaded', () => {
    const w1 = new Driven(ctx, 'w1');
    w1.send(ev.invoked('q'));
    w1.send(ev.subscribed());
    expect(w1.send(ev.probed(['p']))).toEqual([cmd.download('p', 'c')]);
  });
});

describe('pre-warm', () => {
  const { ctx } = scenario({
    a: { opts: [{ kind: 'pre-warm', targetResources: BIG, delayMs: 200 }] },
    b: { up: ['a'] },
  });

  it('issues the warm-up when the task starts, and stays alive until it is sent', () => {
    const w = new Driven(ctx, null);
    expect(w.send(ev.invoked('a'))).toEqual([{ kind: 'pre-warm', resources: BIG, delayMs: 200, taskId: 'a' }, cmd.execute('a')]);
    expect(w.send(ev.executed('a'))).toEqual([cmd.completed('a', false), cmd.execute('b')]);
    expect(w.send(ev.executed('b'))).toEqual([cmd.store('b')]);
    expect(w.send(ev.stored('b'))).toEqual([cmd.completed('b', false), ...cmd.finishRun()]);
    expect(w.send({ kind: 'pre-warm-done' })).toEqual([cmd.shutDown()]);
  });

  it('the warmed worker itself shuts down at once', () => {
    const result = step(createWorker(ctx, null, BIG), { kind: 'invoked', taskIds: [], preWarm: true });
    expect(result.commands).toEqual([cmd.shutDown()]);
  });
});

describe('task-dup', () => {
  // d on w1 waits for u, a slow task-dup task on w2; v is w1's own.
  const sketch = {
    u: { worker: 'w2', opts: [{ kind: 'task-dup' }] as const },
    v: { worker: 'w1' },
    d: { up: ['u', 'v'], worker: 'w1' },
  };
  const savings = (savedMs: number): WorkerEvent => ({ kind: 'dup-savings', taskId: 'd', savings: [{ taskId: 'u', savedMs }] });

  /** w1 after v ran and reported: d waits only for u. */
  function waitingForU(minSavedMs?: number) {
    const { ctx } = scenario(
      minSavedMs === undefined ? sketch : { ...sketch, u: { worker: 'w2', opts: [{ kind: 'task-dup', minSavedMs }] } },
    );
    const w1 = new Driven(ctx, 'w1');
    expect(w1.send(ev.invoked('v'))).toEqual([cmd.subscribe(['d'], ['u'])]);
    expect(w1.send(ev.subscribed())).toEqual([cmd.probe(['u']), cmd.execute('v')]);
    expect(w1.send(ev.probed([]))).toEqual([]);
    // The core does not predict: it asks for the saving of running u here.
    expect(w1.send(ev.executed('v'))).toEqual([{ kind: 'estimate-dup-savings', taskId: 'd', candidateIds: ['u'] }, cmd.increment('d', 'v')]);
    expect(w1.send(ev.incremented('d', 'v', 1))).toEqual([cmd.completed('v', false)]);
    return w1;
  }

  it('duplicates the slow upstream task when the saving exceeds the threshold; the copy is used, nothing reported', () => {
    const w1 = waitingForU();
    expect(w1.send(savings(500))).toEqual([cmd.execute('u', true)]);
    expect(w1.send(ev.executed('u'))).toEqual([cmd.execute('d')]);
    // The original finishes later: its notifications change nothing.
    expect(w1.send(ev.completed('u'))).toEqual([]);
    expect(w1.send(ev.ready('d'))).toEqual([]);
  });

  it('the first copy wins: the original arrives during the duplicate, which is discarded', () => {
    const w1 = waitingForU();
    w1.send(savings(500));
    expect(w1.send(ev.completed('u'))).toEqual([cmd.download('u', 'd')]);
    expect(w1.send(ev.downloaded('u'))).toEqual([cmd.execute('d')]);
    expect(w1.send(ev.executed('u'))).toEqual([{ kind: 'discard-output', taskId: 'u', copy: 'duplicate' }]);
  });

  it('does not duplicate below the threshold (the run default, or the task’s own minSavedMs)', () => {
    expect(waitingForU().send(savings(150))).toEqual([]);
    expect(waitingForU(600).send(savings(500))).toEqual([]);
  });

  it('abandons a duplicate still gathering inputs when the original finishes', () => {
    // Duplicating u means fetching its input r first; u's original completes meanwhile.
    const { ctx } = scenario({
      r: { worker: 'w2' },
      u: { up: ['r'], worker: 'w2', opts: [{ kind: 'task-dup' }] },
      v: { worker: 'w1' },
      d: { up: ['u', 'v'], worker: 'w1' },
    });
    const w1 = new Driven(ctx, 'w1');
    expect(w1.send(ev.invoked('v'))).toEqual([cmd.subscribe(['d'], ['u', 'r'])]);
    expect(w1.send(ev.subscribed())).toEqual([cmd.probe(['u', 'r']), cmd.execute('v')]);
    expect(w1.send(ev.probed([]))).toEqual([]);
    expect(w1.send(ev.completed('r'))).toEqual([{ kind: 'estimate-dup-savings', taskId: 'd', candidateIds: ['u'] }]);
    expect(w1.send(savings(500))).toEqual([cmd.download('r', 'u')]);
    expect(w1.send(ev.completed('u'))).toEqual([]);
    // The duplicate never executes.
    expect(w1.send(ev.downloaded('r'))).toEqual([]);
    expect(w1.send(ev.executed('v'))).toEqual([cmd.increment('d', 'v')]);
    expect(w1.send(ev.incremented('d', 'v', 2))).toEqual([cmd.completed('v', false), cmd.download('u', 'd')]);
  });
});
