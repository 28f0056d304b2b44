import { describe, expect, it } from 'vitest';
import { BIG, cmd, Driven, ev, scenario } from './fixtures.js';

describe('flexible workers (WUKONG)', () => {
  it('fan-out: one branch continues here, a new worker is invoked per other branch after the upload', () => {
    const { ctx } = scenario({ a: {}, b: { up: ['a'] }, c: { up: ['a'] }, d: { up: ['a'] } });
    const w = new Driven(ctx, null);
    expect(w.send(ev.invoked('a'))).toEqual([cmd.execute('a')]);
    expect(w.send(ev.executed('a'))).toEqual([cmd.upload('a'), cmd.execute('b')]);
    expect(w.send(ev.uploaded('a'))).toEqual([cmd.completed('a', true), cmd.invoke(null, ['c']), cmd.invoke(null, ['d'])]);
  });

  it('a chain continues on the same worker without uploading', () => {
    const { ctx } = scenario({ a: {}, b: { up: ['a'] } });
    const w = new Driven(ctx, null);
    w.send(ev.invoked('a'));
    expect(w.send(ev.executed('a'))).toEqual([cmd.completed('a', false), cmd.execute('b')]);
  });

  it('a child planned with other resources goes to a new worker of those resources', () => {
    const { ctx } = scenario({ a: {}, b: { up: ['a'], resources: BIG } });
    const w = new Driven(ctx, null);
    w.send(ev.invoked('a'));
    expect(w.send(ev.executed('a'))).toEqual([cmd.upload('a')]);
    expect(w.send(ev.uploaded('a'))).toEqual([cmd.completed('a', true), cmd.invoke(null, ['b'], BIG), cmd.shutDown()]);
  });

  it('fan-in race: the worker whose increment completes the counter proceeds, the other uploads and stops', () => {
    const { ctx } = scenario({ a: {}, b: {}, c: { up: ['a', 'b'] }, d: { up: ['c'] } });
    const first = new Driven(ctx, null);
    first.send(ev.invoked('a'));
    expect(first.send(ev.executed('a'))).toEqual([cmd.upload('a')]);
    expect(first.send(ev.uploaded('a'))).toEqual([cmd.increment('c', 'a')]);
    expect(first.send(ev.incremented('c', 'a', 1))).toEqual([cmd.completed('a', true), cmd.shutDown()]);

    const last = new Driven(ctx, null);
    last.send(ev.invoked('b'));
    expect(last.send(ev.executed('b'))).toEqual([cmd.upload('b')]);
    expect(last.send(ev.uploaded('b'))).toEqual([cmd.increment('c', 'b')]);
    // b is already here; only a's output is fetched.
    expect(last.send(ev.incremented('c', 'b', 2))).toEqual([cmd.completed('b', true), cmd.download('a', 'c')]);
    expect(last.send(ev.downloaded('a'))).toEqual([cmd.execute('c')]);
  });

  it('with several fan-in children completed by one output, the first continues here and the rest are invoked', () => {
    const { ctx } = scenario({ x: {}, a: {}, c1: { up: ['a', 'x'] }, c2: { up: ['a', 'x'] } });
    const w = new Driven(ctx, null);
    w.send(ev.invoked('a'));
    w.send(ev.executed('a'));
    expect(w.send(ev.uploaded('a'))).toEqual([cmd.increment('c1', 'a'), cmd.increment('c2', 'a')]);
    expect(w.send(ev.incremented('c1', 'a', 2))).toEqual([cmd.download('x', 'c1')]);
    expect(w.send(ev.incremented('c2', 'a', 2))).toEqual([cmd.completed('a', true), cmd.invoke(null, ['c2'])]);
  });
});
