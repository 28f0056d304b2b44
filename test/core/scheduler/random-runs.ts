import { fc } from '@fast-check/vitest';
import type { Optimization } from '../../../core/optimizations.js';
import type { Plan, TaskPlan } from '../../../core/plan.js';
import { createSchedulerContext, type SchedulerContext } from '../../../core/scheduler/context.js';
import type { RunOptions } from '../../../core/scheduler/run-to-completion.js';
import { MEDIAN } from '../../../core/sla.js';
import { createWorkflow, type TaskSpec } from '../../../core/workflow.js';
import { BIG, MB, SMALL } from './fixtures.js';

/** How tasks are placed: every task on a fixed worker, every task flexible, or a mix. */
export type PlanShape = 'fixed' | 'flexible' | 'mixed';

/** One random run: a DAG, a plan of the given shape, parameters, sizes, dup savings and an event interleaving. */
export interface RandomRun {
  readonly ctx: SchedulerContext;
  /** Fresh options per call: the interleaving generator has state. */
  readonly options: () => RunOptions;
  readonly description: string;
  readonly [fc.toStringMethod]: () => string;
}

interface RawTask {
  readonly upstreamPicks: readonly number[];
  readonly staticInput: boolean;
  readonly workerPick: number;
  readonly flexible: boolean;
  readonly big: boolean;
  readonly largeOutput: boolean;
  readonly preLoad: boolean;
  readonly preWarm: boolean;
  readonly taskDup: boolean;
  readonly dupSavedMs: number;
}

const rawTask = fc.record({
  upstreamPicks: fc.array(fc.nat(), { maxLength: 3 }),
  staticInput: fc.boolean(),
  workerPick: fc.nat({ max: 4 }),
  flexible: fc.boolean(),
  big: fc.boolean(),
  largeOutput: fc.boolean(),
  preLoad: fc.boolean(),
  preWarm: fc.boolean(),
  taskDup: fc.boolean(),
  dupSavedMs: fc.integer({ min: 0, max: 400 }),
});

/** Random DAGs of 1..maxTasks tasks (each picks up to 3 earlier tasks as inputs) with a plan of `shape`. */
export function randomRun(shape: PlanShape, maxTasks = 18): fc.Arbitrary<RandomRun> {
  return fc
    .record({
      tasks: fc.array(rawTask, { minLength: 1, maxLength: maxTasks }),
      clustering: fc.boolean(),
      delayedIo: fc.boolean(),
      fifo: fc.boolean(),
      seed: fc.integer(),
    })
    .map(({ tasks, clustering, delayedIo, fifo, seed }) => build(shape, tasks, clustering, delayedIo, fifo, seed));
}

function build(
  shape: PlanShape,
  raw: readonly RawTask[],
  clustering: boolean,
  delayedIo: boolean,
  fifo: boolean,
  seed: number,
): RandomRun {
  const ids = raw.map((_, i) => `t${i}`);
  const specs: TaskSpec[] = raw.map((t, i) => ({
    id: ids[i]!,
    functionName: `f${i % 3}`,
    upstream: i === 0 ? [] : [...new Set(t.upstreamPicks.map((p) => ids[p % i]!))],
    staticInputBytes: t.staticInput ? 10 : 0,
  }));
  const workflow = createWorkflow('random', specs);
  // A fixed worker has one resource config: worker k uses BIG when k is odd.
  const workerResources = (k: number) => (k % 2 === 1 ? BIG : SMALL);
  const tasks = new Map<string, TaskPlan>();
  raw.forEach((t, i) => {
    const flexible = shape === 'flexible' || (shape === 'mixed' && t.flexible);
    const optimizations: Optimization[] = [];
    if (t.preLoad) optimizations.push({ kind: 'pre-load' });
    if (t.preWarm) optimizations.push({ kind: 'pre-warm', targetResources: BIG, delayMs: 5 });
    if (t.taskDup) optimizations.push({ kind: 'task-dup' });
    tasks.set(ids[i]!, {
      workerId: flexible ? null : `w${t.workerPick}`,
      resources: flexible ? (t.big ? BIG : SMALL) : workerResources(t.workerPick),
      optimizations,
    });
  });
  const plan: Plan = { workflow: 'random', planner: shape, sla: MEDIAN, tasks };
  const ctx = createSchedulerContext(workflow, plan, { clustering, delayedIo });
  const byId = new Map(raw.map((t, i) => [ids[i]!, t]));
  const description = `${shape} ${raw.length} tasks, clustering=${clustering}, delayedIo=${delayedIo}, fifo=${fifo}, seed=${seed}`;
  return {
    ctx,
    // Counterexamples print as the task list and plan, not the whole context.
    [fc.toStringMethod]: () => `${description}\n${sketch(ctx)}`,
    description,
    options: () => {
      const rng = lcg(seed);
      return {
        outputBytes: (id) => (byId.get(id)!.largeOutput ? 8 * MB : 100),
        dupSavedMs: (_dependent, candidate) => byId.get(candidate)!.dupSavedMs,
        ...(fifo ? {} : { pick: (n: number) => rng() % n }),
      };
    },
  };
}

/** A tiny deterministic generator for event interleavings (the seed comes from fast-check, so failures shrink). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s >>> 8;
  };
}

function sketch(ctx: SchedulerContext): string {
  return [...ctx.tasks.values()]
    .map((t) => {
      const opts = [t.preLoad && 'pre-load', t.preWarm && 'pre-warm', t.taskDup && 'task-dup'].filter(Boolean).join(',');
      return `  ${t.id} <- [${t.upstream.join(',')}] on ${t.workerId ?? 'flex'}/${t.resources.memoryMb}${opts ? ` {${opts}}` : ''}${t.staticInputBytes ? ' +static' : ''}`;
    })
    .join('\n');
}
