import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { runToCompletion } from '../../../core/scheduler/run-to-completion.js';
import { randomRun, type PlanShape } from './random-runs.js';

const SHAPES: PlanShape[] = ['fixed', 'flexible', 'mixed'];

describe.each(SHAPES)('random DAGs with %s plans, random optimizations and interleavings', (shape) => {
  test.prop([randomRun(shape)], { numRuns: 400 })('complete, producing every output once, only from existing inputs', (run) => {
    // runToCompletion throws if a download reads an output not in storage, a task executes without all its inputs
    // on its worker, a fixed worker is started twice, or a worker gets an answer after shutting down.
    const result = runToCompletion(run.ctx, run.options());
    expect(result.completed, run.description).toBe(true);
    // Every task's original output exactly once; duplicates (task-dup copies) are extra and discarded or local.
    const originals = result.executions.filter((e) => !e.duplicate).map((e) => e.taskId);
    expect([...originals].sort()).toEqual([...run.ctx.tasks.keys()].sort());
    // The last sink cleans up everything: outputs, counters and TASK_READY records.
    expect(result.leftoverOutputs).toEqual([]);
    expect(result.leftoverCounters).toEqual([]);
    expect([...result.finalOutputs].sort()).toEqual([...run.ctx.sinks].sort());
  });
});

test.prop([fc.constantFrom(...SHAPES).chain((shape) => randomRun(shape))], { numRuns: 100 })(
  'the same run twice gives the same commands (no hidden state, clock or randomness)',
  (run) => {
    const a = runToCompletion(run.ctx, { ...run.options(), recordCommands: true });
    const b = runToCompletion(run.ctx, { ...run.options(), recordCommands: true });
    expect(b.commands).toEqual(a.commands);
  },
);

test.prop([randomRun('flexible')], { numRuns: 200 })('flexible plans never wait: no subscriptions, probes or TASK_READY', (run) => {
  const counts = runToCompletion(run.ctx, run.options()).commandCounts;
  expect([counts['subscribe'], counts['probe-outputs'], counts['publish-task-ready']]).toEqual([undefined, undefined, undefined]);
});
