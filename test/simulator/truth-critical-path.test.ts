import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../core/plan.js';
import { createPredictions } from '../../core/predictions/index.js';
import { rngFor } from '../../core/random.js';
import { resources as makeResources, type ResourceConfig } from '../../core/resources.js';
import { MEDIAN } from '../../core/sla.js';
import type { TaskRecord, TraceRun } from '../../core/trace-records.js';
import type { Workflow } from '../../core/workflow.js';
import { generateWfFormat } from '../../experiments/perf/wfcommons-perf.js';
import { OPTIMIZATION_PASSES } from '../../planners/optimizations/index.js';
import type { OptimizationPassName, Planner } from '../../planners/planner.js';
import { getPlanner, runPlanner } from '../../planners/registry.js';
import { simulatorEstimator } from '../../planners/simulator-estimator.js';
import { replayDurations, type DurationSource } from '../../simulator/duration-sources.js';
import { criticalPathMs, trueInputBytes, truthLowerBounds } from '../../simulator/lower-bounds.js';
import { withOverrides } from '../../simulator/platform-config.js';
import { DEFAULT_PLATFORM_MODEL } from '../../simulator/platform-defaults.js';
import type { PlatformModel } from '../../simulator/platform-model.js';
import { simulate } from '../../simulator/simulate.js';
import { drawTasks, generatorTruth } from '../../simulator/truth-sources.js';
import { groupRuns } from '../../traces/trace-runs.js';
import { importWfFormat, importWfFormatFile, type WfImport, type WfImportOptions } from '../../traces/wfcommons/import-wfformat.js';
import { importedBehaviours, RECORDED_RUN_PLANNER } from '../../traces/wfcommons/to-history.js';
import type { ImportedWorkflow } from '../../traces/wfcommons/to-workflow.js';
import { cpuSpeedup } from '../../traces/workloads/behaviour.js';

/**
 * The "done means": on every WfCommons fixture that imports and on generated WfFormat instances, for every
 * planner without and with all optimization passes, a run simulated under `replay` truth (the instance's recorded run,
 * task by task, scaled by min(vCPUs, parallelism)) or `generator` truth (fresh per-task draws from the instance's
 * behaviours) is never shorter than the critical path of that truth's execution times at the resources each task
 * actually ran on; and that critical path is never shorter than the truth's lower bound at the strongest offered
 * resources (`truthLowerBounds`).
 *
 * The truths are built as `experiments/compare/truth.ts` (`resolveTruth`) builds them for an imported workload, from
 * the simulator's and the importer's own functions, so this file depends on nothing under `experiments/compare/`.
 *
 * Beyond the makespan, every task record is checked on its own: its execution lasted at least the truth's time alone
 * on its worker's resources, with the input bytes the truth implies (`trueInputBytes`). That is the property the
 * makespan bound rests on (the simulator may stretch a task, never shorten it), checked where a violation would show
 * first, since on the Lambda profile a cold start alone is far larger than any rounding.
 */

/** Planners under test: the four built-in ones, by the names `bench compare` takes. */
const PLANNER_NAMES = ['wukong', 'wukong-octoflows', 'uniform', 'non-uniform'] as const;
/** Optimization choices: none, and every pass in the registry's order (what `--optimizations all` applies). */
const OPTIMIZATION_CHOICES: readonly (readonly OptimizationPassName[])[] = [[], OPTIMIZATION_PASSES.map((p) => p.name)];
/** Generator truth draws per case (replay has one: the recorded run). */
const GENERATOR_DRAWS = 2;

/**
 * Platforms the plans are simulated on. `lambda`: the default profile, as `bench compare` uses it. `no-latency`: the
 * latencies the simulator draws (invoke, start-up, storage operations, counters, notifications) set to zero, all but a
 * first invocation's few ms (the schema wants them positive), so a run is little more than execution and transfers
 * and the makespan comes close to the critical path.
 * `single-thread-flaky`: the same with single-threaded workers (co-located tasks queue for the thread) and task and
 * invocation failures retried at once, so tasks get several records (failed attempts, retries). `shared-host`:
 * single-threaded workers on one 2-core host, with background work per task (the local profile's CPU model).
 */
const NO_LATENCY = withOverrides(DEFAULT_PLATFORM_MODEL, {
  invoke: { apiCall: { medianMs: 0, sigma: 0 }, dispatch: { medianMs: 0, sigma: 0 } },
  startup: { warmMs: 0, platformColdOverheadMs: 0, runtimeInit: { medianMs: 0, sigma: 0 }, codeInitMs: 0 },
  storage: { opLatency: { medianMs: 0, sigma: 0 } },
  metadata: { counter: { medianMs: 0, sigma: 0 }, notify: { medianMs: 0, sigma: 0 } },
});
const PLATFORMS: readonly { readonly name: string; readonly model: PlatformModel }[] = [
  { name: 'lambda', model: DEFAULT_PLATFORM_MODEL },
  { name: 'no-latency', model: NO_LATENCY },
  {
    name: 'single-thread-flaky',
    model: withOverrides(NO_LATENCY, {
      cpu: { singleThreadedWorker: true },
      failures: { workerFailureProbability: 0.1, taskFailureProbability: 0.15, maxRetries: 12, retryDelaysMs: Array<number>(12).fill(0) },
    }),
  },
  { name: 'shared-host', model: withOverrides(NO_LATENCY, { cpu: { singleThreadedWorker: true, hostCores: 2, backgroundMsPerTask: 5 } }) },
];

/**
 * `a >= b` up to floating point and the records' rounding: 1e-6 relative, for the error of processor sharing (a shared
 * task's remaining time is decremented and divided again at every change of its worker's load, so its end is its time
 * alone up to a few ulps per reschedule); plus `roundedMs` absolute, for the trace records keeping times to the
 * microsecond (`r3` in simulate.ts). The run-end's makespan is one rounded time (up to 0.5 µs low); a task record's
 * `execMs` may be the difference of two rounded times (`endMs - startMs` when that is less), up to 1 µs low. Neither
 * can hide a real violation: a task run too fast loses a share of its time alone, not a rounding.
 */
function atLeast(a: number, b: number, roundedMs: number): boolean {
  return a >= b - (1e-6 * Math.abs(b) + roundedMs);
}
/** One time rounded to the µs: the makespan. */
const ONE_ROUNDING_MS = 5e-4;
/** The difference of two times rounded to the µs: a record's execution time. */
const TWO_ROUNDINGS_MS = 1e-3;

/** What the cases exercised, so the file fails if a change makes it test less than it claims. */
const seen = {
  simulations: 0,
  optimizationKinds: new Set<string>(),
  multiRecordTasks: 0,
  retriedRecords: 0,
  planners: new Set<string>(),
  truths: new Set<string>(),
  fixtures: 0,
  generated: 0,
};

/** The truths of one case: the recorded run replayed, then `GENERATOR_DRAWS` generator draws. */
function truthsOf(imported: ImportedWorkflow, recorded: TraceRun, model: PlatformModel, seed: number): { kind: string; source: DurationSource }[] {
  const behaviours = importedBehaviours(imported);
  const speedup = (task: { taskId: string }, resources: ResourceConfig) => cpuSpeedup(behaviours.get(task.taskId)!, resources);
  const rngs = (run: number) => ({
    tasks: rngFor(seed, `truth/run-${run}/tasks`),
    startup: rngFor(seed, `truth/run-${run}/startup`),
    transfer: rngFor(seed, `truth/run-${run}/transfer`),
  });
  const truths = [{ kind: 'replay', source: replayDurations(recorded, model, rngs(0), { speedup }) }];
  for (let draw = 1; draw <= GENERATOR_DRAWS; draw++) {
    const r = rngs(draw);
    const draws = drawTasks(imported.workflow, r.tasks);
    truths.push({ kind: `generator#${draw}`, source: generatorTruth(`generator:${imported.name}`, (task) => behaviours.get(task.taskId)!, draws, model, r) });
  }
  return truths;
}

/** Configurations strongest first, as `bench compare` hands them to a planner. */
function strongestFirst(memoryMb: readonly number[]): ResourceConfig[] {
  return [...new Set(memoryMb)].map((m) => makeResources(m)).sort((a, b) => b.memoryMb - a.memoryMb || b.vCpus - a.vCpus);
}

/**
 * One plan simulated under one truth on one platform, and every check of the file on the run. Throws (via expect)
 * naming the case, the task and the figures at fault.
 */
function checkRun(workflow: Workflow, plan: Plan, truth: DurationSource, model: PlatformModel, offered: readonly ResourceConfig[], seed: number, label: string): void {
  const result = simulate(workflow, plan, { platform: model, durations: truth, seed, runId: 'truth-cp' });
  seen.simulations++;
  expect(result.summary.status, `${label}: run status (${result.failure ?? ''})`).toBe('completed');

  const inputBytes = trueInputBytes(workflow, truth);
  const records = new Map<string, TaskRecord[]>();
  for (const record of result.run.tasks) {
    const list = records.get(record.taskId);
    if (list) list.push(record);
    else records.set(record.taskId, [record]);
    if (record.attempt !== undefined) seen.retriedRecords++;
  }
  // Each task's true time at the resources it ran on; the least over its records when it ran more than once (a
  // failed attempt, a retry, a duplicate): any copy's output may be the one its dependents used.
  const givenMs = new Map<string, number>();
  for (const [id, task] of workflow.tasks) {
    const ran = records.get(id) ?? [];
    expect(ran.length, `${label}: task '${id}' has no task record`).toBeGreaterThan(0);
    if (ran.length > 1) seen.multiRecordTasks++;
    const ref = { taskId: id, functionName: task.functionName };
    const bytes = inputBytes.get(id)!;
    let least = Number.POSITIVE_INFINITY;
    for (const record of ran) {
      expect(record.inputBytes, `${label}: task '${id}' on ${record.workerId}: input bytes against the truth's`).toBe(bytes);
      const aloneMs = truth.execMs(ref, bytes, record.resources);
      if (!atLeast(record.execMs, aloneMs, TWO_ROUNDINGS_MS)) {
        throw new Error(
          `${label}: task '${id}' on ${record.workerId} (${record.resources.memoryMb} MB, ${record.resources.vCpus} vCPU, attempt ${record.attempt ?? 1}) ` +
            `executed in ${record.execMs} ms, below its true time alone ${aloneMs} ms`,
        );
      }
      least = Math.min(least, aloneMs);
    }
    givenMs.set(id, least);
  }

  const givenCp = criticalPathMs(workflow, (id) => givenMs.get(id)!);
  const makespanMs = result.summary.makespanMs;
  if (!atLeast(makespanMs, givenCp, ONE_ROUNDING_MS)) {
    throw new Error(`${label}: makespan ${makespanMs} ms is below the critical path ${givenCp} ms of the true execution times at the resources given`);
  }
  // Exact: the bound takes, per task, the least of the same `execMs` values over the offered configurations, and a
  // critical path (sums and maxima, each rounded monotonically) cannot grow when every term shrinks or stays.
  const bound = truthLowerBounds(workflow, truth, offered).makespanMs;
  if (!(givenCp >= bound)) {
    const used = [...new Set(result.run.tasks.map((t) => `${t.resources.memoryMb}/${t.resources.vCpus}`))].join(', ');
    throw new Error(`${label}: critical path at the resources given ${givenCp} ms is below the bound at the strongest offered ${bound} ms (used ${used})`);
  }
}

/** Plans an imported instance with every planner and option, simulates each plan under each truth and platform. */
async function checkInstance(load: WfImport, label: string, seed: number, planners: readonly Planner[]): Promise<void> {
  const { imported, history } = load;
  const { workflow } = imported;
  const runs = groupRuns(history).runs;
  const recorded = runs.find((r) => r.header.planner === RECORDED_RUN_PLANNER)!;
  expect(recorded, `${label}: recorded run`).toBeDefined();
  // As `resolveTruth` splits an import's history: the recorded run is held out when there are synthetic runs to
  // learn from, else it is also the training run.
  const training = runs.length > 1 ? runs.filter((r) => r !== recorded) : [recorded];
  const predictions = createPredictions(training, { workflow: workflow.name });
  const estimate = simulatorEstimator(workflow, predictions, MEDIAN, DEFAULT_PLATFORM_MODEL);
  for (const planner of planners) {
    const offered = strongestFirst(planner.defaultMemoryMb);
    for (const optimizations of OPTIMIZATION_CHOICES) {
      const plan = runPlanner(planner, workflow, { predictions, sla: MEDIAN, resources: offered, estimate, optimizations: [...optimizations] });
      seen.planners.add(planner.name);
      for (const t of plan.tasks.values()) for (const o of t.optimizations) seen.optimizationKinds.add(o.kind);
      for (const platform of PLATFORMS) {
        for (const truth of truthsOf(imported, recorded, platform.model, seed)) {
          seen.truths.add(truth.kind.replace(/#.*/, ''));
          const passes = optimizations.length === 0 ? 'none' : 'all';
          checkRun(workflow, plan, truth.source, platform.model, offered, seed, `${label}, ${planner.name}, optimizations ${passes}, ${platform.name}, ${truth.kind}`);
        }
      }
    }
  }
}

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'wfformat');

/** Every `.json` under the fixtures folder, recursively, relative to it. */
function fixtureFiles(dir: string = FIXTURES): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? fixtureFiles(join(dir, entry.name)) : entry.name.endsWith('.json') ? [relative(FIXTURES, join(dir, entry.name))] : [],
  );
}

/** Fixtures whose machines declare speeds: also imported with machine-speed scaling on, as pitfalls.test.ts does. */
const WITH_MACHINE_SPEEDS: Record<string, WfImportOptions> = {
  'pitfalls/unknown-machine.json': { referenceCoreMhz: 2000 },
  'pitfalls/machine-without-speed.json': { referenceCoreMhz: 2000 },
};

/** One generated task: its function, parents (as offsets back in the task list), runtime, files and CPU figures. */
const taskArb = fc.record({
  category: fc.integer({ min: 0, max: 3 }),
  parentOffsets: fc.uniqueArray(fc.integer({ min: 1, max: 8 }), { maxLength: 4 }),
  runtimeS: fc.oneof(
    { weight: 1, arbitrary: fc.constant(0) },
    { weight: 8, arbitrary: fc.double({ min: 0.001, max: 600, noNaN: true, noDefaultInfinity: true }) },
  ),
  outBytes: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1_000 }), fc.integer({ min: 1_000, max: 30_000_000 })),
  staticInBytes: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 10_000_000 })),
  cores: fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
  /** avgCPU as a share of the cores (above 1: the importer's avgcpu-above-cores pitfall). */
  cpuShare: fc.option(fc.double({ min: 0, max: 1.2, noNaN: true, noDefaultInfinity: true }), { nil: undefined }),
});

const instanceArb = fc.record({
  version: fc.constantFrom('1.5' as const, '1.4' as const),
  tasks: fc.array(taskArb, { minLength: 1, maxLength: 30 }),
  historyRuns: fc.constantFrom(1, 4),
  seed: fc.integer({ min: 0, max: 1_000_000 }),
});

type Generated = typeof instanceArb extends fc.Arbitrary<infer T> ? T : never;

/** The WfFormat JSON of a generated instance: a random DAG, one output file per task, optional static inputs. */
function wfFormatOf(g: Generated): object {
  const id = (i: number) => `f${g.tasks[i]!.category}_ID${String(i).padStart(7, '0')}`;
  const parents = g.tasks.map((t, i) => t.parentOffsets.map((o) => i - o).filter((p) => p >= 0));
  const children = g.tasks.map(() => [] as string[]);
  parents.forEach((ps, i) => ps.forEach((p) => children[p]!.push(id(i))));
  const avgCPU = (t: Generated['tasks'][number]) => (t.cpuShare === undefined ? {} : { avgCPU: Math.round(t.cpuShare * 100 * (t.cores ?? 1) * 100) / 100 });
  if (g.version === '1.4') {
    return {
      name: `generated-${g.seed}`,
      schemaVersion: '1.4',
      workflow: {
        makespanInSeconds: 1,
        executedAt: '2024-01-01T00:00:00Z',
        tasks: g.tasks.map((t, i) => ({
          name: id(i),
          id: id(i).slice(id(i).indexOf('ID')),
          type: 'compute',
          parents: parents[i]!.map(id),
          children: children[i],
          files: [
            { name: `out-${i}`, sizeInBytes: t.outBytes, link: 'output' },
            ...parents[i]!.map((p) => ({ name: `out-${p}`, sizeInBytes: g.tasks[p]!.outBytes, link: 'input' })),
            ...(t.staticInBytes > 0 ? [{ name: `in-${i}`, path: 'data/', sizeInBytes: t.staticInBytes, link: 'input' }] : []),
          ],
          runtimeInSeconds: t.runtimeS,
          ...(t.cores !== undefined ? { cores: t.cores } : {}),
          ...avgCPU(t),
        })),
      },
    };
  }
  return {
    name: `generated-${g.seed}`,
    schemaVersion: '1.5',
    workflow: {
      specification: {
        tasks: g.tasks.map((t, i) => ({
          name: id(i),
          id: id(i),
          parents: parents[i]!.map(id),
          children: children[i],
          inputFiles: [...parents[i]!.map((p) => `out-${p}`), ...(t.staticInBytes > 0 ? [`data/in-${i}`] : [])],
          outputFiles: [`out-${i}`],
        })),
        files: [
          ...g.tasks.map((t, i) => ({ id: `out-${i}`, sizeInBytes: t.outBytes })),
          ...g.tasks.flatMap((t, i) => (t.staticInBytes > 0 ? [{ id: `data/in-${i}`, sizeInBytes: t.staticInBytes }] : [])),
        ],
      },
      execution: {
        makespanInSeconds: 1,
        executedAt: '2024-01-01T00:00:00Z',
        tasks: g.tasks.map((t, i) => ({
          id: id(i),
          runtimeInSeconds: t.runtimeS,
          ...(t.cores !== undefined ? { coreCount: t.cores } : {}),
          ...avgCPU(t),
        })),
      },
    },
  };
}

describe('simulated makespan vs the critical path of the true execution times at the resources given', () => {
  const planners = PLANNER_NAMES.map((name) => getPlanner(name));

  describe('on every WfCommons fixture that imports', () => {
    const files = fixtureFiles().sort();
    const cases: { file: string; options: WfImportOptions }[] = [];
    for (const file of files) {
      // Only the deliberately malformed fixtures are left out (malformed.test.ts checks that each is refused).
      if (file.startsWith('malformed/')) continue;
      cases.push({ file, options: {} });
      if (WITH_MACHINE_SPEEDS[file]) cases.push({ file, options: WITH_MACHINE_SPEEDS[file] });
    }

    it('finds the fixtures (the diamonds in 1.4 and 1.5 and every pitfall)', () => {
      expect(cases.map((c) => c.file)).toEqual(expect.arrayContaining(['diamond-1.4.json', 'diamond-1.5.json', 'pitfalls/zero-runtime.json']));
      expect(cases.length).toBeGreaterThanOrEqual(19);
    });

    for (const { file, options } of cases) {
      const suffix = options.referenceCoreMhz !== undefined ? ` (reference core ${options.referenceCoreMhz} MHz)` : '';
      // Recorded run only (planned in sample), and recorded + 3 synthetic runs (the recorded one held out).
      for (const runs of [1, 4]) {
        it(`${file}${suffix}, history of ${runs} run(s)`, async () => {
          const load = await importWfFormatFile(join(FIXTURES, file), { ...options, runs, seed: 7 });
          seen.fixtures++;
          await checkInstance(load, `${file}${suffix} (${runs} runs)`, 11, planners);
        });
      }
    }
  });

  it('on a generated 200-task Montage-shaped instance (megabyte files, dozens of workers: where pre-load attaches)', async () => {
    const load = importWfFormat(generateWfFormat(200, 2), 'generated-200.json', { runs: 4, seed: 1 });
    await checkInstance(load, 'generated 200-task instance', 5, planners);
  });

  describe('on generated WfFormat instances (property)', () => {
    test.prop([instanceArb], { numRuns: 25 })('never below, for every planner, option, truth and platform', async (g) => {
      const load = importWfFormat(wfFormatOf(g), `generated-${g.seed}.json`, { runs: g.historyRuns, seed: g.seed });
      seen.generated++;
      await checkInstance(load, `generated ${JSON.stringify(g)}`, g.seed, planners);
    });
  });

  it('the cases above exercised every planner, both truths, retries, duplicates and the passes', () => {
    // Runs after them (vitest runs a file's tests in order): what they must have met for the file to mean what it says.
    expect(seen.fixtures).toBeGreaterThanOrEqual(38);
    expect(seen.generated).toBeGreaterThan(0);
    expect(seen.planners).toEqual(new Set(planners.map((p) => p.name)));
    expect(seen.truths).toEqual(new Set(['replay', 'generator']));
    expect(seen.retriedRecords).toBeGreaterThan(0);
    expect(seen.multiRecordTasks).toBeGreaterThan(0);
    expect([...seen.optimizationKinds].sort()).toEqual(OPTIMIZATION_PASSES.map((p) => p.name).sort());
  });
});
