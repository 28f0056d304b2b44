import { describe, expect, it } from 'vitest';
import { cmd, Driven, ev, scenario, BIG } from './fixtures.js';

describe('fixed workers (planned worker ids)', () => {
  // a -> b -> d on w1; a -> c -> d with c on w2, a bigger worker.
  const { ctx } = scenario({
    a: { worker: 'w1' },
    b: { up: ['a'], worker: 'w1' },
    c: { up: ['a'], worker: 'w2', resources: BIG },
    d: { up: ['b', 'c'], worker: 'w1' },
  });

  it('subscribe, execute, upload only for remote consumers, invoke the planned worker, TASK_READY to a running one', () => {
    const w1 = new Driven(ctx, 'w1');
    // d depends on c, which runs elsewhere: w1 must hear its TASK_READY before running anything that could unlock it.
    expect(w1.send(ev.invoked('a'))).toEqual([cmd.subscribe(['d'])]);
    expect(w1.send(ev.subscribed())).toEqual([cmd.execute('a')]);
    // c runs on w2, so a's output is uploaded; b is w1's own task and continues at once without any transfer.
    expect(w1.send(ev.executed('a'))).toEqual([cmd.upload('a'), cmd.execute('b')]);
    // c is w2's only entry task, so this completion is the one that starts w2, with w2's planned resources.
    expect(w1.send(ev.uploaded('a'))).toEqual([cmd.completed('a', true), cmd.invoke('w2', ['c'], BIG)]);
    // d has an upstream elsewhere, so it is counted; w1 keeps b's output (no upload).
    expect(w1.send(ev.executed('b'))).toEqual([cmd.increment('d', 'b')]);
    expect(w1.send(ev.incremented('d', 'b', 1))).toEqual([cmd.completed('b', false)]);

    const w2 = new Driven(ctx, 'w2', BIG);
    expect(w2.send(ev.invoked('c'))).toEqual([cmd.download('a', 'c')]);
    expect(w2.send(ev.downloaded('a'))).toEqual([cmd.execute('c')]);
    expect(w2.send(ev.executed('c'))).toEqual([cmd.upload('c')]);
    expect(w2.send(ev.uploaded('c'))).toEqual([cmd.increment('d', 'c')]);
    // The increment that completes d's counter hands d to w1, which is running (it owns a root): TASK_READY.
    expect(w2.send(ev.incremented('d', 'c', 2))).toEqual([cmd.ready('d', 'w1'), cmd.completed('c', true), cmd.shutDown()]);

    expect(w1.send(ev.ready('d'))).toEqual([cmd.download('c', 'd')]);
    expect(w1.send(ev.downloaded('c'))).toEqual([cmd.execute('d')]);
    expect(w1.send(ev.executed('d'))).toEqual([cmd.store('d')]);
    expect(w1.send(ev.stored('d'))).toEqual([cmd.completed('d', false), ...cmd.finishRun(), cmd.shutDown()]);
  });

  it('a worker with several entry tasks is started once, by whoever claims its start first', () => {
    const { ctx: claimCtx } = scenario({
      a: { worker: 'w1' },
      b: { worker: 'w2' },
      x: { up: ['a'], worker: 'w3' },
      y: { up: ['b'], worker: 'w3' },
    });
    const claim = { kind: 'increment-counter', counter: { kind: 'worker-start', workerId: 'w3' } } as const;
    const claimed = (value: number) => ({ kind: 'counter-incremented', counter: claim.counter, byTaskId: 'x', value }) as const;

    const w1 = new Driven(claimCtx, 'w1');
    w1.send(ev.invoked('a'));
    expect(w1.send(ev.executed('a'))).toEqual([cmd.upload('a')]);
    expect(w1.send(ev.uploaded('a'))).toEqual([{ ...claim, byTaskId: 'x' }]);
    // First claim: w1 invokes w3. TASK_COMPLETED waits for the claim, so nobody can outrun the hand-off.
    expect(w1.send(claimed(1))).toEqual([cmd.completed('a', true), cmd.invoke('w3', ['x']), cmd.shutDown()]);

    const w2 = new Driven(claimCtx, 'w2');
    w2.send(ev.invoked('b'));
    w2.send(ev.executed('b'));
    expect(w2.send(ev.uploaded('b'))).toEqual([{ ...claim, byTaskId: 'y' }]);
    expect(w2.send({ ...claimed(2), byTaskId: 'y' })).toEqual([cmd.ready('y', 'w3'), cmd.completed('b', true), cmd.shutDown()]);

    // w3 may have subscribed after that TASK_READY went by: its probe finds the TASK_READY record.
    const w3 = new Driven(claimCtx, 'w3');
    expect(w3.send(ev.invoked('x'))).toEqual([cmd.subscribe(['y'])]);
    expect(w3.send(ev.subscribed())).toEqual([cmd.probe([], ['y']), cmd.download('a', 'x')]);
    expect(w3.send(ev.probed([], ['y']))).toEqual([cmd.download('b', 'y')]);
  });

  it('own tasks whose inputs are all local run without counters or TASK_READY', () => {
    const { ctx: localCtx } = scenario({ a: { worker: 'w1' }, b: { worker: 'w1' }, c: { up: ['a', 'b'], worker: 'w1' } });
    const w1 = new Driven(localCtx, 'w1');
    expect(w1.send(ev.invoked('a', 'b'))).toEqual([cmd.execute('a'), cmd.execute('b')]);
    expect(w1.send(ev.executed('a'))).toEqual([cmd.completed('a', false)]);
    expect(w1.send(ev.executed('b'))).toEqual([cmd.completed('b', false), cmd.execute('c')]);
  });
});
