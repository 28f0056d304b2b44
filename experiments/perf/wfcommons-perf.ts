/**
 * Issue 8's figures: importing a generated 10,000-task WfFormat file (target under 1 s: read + parse + validate +
 * build the workflow + the one-run history) and planning + simulating it with the non-uniform planner. The file is
 * generated in the shape of a Pegasus instance: layered, several functions, files along the edges, workflow inputs.
 * Run with `npm run bench:perf -- wfcommons-perf`, or register `wfcommons-perf` in run-perf.ts's default list.
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createPredictions } from '../../core/predictions/index.js';
import { resources } from '../../core/resources.js';
import { MEDIAN } from '../../core/sla.js';
import { runPlanner } from '../../planners/registry.js';
import { nonUniformPlanner } from '../../planners/non-uniform.js';
import { simulatorEstimator } from '../../planners/simulator-estimator.js';
import { rngFor } from '../../core/random.js';
import { expectedDurations, sampledDurations } from '../../simulator/duration-sources.js';
import { DEFAULT_PLATFORM_MODEL } from '../../simulator/platform-defaults.js';
import { simulate } from '../../simulator/simulate.js';
import { groupRuns } from '../../traces/trace-runs.js';
import { importWfFormatFile } from '../../traces/wfcommons/import-wfformat.js';

/** A WfFormat 1.5 instance of `tasks` tasks: layers of up to 50, each task reading 1–3 outputs of the layer before. */
export function generateWfFormat(tasks: number, seed = 1): object {
  const rng = rngFor(seed, 'wfcommons-perf');
  const spec: object[] = [];
  const exec: object[] = [];
  const files: { id: string; sizeInBytes: number }[] = [];
  const children = new Map<string, string[]>();
  let previous: string[] = [];
  let layer: string[] = [];
  const categories = ['mProject', 'mDiffFit', 'mConcatFit', 'mBackground', 'mAdd'];
  for (let i = 0; i < tasks; i++) {
    if (layer.length === 50) {
      previous = layer;
      layer = [];
    }
    const id = `${categories[i % categories.length]}_ID${String(i).padStart(7, '0')}`;
    const parents = previous.length === 0 ? [] : [...new Set(Array.from({ length: 1 + rng.int(3) }, () => previous[rng.int(previous.length)]!))];
    for (const p of parents) children.get(p)!.push(id);
    children.set(id, []);
    const out = `${id}.out`;
    files.push({ id: out, sizeInBytes: 1024 + rng.int(4_000_000) });
    const inputs = parents.map((p) => `${p}.out`);
    if (parents.length === 0) {
      files.push({ id: `input/${id}.fits`, sizeInBytes: rng.int(8_000_000) });
      inputs.push(`input/${id}.fits`);
    }
    spec.push({ name: id, id, parents, children: children.get(id), inputFiles: inputs, outputFiles: [out] });
    exec.push({ id, runtimeInSeconds: Math.round(rng.uniform(0.05, 30) * 1000) / 1000, avgCPU: Math.round(rng.uniform(5, 100)), machines: ['node'] });
    layer.push(id);
  }
  return {
    name: `perf-${tasks}`,
    schemaVersion: '1.5',
    workflow: {
      specification: { tasks: spec, files },
      execution: { makespanInSeconds: 0, executedAt: '2024-01-01T00:00:00Z', tasks: exec, machines: [{ nodeName: 'node', cpu: { coreCount: 8 } }] },
    },
  };
}

/** Times import, planning and simulation of a generated instance; prints one line per phase and returns the figures. */
export async function runWfcommonsPerf(tasks = 10_000): Promise<{ fileBytes: number; importMs: number; planMs: number; simulateMs: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'octoplan-wfcommons-perf-'));
  const file = join(dir, `perf-${tasks}.json`);
  await writeFile(file, JSON.stringify(generateWfFormat(tasks)));
  const fileBytes = (await stat(file)).size;
  try {
    // One discarded import so the measured one does not pay for compiling the importer.
    await importWfFormatFile(file);
    const t0 = performance.now();
    const { imported, history } = await importWfFormatFile(file);
    const importMs = performance.now() - t0;
    const { workflow } = imported;
    console.log(
      `import     ${String(tasks).padStart(6)} tasks  ${(fileBytes / 1e6).toFixed(1)} MB  ${importMs.toFixed(0).padStart(6)} ms  ` +
        `(${imported.edgeCount} edges, history ${history.length} records; target < 1,000 ms)`,
    );

    const t1 = performance.now();
    const predictions = createPredictions(groupRuns(history).runs, { workflow: workflow.name });
    const ctx = {
      predictions,
      sla: MEDIAN,
      resources: nonUniformPlanner.defaultMemoryMb.map((m) => resources(m)),
      estimate: simulatorEstimator(workflow, predictions, MEDIAN, DEFAULT_PLATFORM_MODEL),
      optimizations: [],
    };
    const plan = runPlanner(nonUniformPlanner, workflow, ctx);
    const planMs = performance.now() - t1;
    const workers = new Set([...plan.tasks.values()].map((t) => t.workerId)).size;
    console.log(`plan       non-uniform  ${planMs.toFixed(0).padStart(6)} ms  (${workers} workers, estimated makespan ${plan.predictedMakespanMs?.toFixed(0) ?? '-'} ms)`);

    const t2 = performance.now();
    // Expected durations: the run the planner estimated.
    const expected = simulate(workflow, plan, { platform: DEFAULT_PLATFORM_MODEL, durations: expectedDurations(predictions, MEDIAN), seed: 1 });
    const simulateMs = performance.now() - t2;
    console.log(`simulate   expected     ${simulateMs.toFixed(0).padStart(6)} ms  (${expected.events} events, ${expected.summary.status}, makespan ${expected.summary.makespanMs.toFixed(0)} ms)`);
    // Sampled durations: what bench compare runs; each draw is a quantile of the history at a random level.
    const t3 = performance.now();
    const rng = (name: string) => rngFor(1, `perf/${name}`);
    const durations = sampledDurations(predictions, DEFAULT_PLATFORM_MODEL, { exec: rng('exec'), output: rng('output'), startup: rng('startup'), transfer: rng('transfer') });
    const sampled = simulate(workflow, plan, { platform: DEFAULT_PLATFORM_MODEL, durations, seed: 1 });
    const sampledMs = performance.now() - t3;
    console.log(`simulate   sampled      ${sampledMs.toFixed(0).padStart(6)} ms  (${sampled.events} events, ${sampled.summary.status}, makespan ${sampled.summary.makespanMs.toFixed(0)} ms)`);
    return { fileBytes, importMs, planMs, simulateMs };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log('WfCommons import, then planning and simulating the imported workflow (non-uniform planner)');
  await runWfcommonsPerf();
}
