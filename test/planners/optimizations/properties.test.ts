import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { Optimization } from '../../../core/optimizations.js';
import type { Plan } from '../../../core/plan.js';
import { resources } from '../../../core/resources.js';
import type { Workflow } from '../../../core/workflow.js';
import { OPTIMIZATION_PASSES } from '../../../planners/optimizations/index.js';
import { OPTIMIZATION_PASS_NAMES, type OptimizationPassName, type PlannerContext } from '../../../planners/planner.js';
import { nonUniformPlanner } from '../../../planners/non-uniform.js';
import { runPlanner } from '../../../planners/registry.js';
import { uniformPlanner } from '../../../planners/uniform.js';
import { wukongPlanner } from '../../../planners/wukong.js';
import { planToJson } from '../../../traces/plan-file.js';
import { randomLayeredDag } from '../../../traces/synthetic/random-dag.js';
import { buildWorkload, workloadNames } from '../../../traces/workloads/registry.js';
import { formulaPredictions } from '../fixtures.js';
import { contextFor, withForced } from './helpers.js';

const PASS_BY_NAME = new Map(OPTIMIZATION_PASSES.map((p) => [p.name, p]));

const scenarioArb = fc.record({
  tasks: fc.integer({ min: 2, max: 30 }),
  seed: fc.integer({ min: 0, max: 100_000 }),
  widthMean: fc.constantFrom(1, 2, 4, 8),
  maxFanIn: fc.constantFrom(1, 2, 4),
  bigOutputs: fc.boolean(),
  planner: fc.constantFrom('uniform', 'non-uniform'),
  pass: fc.constantFrom(...OPTIMIZATION_PASS_NAMES),
});

const choiceArb = fc.array(fc.tuple(fc.nat(), fc.constantFrom(...OPTIMIZATION_PASS_NAMES), fc.boolean()), { maxLength: 6 });

type Scenario = { tasks: number; seed: number; widthMean: number; maxFanIn: number; bigOutputs: boolean; planner: string };

function build(s: Scenario, forcedChoices: readonly [number, OptimizationPassName, boolean][] = []) {
  const random = randomLayeredDag({ tasks: s.tasks, seed: s.seed, widthMean: s.widthMean, maxFanIn: s.maxFanIn });
  const ids = [...random.tasks.keys()];
  const forced = new Map<string, Optimization[]>();
  for (const [index, kind] of forcedChoices) {
    const id = ids[index % ids.length]!;
    const optimization: Optimization = kind === 'pre-warm' ? { kind, targetResources: resources(1024), delayMs: 3 } : { kind };
    forced.set(id, [...(forced.get(id) ?? []).filter((o) => o.kind !== kind), optimization]);
  }
  const workflow = forced.size > 0 ? withForced(random, forced) : random;
  const predictions = formulaPredictions(s.seed, s.bigOutputs ? { outputBytes: (fn) => 200_000 * (1 + (fn.charCodeAt(1) % 5)) } : {});
  const memory = s.planner === 'uniform' ? [2048] : [4096, 2048, 1024];
  const ctxOf = (taskOverrides?: PlannerContext['taskOverrides']) =>
    contextFor(workflow, predictions, { resources: memory.map((m) => resources(m)), ...(taskOverrides ? { taskOverrides } : {}) });
  const planner = s.planner === 'uniform' ? uniformPlanner : nonUniformPlanner;
  const plan = planner.plan(workflow, ctxOf());
  return { workflow, plan, ctxOf, ids };
}

const has = (plan: Plan, id: string, kind: string) => plan.tasks.get(id)!.optimizations.some((o) => o.kind === kind);

/** The plan without the optimizations of `kind`, as JSON (to compare everything a pass must leave alone). */
function otherThan(plan: Plan, kind: string): string {
  const tasks = [...plan.tasks].map(([id, e]) => [id, e.workerId, e.resources, e.optimizations.filter((o) => o.kind !== kind)]);
  return JSON.stringify(tasks);
}

describe('optimization passes over random DAGs', () => {
  test.prop([scenarioArb], { numRuns: 30 })('never lengthen the estimate, report it, touch only their own kind, are deterministic', (s) => {
    const { workflow, plan, ctxOf } = build(s);
    const pass = PASS_BY_NAME.get(s.pass)!;
    const ctx = ctxOf();
    const out = pass.apply(workflow, plan, ctx);
    const before = ctx.estimate(plan).makespanMs;
    const after = ctx.estimate(out).makespanMs;
    expect(after).toBeLessThanOrEqual(before);
    expect(out.predictedMakespanMs).toBe(after);
    expect(otherThan(out, s.pass)).toBe(otherThan(plan, s.pass));
    const again = pass.apply(workflow, plan, ctxOf());
    expect(JSON.stringify(planToJson(again))).toBe(JSON.stringify(planToJson(out)));
  });

  test.prop([scenarioArb, choiceArb, choiceArb], { numRuns: 30 })(
    'keep optimizations forced in the workflow and honour per-task overrides',
    (s, forcedChoices, overrideChoices) => {
      const { workflow, plan, ctxOf, ids } = build(s, forcedChoices);
      const overrides = new Map<string, Partial<Record<OptimizationPassName, boolean>>>();
      for (const [index, name, value] of overrideChoices) {
        const id = ids[index % ids.length]!;
        overrides.set(id, { ...overrides.get(id), [name]: value });
      }
      const out = PASS_BY_NAME.get(s.pass)!.apply(workflow, plan, ctxOf(overrides));
      for (const task of workflow.tasks.values()) {
        for (const o of task.optimizations) expect(out.tasks.get(task.id)!.optimizations).toContainEqual(o);
        const forcedHere = task.optimizations.some((o) => o.kind === s.pass);
        const wanted = overrides.get(task.id)?.[s.pass];
        if (wanted === false && !forcedHere) expect(has(out, task.id, s.pass)).toBe(false);
        if (wanted === true && s.pass !== 'pre-warm') expect(has(out, task.id, s.pass)).toBe(true);
      }
    },
  );

  test.prop([scenarioArb], { numRuns: 10 })('leave a WUKONG plan (all flexible) unchanged', (s) => {
    const { workflow, ctxOf } = build({ ...s, planner: 'uniform' });
    const ctx = { ...ctxOf(), resources: [resources(2048)] };
    const plan = wukongPlanner.plan(workflow as Workflow, ctx);
    const out = runPlanner(wukongPlanner, workflow, { ...ctx, optimizations: [...OPTIMIZATION_PASS_NAMES] });
    expect(JSON.stringify([...out.tasks])).toBe(JSON.stringify([...plan.tasks]));
  });
});

describe('all passes on the built-in workloads', () => {
  it.each(workloadNames())('%s: runPlanner with pre-load, pre-warm, task-dup never lengthens the uniform plan', (name) => {
    const workflow = buildWorkload(name);
    const ctx = contextFor(workflow, formulaPredictions(3));
    const plain = runPlanner(uniformPlanner, workflow, ctx);
    const optimized = runPlanner(uniformPlanner, workflow, { ...ctx, optimizations: [...OPTIMIZATION_PASS_NAMES] });
    expect(optimized.predictedMakespanMs!).toBeLessThanOrEqual(plain.predictedMakespanMs!);
    expect(optimized.predictedMakespanMs).toBe(ctx.estimate(optimized).makespanMs);
  });
});
