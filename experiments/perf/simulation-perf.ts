/**
 * Prints simulation wall time and events/s for random layered DAGs of 1k, 10k and 100k tasks (issue 3's figures:
 * 10k tasks under 0.5 s and 100k under 10 s on a 2-core machine). DAG construction is timed apart from simulation.
 * Run with `npm run bench:perf`.
 */
import { flexiblePlan, type Plan, type TaskPlan } from '../../core/plan.js';
import { resources } from '../../core/resources.js';
import { MEDIAN } from '../../core/sla.js';
import type { Workflow } from '../../core/workflow.js';
import type { DurationSource } from '../../simulator/duration-sources.js';
import { DEFAULT_PLATFORM_MODEL } from '../../simulator/platform-defaults.js';
import { simulate } from '../../simulator/simulate.js';
import { randomLayeredDag } from '../../traces/synthetic/random-dag.js';

// Durations that cost nothing to compute, so the figures measure the simulator, not a duration model.
const durations: DurationSource = {
  name: 'perf',
  execMs: (task) => 50 + (task.taskId.length * 37) % 200,
  outputBytes: () => 64 * 1024,
  startupMs: (_r, start) => (start === 'cold' ? 400 : 40),
  transferMs: (_d, bytes) => 1 + bytes / 75_000,
};

/** Tasks of each layer-chunk share a fixed worker, so fixed-worker scheduling is measured too. */
function fixedPlan(workflow: Workflow, tasksPerWorker: number): Plan {
  const config = resources(2048);
  const tasks = new Map<string, TaskPlan>();
  workflow.topologicalOrder.forEach((id, i) => tasks.set(id, { workerId: `w${Math.floor(i / tasksPerWorker)}`, resources: config, optimizations: [] }));
  return { workflow: workflow.name, planner: 'fixed', sla: MEDIAN, tasks };
}

console.log('simulation of random layered DAGs (wall time excludes building the DAG)');
// One discarded run, so the first measured size does not pay for JIT warm-up.
{
  const warmUp = randomLayeredDag({ tasks: 2_000, seed: 2 });
  simulate(warmUp, flexiblePlan(warmUp, 'flexible', MEDIAN, resources(2048)), { platform: DEFAULT_PLATFORM_MODEL, durations, seed: 2 });
}
for (const size of [1_000, 10_000, 100_000]) {
  const t0 = performance.now();
  const workflow = randomLayeredDag({ tasks: size, seed: 1 });
  const buildMs = performance.now() - t0;
  for (const [name, plan] of [
    ['flexible', flexiblePlan(workflow, 'flexible', MEDIAN, resources(2048))],
    ['fixed/16', fixedPlan(workflow, 16)],
  ] as const) {
    const start = performance.now();
    const result = simulate(workflow, plan, { platform: DEFAULT_PLATFORM_MODEL, durations, seed: 1 });
    const ms = performance.now() - start;
    console.log(
      `${String(size).padStart(7)} tasks  ${name.padEnd(9)} ${ms.toFixed(0).padStart(6)} ms  ` +
        `${Math.round(result.events / (ms / 1000)).toLocaleString('en-US').padStart(10)} events/s  ` +
        `${String(result.events).padStart(8)} events  ${result.summary.status}  (DAG built in ${buildMs.toFixed(0)} ms)`,
    );
  }
}
