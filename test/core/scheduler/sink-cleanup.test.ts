import { describe, expect, it } from 'vitest';
import type { Command } from '../../../core/scheduler/commands.js';
import type { WorkerEvent } from '../../../core/scheduler/events.js';
import { runToCompletion } from '../../../core/scheduler/run-to-completion.js';
import { cmd, Driven, ev, scenario } from './fixtures.js';

const sinksDone = (byTaskId: string, value: number): WorkerEvent => ({
  kind: 'counter-incremented',
  counter: { kind: 'sinks-done' },
  byTaskId,
  value,
});
const countSink = (byTaskId: string): Command => ({ kind: 'increment-counter', counter: { kind: 'sinks-done' }, byTaskId });
const cleanupReady = (byTaskId: string): Command => ({ kind: 'increment-counter', counter: { kind: 'cleanup-ready' }, byTaskId });

describe('the sink', () => {
  it('stores the final output, publishes completion, deletes intermediates and counters', () => {
    const { ctx } = scenario({ a: {} });
    const w = new Driven(ctx, null);
    expect(w.send(ev.invoked('a'))).toEqual([cmd.execute('a')]);
    expect(w.send(ev.executed('a'))).toEqual([cmd.store('a')]);
    expect(w.send(ev.stored('a'))).toEqual([
      cmd.completed('a', false),
      { kind: 'publish-workflow-completed' },
      { kind: 'delete-intermediates' },
      // Counters too: the reference deletes them through the intermediate store, so they leak.
      { kind: 'delete-counters' },
      cmd.shutDown(),
    ]);
  });

  it('with several sinks, the one whose count reaches their number finishes the run', () => {
    const { ctx } = scenario({ a: {}, b: {} });
    const first = new Driven(ctx, null);
    first.send(ev.invoked('a'));
    first.send(ev.executed('a'));
    expect(first.send(ev.stored('a'))).toEqual([cmd.completed('a', false), countSink('a')]);
    expect(first.send(sinksDone('a', 1))).toEqual([cmd.shutDown()]);

    const last = new Driven(ctx, null);
    last.send(ev.invoked('b'));
    last.send(ev.executed('b'));
    last.send(ev.stored('b'));
    expect(last.send(sinksDone('b', 2))).toEqual([...cmd.finishRun(), cmd.shutDown()]);
  });

  it('waits for the originals of duplicable tasks before cleaning up, but not to publish completion', () => {
    // w2 may duplicate u for x; u's original on w1 may still read and write storage after x is done.
    const { ctx } = scenario({ u: { worker: 'w1', opts: [{ kind: 'task-dup' }] }, v: { worker: 'w2' }, x: { up: ['u', 'v'], worker: 'w2' } });
    const w2 = new Driven(ctx, 'w2');
    w2.send(ev.invoked('v'));
    w2.send(ev.subscribed());
    w2.send(ev.probed([]));
    w2.send(ev.executed('v'));
    w2.send(ev.incremented('x', 'v', 1));
    w2.send({ kind: 'dup-savings', taskId: 'x', savings: [{ taskId: 'u', savedMs: 1000 }] });
    expect(w2.send(ev.executed('u'))).toEqual([cmd.execute('x')]);
    expect(w2.send(ev.executed('x'))).toEqual([cmd.store('x')]);
    expect(w2.send(ev.stored('x'))).toEqual([cmd.completed('x', false), { kind: 'publish-workflow-completed' }, cleanupReady('x')]);
    const ready = (byTaskId: string, value: number): WorkerEvent => ({
      kind: 'counter-incremented',
      counter: { kind: 'cleanup-ready' },
      byTaskId,
      value,
    });
    expect(w2.send(ready('x', 1))).toEqual([cmd.shutDown()]);

    const w1 = new Driven(ctx, 'w1');
    w1.send(ev.invoked('u'));
    w1.send(ev.executed('u'));
    w1.send(ev.uploaded('u'));
    expect(w1.send(ev.incremented('x', 'u', 2))).toEqual([cmd.ready('x', 'w2'), cmd.completed('u', true), cleanupReady('u')]);
    expect(w1.send(ready('u', 2))).toEqual([{ kind: 'delete-intermediates' }, { kind: 'delete-counters' }, cmd.shutDown()]);
  });

  it('leaves nothing behind in a whole run', () => {
    const { ctx } = scenario({ a: {}, b: { up: ['a'] }, c: { up: ['a'] }, d: { up: ['b', 'c'] }, e: { up: ['a'] } });
    const result = runToCompletion(ctx);
    expect(result.completed).toBe(true);
    expect(result.leftoverOutputs).toEqual([]);
    expect(result.leftoverCounters).toEqual([]);
    expect([...result.finalOutputs].sort()).toEqual(['d', 'e']);
  });
});
