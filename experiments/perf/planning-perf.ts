/**
 * Prints planning time per planner on random layered DAGs of 1,000 and 10,000 tasks (issue 4's figures: Non-Uniform
 * under 2 s and 30 s on a 2-core machine). The history the planners predict from is simulated: three runs of a
 * flexible plan, one per configuration, so the prediction engine has samples of each.
 */
import { flexiblePlan } from '../../core/plan.js';
import { createPredictions } from '../../core/predictions/index.js';
import { resources } from '../../core/resources.js';
import { MEDIAN } from '../../core/sla.js';
import { nonUniformPlanner } from '../../planners/non-uniform.js';
import { OPTIMIZATION_PASS_NAMES, type OptimizationPassName } from '../../planners/planner.js';
import { PLANNERS, runPlanner } from '../../planners/registry.js';
import { simulatorEstimator } from '../../planners/simulator-estimator.js';
import type { DurationSource } from '../../simulator/duration-sources.js';
import { DEFAULT_PLATFORM_MODEL } from '../../simulator/platform-defaults.js';
import { simulate } from '../../simulator/simulate.js';
import { randomLayeredDag } from '../../traces/synthetic/random-dag.js';

const durations: DurationSource = {
  name: 'perf',
  execMs: (task, inputBytes, r) => (40 + Number(task.functionName.slice(1)) * 25 + inputBytes / 20_000) / Math.min(1, r.vCpus),
  outputBytes: (task) => 32 * 1024 * (1 + (task.taskId.length % 5)),
  startupMs: (_r, start) => (start === 'cold' ? 400 : 40),
  transferMs: (_d, bytes) => 1 + bytes / 75_000,
};

/** Plans repeated after the first one at 1,000 tasks (2 for planners making several estimates), for the warm median. */
const REPEATS = 8;

console.log('planning time on random layered DAGs (history: 3 simulated runs; estimate: the simulator in expected-value mode)');
for (const size of [1_000, 10_000]) {
  const workflow = randomLayeredDag({ tasks: size, seed: 1 });
  const history = [2048, 4096, 8192].map((memoryMb, i) =>
    simulate(workflow, flexiblePlan(workflow, 'history', MEDIAN, resources(memoryMb)), { platform: DEFAULT_PLATFORM_MODEL, durations, seed: i }).run,
  );
  const predictions = createPredictions(history, { workflow: workflow.name });
  let estimates = 0;
  const estimator = simulatorEstimator(workflow, predictions, MEDIAN, DEFAULT_PLATFORM_MODEL);
  const estimate: typeof estimator = (plan) => (estimates++, estimator(plan));
  // The passes cost up to 40 estimates each, so with them only the 1,000-task DAG is planned (a 10,000-task one
  // would take minutes here, dominated by the estimates, 0.5–0.9 s each on a shared 2-core machine).
  const variants = [
    ...PLANNERS.map((planner) => ({ planner, optimizations: [] as OptimizationPassName[] })),
    ...(size <= 1_000 ? [{ planner: nonUniformPlanner, optimizations: [...OPTIMIZATION_PASS_NAMES] }] : []),
  ];
  for (const { planner, optimizations } of variants) {
    estimates = 0;
    const ctx = { predictions, sla: MEDIAN, resources: planner.defaultMemoryMb.map((m) => resources(m)), estimate, optimizations };
    const start = performance.now();
    const startCpu = process.cpuUsage();
    const plan = runPlanner(planner, workflow, ctx);
    const ms = performance.now() - start;
    // CPU time beside wall time: on a shared machine the wall time also counts the other processes' share.
    const cpu = process.cpuUsage(startCpu);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const firstEstimates = estimates;
    const workers = new Set([...plan.tasks.values()].map((t) => t.workerId)).size;
    const label = planner.name + (optimizations.length > 0 ? '+opt' : '');
    // The first plan of a planner in a process also pays V8's compilation of the code paths it is the first to run
    // (Uniform's estimate is the first simulation of fixed workers here: most of its first plan). At 1,000 tasks the
    // median of more plans of the same DAG is printed beside it: the cost of planning itself.
    const repeats = firstEstimates <= 1 ? REPEATS : 2;
    const again: number[] = [];
    for (let r = 0; size <= 1_000 && r < repeats; r++) {
      const t = performance.now();
      runPlanner(planner, workflow, ctx);
      again.push(performance.now() - t);
    }
    again.sort((a, b) => a - b);
    const warm = again.length > 0 ? `  (then median ${again[again.length >> 1]!.toFixed(0)} ms of ${repeats})` : '';
    estimates = firstEstimates;
    console.log(
      `${String(size).padStart(7)} tasks  ${label.padEnd(17)} ${ms.toFixed(0).padStart(7)} ms (cpu ${cpuMs.toFixed(0).padStart(6)} ms)  ${String(estimates).padStart(3)} estimates  ` +
        `${String(workers).padStart(5)} workers  estimated makespan ${plan.predictedMakespanMs?.toFixed(0) ?? '-'} ms${warm}`,
    );
  }
}
