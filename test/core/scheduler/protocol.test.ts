import { describe, expect, it } from 'vitest';
import { PlanValidationError, ConfigError } from '../../../core/errors.js';
import type { WorkerEvent } from '../../../core/scheduler/events.js';
import { initialInvocations } from '../../../core/scheduler/launch.js';
import { SchedulerProtocolError } from '../../../core/scheduler/protocol-error.js';
import { step } from '../../../core/scheduler/step.js';
import { cloneWorkerState, createWorker, workerStatus } from '../../../core/scheduler/worker-state.js';
import { createSchedulerContext } from '../../../core/scheduler/context.js';
import { BIG, cmd, ev, scenario, SMALL } from './fixtures.js';

describe('the state machine contract', () => {
  const { ctx } = scenario({ a: {}, b: { up: ['a'] } });

  it('consumes the state it steps; a clone forks independently', () => {
    const s0 = createWorker(ctx, null, SMALL);
    const s1 = step(s0, ev.invoked('a')).state;
    expect(() => step(s0, ev.invoked('a'))).toThrow(SchedulerProtocolError);
    const fork = cloneWorkerState(s1);
    expect(step(s1, ev.executed('a')).commands).toEqual([cmd.completed('a', false), cmd.execute('b')]);
    // Stepping the original did not touch the fork.
    expect(workerStatus(fork).handledTaskIds).toEqual(['a']);
    expect(step(fork, ev.executed('a', 7)).commands).toEqual([cmd.completed('a', false), cmd.execute('b')]);
  });

  it('never modifies the events it is given', () => {
    const frozen = <T extends object>(value: T): T => Object.freeze(value);
    let state = createWorker(ctx, null, SMALL);
    for (const event of [frozen(ev.invoked('a')), frozen(ev.executed('a')), frozen(ev.executed('b')), frozen(ev.stored('b'))]) {
      state = step(state, event).state;
    }
    expect(workerStatus(state).phase).toBe('stopped');
  });

  it('is deterministic: the same events give the same commands', () => {
    const run = () => {
      let state = createWorker(ctx, null, SMALL);
      return [ev.invoked('a'), ev.executed('a'), ev.executed('b')].map((event) => {
        const result = step(state, event);
        state = result.state;
        return result.commands;
      });
    };
    expect(run()).toEqual(run());
  });

  it('rejects events the worker cannot have been sent, naming them', () => {
    const fresh = () => createWorker(ctx, null, SMALL);
    expect(() => step(fresh(), ev.executed('a'))).toThrow(/got 'exec-done' before 'invoked'/);
    const running = step(fresh(), ev.invoked('a')).state;
    expect(() => step(running, ev.uploaded('a'))).toThrow(/unexpected 'upload-done' for 'a'/);
    const again = step(fresh(), ev.invoked('a')).state;
    expect(() => step(again, ev.invoked('a'))).toThrow(/invoked twice/);
    expect(() => step(fresh(), ev.invoked('nope'))).toThrow(/unknown task 'nope'/);
    const stopped = step(step(fresh(), { kind: 'invoked', taskIds: [], preWarm: true } as WorkerEvent).state, ev.completed('a'));
    expect(stopped.commands).toEqual([]);
  });

  it('refuses a task invoked on a worker it is not planned on', () => {
    const fixed = scenario({ a: { worker: 'w1' } }).ctx;
    expect(() => step(createWorker(fixed, null, SMALL), ev.invoked('a'))).toThrow(/planned on 'w1'/);
  });
});

describe('context and launch', () => {
  it('starts one worker per fixed worker owning roots (with all of them) and one per flexible root', () => {
    const { ctx } = scenario({ a: { worker: 'w1' }, b: {}, c: { worker: 'w1' }, d: { resources: BIG }, e: { up: ['a'] } });
    expect(initialInvocations(ctx)).toEqual([cmd.invoke('w1', ['a', 'c']), cmd.invoke(null, ['b']), cmd.invoke(null, ['d'], BIG)]);
  });

  it('precomputes counters, entry tasks and subscriptions', () => {
    const { ctx } = scenario({
      a: { worker: 'w1' },
      b: { worker: 'w2' },
      c: { up: ['a', 'b'], worker: 'w1', opts: [{ kind: 'pre-load' }] },
      d: { up: ['a', 'c'], worker: 'w1' },
      e: { up: ['a'], worker: 'w2' },
    });
    const info = (id: string) => ctx.tasks.get(id)!;
    expect([info('c').usesCounter, info('d').usesCounter, info('e').usesCounter]).toEqual([true, false, false]);
    expect([info('c').entry, info('e').entry]).toEqual([false, true]);
    const w1 = ctx.fixedWorkers.get('w1')!;
    expect([w1.ownsRoot, w1.entryCount, w1.readySubscriptions, w1.completedSubscriptions]).toEqual([true, 1, ['c'], ['b']]);
  });

  it('validates the plan and the parameters', () => {
    const { workflow, plan } = scenario({ a: {} });
    expect(() => createSchedulerContext(workflow, { ...plan, tasks: new Map() })).toThrow(PlanValidationError);
    expect(() => createSchedulerContext(workflow, plan, { largeOutputThresholdBytes: -1 })).toThrow(ConfigError);
  });
});
