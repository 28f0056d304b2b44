import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { flexiblePlan, validatePlan } from '../../../core/plan.js';
import { createPredictions } from '../../../core/predictions/index.js';
import { rngFor } from '../../../core/random.js';
import { resources } from '../../../core/resources.js';
import { MEDIAN, percentile } from '../../../core/sla.js';
import type { TraceRun } from '../../../core/trace-records.js';
import { PLANNERS, runPlanner } from '../../../planners/registry.js';
import { simulatorEstimator } from '../../../planners/simulator-estimator.js';
import { expectedDurations, replayDurations, sampledDurations, type DurationSource } from '../../../simulator/duration-sources.js';
import { withOverrides } from '../../../simulator/platform-config.js';
import { DEFAULT_PLATFORM_MODEL } from '../../../simulator/platform-defaults.js';
import { simulate } from '../../../simulator/simulate.js';
import { groupRuns } from '../../../traces/trace-runs.js';
import { importWfFormat, importWfFormatFile } from '../../../traces/wfcommons/import-wfformat.js';
import { criticalPath } from '../../../traces/wfcommons/to-workflow.js';
import { generateWfFormat } from '../../../experiments/perf/wfcommons-perf.js';
import { DIAMOND_14, DIAMOND_15 } from './helpers.js';

/** Every optimization pass, as `--optimizations all` applies them. */
const ALL_PASSES = ['pre-load', 'pre-warm', 'task-dup'] as const;

describe('every built-in planner, without and with optimizations, plans an imported workflow and the simulator runs the plan', () => {
  // Kinds of optimization attached per pass set, over every planner, fixture and SLA: the optimized cases must really
  // have been optimized somewhere, or they would test nothing beyond the plain ones.
  const attached = new Map<string, Set<string>>();
  // The diamond's files are a few bytes and its plans one to three workers, so the passes find nothing worth doing
  // there; a 200-task Montage-shaped instance (megabyte files, dozens of workers) is where they attach.
  const cases = [
    { label: 'diamond 1.5, one recorded run', load: () => importWfFormatFile(DIAMOND_15, { runs: 1, seed: 3 }), tasks: 7, slas: [MEDIAN, percentile(90)] },
    { label: 'diamond 1.4, recorded + 5 synthetic runs', load: () => importWfFormatFile(DIAMOND_14, { runs: 6, seed: 3 }), tasks: 7, slas: [MEDIAN, percentile(90)] },
    {
      label: 'generated 200-task instance, recorded + 3 synthetic runs',
      load: async () => importWfFormat(generateWfFormat(200, 2), 'generated-200.json', { runs: 4, seed: 1 }),
      tasks: 200,
      slas: [MEDIAN],
    },
  ];
  for (const { label, load, tasks, slas } of cases) {
    for (const planner of PLANNERS) {
      for (const optimizations of [[], ALL_PASSES] as const) {
        const passes = optimizations.length === 0 ? 'none' : optimizations.join('+');
        it(`${planner.name}, optimizations ${passes} (${label})`, async () => {
          const { imported, history } = await load();
          const { workflow } = imported;
          const predictions = createPredictions(groupRuns(history).runs, { workflow: workflow.name });
          for (const sla of slas) {
            const ctx = {
              predictions,
              sla,
              resources: planner.defaultMemoryMb.map((m) => resources(m)),
              estimate: simulatorEstimator(workflow, predictions, sla, DEFAULT_PLATFORM_MODEL),
              optimizations: [...optimizations],
            };
            const plan = runPlanner(planner, workflow, ctx);
            validatePlan(workflow, plan);
            const kinds = [...plan.tasks.values()].flatMap((t) => t.optimizations.map((o) => o.kind));
            // Only the passes asked for attach anything (a plain plan carries no optimization at all).
            for (const kind of kinds) expect(optimizations as readonly string[]).toContain(kind);
            const seen = attached.get(passes) ?? new Set<string>();
            for (const kind of kinds) seen.add(kind);
            attached.set(passes, seen);
            for (const durations of [
              expectedDurations(predictions, sla),
              sampledDurations(predictions, DEFAULT_PLATFORM_MODEL, { exec: rngFor(1, 'e'), output: rngFor(1, 'o'), startup: rngFor(1, 's'), transfer: rngFor(1, 't') }),
            ]) {
              const result = simulate(workflow, plan, { platform: DEFAULT_PLATFORM_MODEL, durations, seed: 1 });
              expect(result.summary.status).toBe('completed');
              expect(new Set(result.run.tasks.map((t) => t.taskId)).size).toBe(tasks);
              expect(result.summary.makespanMs).toBeGreaterThan(0);
              // A planned pre-warm is carried out by the simulated workers.
              if (kinds.includes('pre-warm')) expect(result.summary.preWarms).toBeGreaterThan(0);
              else expect(result.summary.preWarms).toBe(0);
            }
          }
        }, 60_000);
      }
    }
  }

  it('the optimized plans carry optimizations (the passes did something on the imported workflow)', () => {
    // Runs after the cases above (vitest runs a file's tests in order).
    expect(attached.get('none')?.size).toBe(0);
    // The generated instance gets pre-warms (non-uniform and uniform) and pre-loads (uniform): see the cases above.
    expect([...(attached.get(ALL_PASSES.join('+')) ?? [])].sort()).toEqual(expect.arrayContaining(['pre-load', 'pre-warm']));
  });
});

/** A random WfFormat instance (1.5 or 1.4) built from a seed: layered DAG, files along the edges, optional cores/avgCPU. */
function generateInstance(g: { tasks: number; seed: number; edgeChance: number; version: '1.5' | '1.4'; oneSided: boolean; staticInputs: boolean }): object {
  const rng = rngFor(g.seed, 'wfformat-property');
  const tasks = Array.from({ length: g.tasks }, (_, i) => {
    const parents: number[] = [];
    for (let j = Math.max(0, i - 6); j < i; j++) if (rng.bernoulli(g.edgeChance)) parents.push(j);
    const cores = rng.bernoulli(0.5) ? 1 + rng.int(4) : undefined;
    return {
      id: `f${rng.int(4)}_ID${String(i).padStart(5, '0')}`,
      parents,
      runtimeInSeconds: rng.bernoulli(0.1) ? 0 : Math.round(rng.uniform(0.001, 120) * 1000) / 1000,
      cores,
      avgCPU: rng.bernoulli(0.5) ? Math.round(rng.uniform(1, 100 * (cores ?? 1))) : undefined,
      outBytes: rng.int(5_000_000),
      inBytes: g.staticInputs && rng.bernoulli(0.5) ? rng.int(1_000_000) : 0,
    };
  });
  const id = (i: number) => tasks[i]!.id;
  const children = tasks.map(() => [] as string[]);
  tasks.forEach((t, i) => t.parents.forEach((p) => children[p]!.push(id(i))));
  if (g.version === '1.4') {
    return {
      name: `gen-${g.seed}`,
      schemaVersion: '1.4',
      workflow: {
        makespanInSeconds: 1,
        executedAt: 'now',
        tasks: tasks.map((t, i) => ({
          name: id(i),
          id: id(i).slice(id(i).indexOf('ID')),
          type: 'compute',
          parents: t.parents.map(id),
          children: children[i],
          files: [
            { name: `out-${i}`, sizeInBytes: t.outBytes, link: 'output' },
            ...t.parents.map((p) => ({ name: `out-${p}`, sizeInBytes: tasks[p]!.outBytes, link: 'input' })),
            ...(t.inBytes > 0 ? [{ name: `in-${i}`, path: 'data/', sizeInBytes: t.inBytes, link: 'input' }] : []),
          ],
          runtimeInSeconds: t.runtimeInSeconds,
          ...(t.cores !== undefined ? { cores: t.cores } : {}),
          ...(t.avgCPU !== undefined ? { avgCPU: t.avgCPU } : {}),
        })),
      },
    };
  }
  return {
    name: `gen-${g.seed}`,
    schemaVersion: '1.5',
    workflow: {
      specification: {
        tasks: tasks.map((t, i) => ({
          name: id(i),
          id: id(i),
          parents: t.parents.map(id),
          // One-sided variant: children lists left empty; the edges still come from parents (and files).
          children: g.oneSided ? [] : children[i],
          inputFiles: [...t.parents.map((p) => `out-${p}`), ...(t.inBytes > 0 ? [`data/in-${i}`] : [])],
          outputFiles: [`out-${i}`],
        })),
        files: [
          ...tasks.map((t, i) => ({ id: `out-${i}`, sizeInBytes: t.outBytes })),
          ...tasks.flatMap((t, i) => (t.inBytes > 0 ? [{ id: `data/in-${i}`, sizeInBytes: t.inBytes }] : [])),
        ],
      },
      execution: {
        makespanInSeconds: 1,
        executedAt: 'now',
        tasks: tasks.map((t, i) => ({
          id: id(i),
          runtimeInSeconds: t.runtimeInSeconds,
          ...(t.cores !== undefined ? { coreCount: t.cores } : {}),
          ...(t.avgCPU !== undefined ? { avgCPU: t.avgCPU } : {}),
        })),
      },
    },
  };
}

const instanceArb = fc.record({
  tasks: fc.integer({ min: 1, max: 30 }),
  seed: fc.integer({ min: 0, max: 1_000_000 }),
  edgeChance: fc.constantFrom(0, 0.2, 0.5, 0.9),
  version: fc.constantFrom('1.5' as const, '1.4' as const),
  oneSided: fc.boolean(),
  staticInputs: fc.boolean(),
});

/** The platform with every latency the simulator draws itself set to zero, and no concurrency limit to speak of. */
const ZERO_COST_PLATFORM = withOverrides(DEFAULT_PLATFORM_MODEL, {
  invoke: { apiCall: { medianMs: 0, sigma: 0 }, dispatch: { medianMs: 0, sigma: 0 } },
  startup: { warmMs: 0, platformColdOverheadMs: 0, runtimeInit: { medianMs: 0, sigma: 0 }, codeInitMs: 0 },
  storage: { opLatency: { medianMs: 0, sigma: 0 } },
  metadata: { counter: { medianMs: 0, sigma: 0 }, notify: { medianMs: 0, sigma: 0 } },
  concurrency: { accountLimit: 1_000_000_000 },
});

/** Replayed execution times and outputs with free start-ups and transfers: every worker is ready at once. */
function zeroCost(run: TraceRun): DurationSource {
  const replay = replayDurations(run, ZERO_COST_PLATFORM, { startup: rngFor(0, 'unused-s'), transfer: rngFor(0, 'unused-t') });
  return { name: 'zero-cost', execMs: replay.execMs, outputBytes: replay.outputBytes, startupMs: () => 0, transferMs: () => 0 };
}

describe('simulated makespan vs the critical path of the imported execution times (property)', () => {
  test.prop([instanceArb], { numRuns: 60 })('equals it with zero start-up and transfer costs and unlimited warm workers', (g) => {
    const { imported, history } = importWfFormat(generateInstance(g), `gen-${g.seed}.json`);
    const run = groupRuns(history).runs[0]!;
    const execOf = new Map(run.tasks.map((t) => [t.taskId, t.execMs]));
    // The recorded run's execution times are the imported ones (to the µs the trace format keeps).
    for (const [id, task] of imported.tasks) expect(Math.abs(execOf.get(id)! - task.execMs)).toBeLessThanOrEqual(5e-4);
    const cp = criticalPath(imported.workflow, (id) => execOf.get(id)!).lengthMs;
    const plan = flexiblePlan(imported.workflow, 'flexible', MEDIAN, imported.referenceResources);
    const result = simulate(imported.workflow, plan, { platform: ZERO_COST_PLATFORM, durations: zeroCost(run), seed: g.seed, latencyNoise: false });
    expect(result.summary.status).toBe('completed');
    // 1e-6 relative, plus the 0.5 µs to which trace records round every time.
    expect(Math.abs(result.summary.makespanMs - cp)).toBeLessThanOrEqual(1e-6 * cp + 5e-4);
  });

  test.prop([instanceArb, fc.constantFrom(256, 1024, 2048, 3008, 4096, 10240), fc.integer({ min: 0, max: 1000 })], { numRuns: 40 })(
    'is never below it with the default platform, on any resources',
    (g, memoryMb, seed) => {
      const { imported, history } = importWfFormat(generateInstance(g), `gen-${g.seed}.json`);
      const run = groupRuns(history).runs[0]!;
      const execOf = new Map(run.tasks.map((t) => [t.taskId, t.execMs]));
      const cp = criticalPath(imported.workflow, (id) => execOf.get(id)!).lengthMs;
      const plan = flexiblePlan(imported.workflow, 'flexible', MEDIAN, resources(memoryMb));
      const durations = replayDurations(run, DEFAULT_PLATFORM_MODEL, { startup: rngFor(seed, 's'), transfer: rngFor(seed, 't') });
      const result = simulate(imported.workflow, plan, { platform: DEFAULT_PLATFORM_MODEL, durations, seed });
      expect(result.summary.status).toBe('completed');
      expect(result.summary.makespanMs).toBeGreaterThanOrEqual(cp * (1 - 1e-9) - 5e-4);
    },
  );
});
