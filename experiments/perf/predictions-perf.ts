/**
 * Prints how fast histories are generated and predictions answered, for the figures issues ask for. Run with
 * `npm run bench:perf`. Wall times come from `performance.now()`; nothing here asserts, it only reports.
 */
import { createPredictions } from '../../core/predictions/index.js';
import { resources } from '../../core/resources.js';
import { MEDIAN, percentile } from '../../core/sla.js';
import { generateHistory } from '../../traces/synthetic/history-generator.js';
import { groupRuns } from '../../traces/trace-runs.js';
import { buildWorkload } from '../../traces/workloads/registry.js';

function timed<T>(run: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = run();
  return { value, ms: performance.now() - start };
}

const rows: string[] = [];
for (const [workload, runs] of [['gemm', 100], ['image_transformer', 100], ['tree_reduction', 1000]] as const) {
  const generated = timed(() => generateHistory(workload, { runs, seed: 1 }));
  const tasks = generated.value.filter((r) => r.type === 'task').length;
  const { runs: grouped } = groupRuns(generated.value);
  const engine = timed(() => createPredictions(grouped, { workflow: buildWorkload(workload).name }));
  const workflow = buildWorkload(workload);
  const functions = [...new Set([...workflow.tasks.values()].map((t) => t.functionName))];
  const configs = [512, 1024, 2048, 4096, 8192].map((m) => resources(m));
  const slas = [MEDIAN, percentile(75), percentile(90)];
  let queries = 0;
  // The first pass builds each (quantity, config, SLA) profile; the second measures queries at new sizes on them.
  const cold = timed(() => {
    for (const c of configs) {
      for (const sla of slas) {
        for (const fn of functions) { engine.value.execMs(fn, 1_000_000, c, sla); queries++; }
        engine.value.transferMs('download', 1_000_000, c, sla);
        queries++;
      }
    }
  });
  const sizes = Array.from({ length: 200 }, (_, i) => (i + 1) * 100_000);
  let warmQueries = 0;
  const warm = timed(() => {
    for (const size of sizes) for (const fn of functions) for (const c of configs) { engine.value.execMs(fn, size, c, MEDIAN); engine.value.transferMs('download', size, c, MEDIAN); warmQueries += 2; }
  });
  rows.push(
    `${workload.padEnd(18)} ${String(runs).padStart(5)} runs ${String(tasks).padStart(7)} tasks  generate ${generated.ms.toFixed(0).padStart(6)} ms` +
      `  engine ${engine.ms.toFixed(0).padStart(5)} ms  first ${queries} queries ${cold.ms.toFixed(1).padStart(7)} ms` +
      `  ${Math.round(warmQueries / (warm.ms / 1000)).toLocaleString('en-US').padStart(10)} queries/s at new sizes`,
  );
}
console.log('prediction engine over synthetic histories');
for (const row of rows) console.log(row);
