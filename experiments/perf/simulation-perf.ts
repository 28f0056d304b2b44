/**
 * Prints simulation wall and CPU time and events/s for random layered DAGs of 1k, 10k and 100k tasks (issue 15's
 * targets: 10k tasks within 200 ms and 100k within 3 s on a 2-core machine, flexible and fixed plans; where the time
 * goes is in `simulator/README.md`). DAG construction is timed apart from simulation. Run with `npm run bench:perf`.
 */
import { flexiblePlan } from '../../core/plan.js';
import { resources } from '../../core/resources.js';
import { MEDIAN } from '../../core/sla.js';
import { DEFAULT_PLATFORM_MODEL } from '../../simulator/platform-defaults.js';
import { simulate } from '../../simulator/simulate.js';
import { randomLayeredDag } from '../../traces/synthetic/random-dag.js';
import { fixedPlan, PERF_DURATIONS } from './perf-fixtures.js';

const durations = PERF_DURATIONS;

console.log('simulation of random layered DAGs: wall time of simulate() (DAG construction excluded), first run and');
console.log('median of repeated runs (the first pays for JIT compilation of the sizes it meets); CPU: the process\'s');
console.log('CPU time (user + system, process.cpuUsage) over the same runs, median: on a loaded machine wall time includes');
console.log('waiting for a core, CPU time does not (it includes the collector\'s helper threads)');
// One discarded run, so the first measured size does not pay for compiling the whole simulator.
{
  const warmUp = randomLayeredDag({ tasks: 2_000, seed: 2 });
  simulate(warmUp, flexiblePlan(warmUp, 'flexible', MEDIAN, resources(2048)), { platform: DEFAULT_PLATFORM_MODEL, durations, seed: 2 });
}
for (const [size, repeats] of [[1_000, 7], [10_000, 5], [100_000, 3]] as const) {
  const t0 = performance.now();
  const workflow = randomLayeredDag({ tasks: size, seed: 1 });
  const buildMs = performance.now() - t0;
  for (const [name, plan] of [
    ['flexible', flexiblePlan(workflow, 'flexible', MEDIAN, resources(2048))],
    ['fixed/16', fixedPlan(workflow, 16)],
  ] as const) {
    const times: number[] = [];
    const cpuTimes: number[] = [];
    let events = 0;
    let status = '';
    for (let i = 0; i < repeats; i++) {
      const start = performance.now();
      const cpuStart = process.cpuUsage();
      const result = simulate(workflow, plan, { platform: DEFAULT_PLATFORM_MODEL, durations, seed: 1 });
      times.push(performance.now() - start);
      const cpu = process.cpuUsage(cpuStart);
      cpuTimes.push((cpu.user + cpu.system) / 1000);
      events = result.events;
      status = result.summary.status;
    }
    const medianMs = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
    const medianCpuMs = [...cpuTimes].sort((a, b) => a - b)[Math.floor(cpuTimes.length / 2)]!;
    console.log(
      `${String(size).padStart(7)} tasks  ${name.padEnd(9)} first ${times[0]!.toFixed(0).padStart(5)} ms  median ${medianMs.toFixed(0).padStart(5)} ms ` +
        `(CPU ${medianCpuMs.toFixed(0).padStart(5)} ms) ` +
        `of ${repeats}  ${Math.round(events / (medianMs / 1000)).toLocaleString('en-US').padStart(9)} events/s  ` +
        `${String(events).padStart(8)} events  ${status}  (DAG built in ${buildMs.toFixed(0)} ms)`,
    );
  }
}
