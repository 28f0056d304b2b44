import { describe, expect, it } from 'vitest';
import { WUKONG_OPT_PARAMS } from '../../../core/scheduler/context.js';
import { cmd, Driven, ev, MB, scenario } from './fixtures.js';

const LARGE = 8 * MB;

describe('task clustering (large outputs stay where they are)', () => {
  const fanOut = { a: {}, b: { up: ['a'] }, c: { up: ['a'] } };

  it('runs every ready branch of a large fan-out here, without uploading', () => {
    const { ctx } = scenario(fanOut, { clustering: true });
    const w = new Driven(ctx, null);
    w.send(ev.invoked('a'));
    expect(w.send(ev.executed('a', LARGE))).toEqual([cmd.completed('a', false), cmd.execute('b'), cmd.execute('c')]);
  });

  it('keeps the default fan-out for outputs up to the threshold (5 MiB, compared strictly)', () => {
    const { ctx } = scenario(fanOut, { clustering: true });
    const w = new Driven(ctx, null);
    w.send(ev.invoked('a'));
    expect(w.send(ev.executed('a', 5 * MB))).toEqual([cmd.upload('a', 5 * MB), cmd.execute('b')]);
  });

  it('runs a fan-in child here when every other input is done, never uploading the large output', () => {
    const { ctx } = scenario({ a: {}, x: {}, c: { up: ['a', 'x'] } }, { clustering: true });
    const w = new Driven(ctx, null);
    w.send(ev.invoked('a'));
    // Read, not increment: if the child would be ready with this output counted, nobody else can complete it.
    expect(w.send(ev.executed('a', LARGE))).toEqual([cmd.read('c')]);
    expect(w.send(ev.read('c', 1))).toEqual([cmd.completed('a', false), cmd.download('x', 'c')]);
  });

  it('without delayed I/O, an unready fan-in child gets the output uploaded and counted at once', () => {
    const { ctx } = scenario({ a: {}, x: {}, c: { up: ['a', 'x'] } }, { clustering: true });
    const w = new Driven(ctx, null);
    w.send(ev.invoked('a'));
    w.send(ev.executed('a', LARGE));
    expect(w.send(ev.read('c', 0))).toEqual([cmd.upload('a', LARGE)]);
    expect(w.send(ev.uploaded('a'))).toEqual([cmd.increment('c', 'a')]);
    expect(w.send(ev.incremented('c', 'a', 1))).toEqual([cmd.completed('a', true), cmd.shutDown()]);
  });
});

describe('delayed I/O', () => {
  // a (large) feeds b and the fan-in c (with x from elsewhere); b and c feed s.
  const sketch = { a: {}, x: {}, b: { up: ['a'] }, c: { up: ['a', 'x'] }, s: { up: ['b', 'c'] } };

  it('runs what it can, re-checks the delayed child when idle, and never uploads the large output', () => {
    const { ctx } = scenario(sketch, WUKONG_OPT_PARAMS);
    const w = new Driven(ctx, null);
    w.send(ev.invoked('a'));
    expect(w.send(ev.executed('a', LARGE))).toEqual([cmd.read('c'), cmd.execute('b')]);
    // x is not done: c is delayed (a not uploaded, c not incremented) while b runs.
    expect(w.send(ev.read('c', 0))).toEqual([]);
    expect(w.send(ev.executed('b'))).toEqual([cmd.upload('b')]);
    expect(w.send(ev.uploaded('b'))).toEqual([cmd.increment('s', 'b')]);
    // Idle now: re-check the delayed child. (The reference's re-check never fired: inverted condition.)
    expect(w.send(ev.incremented('s', 'b', 1))).toEqual([cmd.completed('b', true), cmd.read('c')]);
    // x finished meanwhile: with a counted here, c is ready, and it runs here.
    expect(w.send(ev.read('c', 1))).toEqual([cmd.completed('a', false), cmd.download('x', 'c')]);
    expect(w.send(ev.downloaded('x'))).toEqual([cmd.execute('c')]);
    expect(w.send(ev.executed('c'))).toEqual([cmd.upload('c')]);
    expect(w.send(ev.uploaded('c'))).toEqual([cmd.increment('s', 'c')]);
    // b and c are both here: s runs at once.
    expect(w.send(ev.incremented('s', 'c', 2))).toEqual([cmd.completed('c', true), cmd.execute('s')]);
  });

  it('an increment that completes the child together with a delayed output runs it here', () => {
    const { ctx } = scenario({ a: {}, x: {}, b: { up: ['a'] }, c: { up: ['a', 'b', 'x'] } }, WUKONG_OPT_PARAMS);
    const w = new Driven(ctx, null);
    w.send(ev.invoked('a'));
    expect(w.send(ev.executed('a', LARGE))).toEqual([cmd.read('c'), cmd.execute('b')]);
    expect(w.send(ev.read('c', 0))).toEqual([]);
    expect(w.send(ev.executed('b'))).toEqual([cmd.upload('b')]);
    expect(w.send(ev.uploaded('b'))).toEqual([cmd.increment('c', 'b')]);
    // 2 counted (x, b) + a held here = 3 upstream tasks.
    expect(w.send(ev.incremented('c', 'b', 2))).toEqual([cmd.completed('a', false), cmd.completed('b', true), cmd.download('x', 'c')]);
  });

  it('gives up after a re-check that finds nothing ready: upload, then count', () => {
    const { ctx } = scenario({ a: {}, x: {}, c: { up: ['a', 'x'] } }, WUKONG_OPT_PARAMS);
    const w = new Driven(ctx, null);
    w.send(ev.invoked('a'));
    expect(w.send(ev.executed('a', LARGE))).toEqual([cmd.read('c')]);
    // Nothing else to run: the idle re-check follows at once.
    expect(w.send(ev.read('c', 0))).toEqual([cmd.read('c')]);
    expect(w.send(ev.read('c', 0))).toEqual([cmd.upload('a', LARGE)]);
    expect(w.send(ev.uploaded('a'))).toEqual([cmd.increment('c', 'a')]);
    expect(w.send(ev.incremented('c', 'a', 1))).toEqual([cmd.completed('a', true), cmd.shutDown()]);
  });
});
