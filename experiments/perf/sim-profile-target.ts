/**
 * A profiling target for the simulator alone (no JIT warm-up tricks): simulates the layered DAG of `simulation-perf`
 * with the flexible and the fixed/16 plan, `SIZE` tasks (default 100,000), `REPEAT` times each (default 1), and
 * prints wall and CPU time of each run (`PLAN=flexible` or `PLAN=fixed/16` for one plan only).
 * Bundle and profile: `npx tsx experiments/perf/run-perf.ts sim-profile-target` builds
 * `node_modules/.cache/octoplan-perf/sim-profile-target.mjs`; then `node --cpu-prof` on it.
 */
import { flexiblePlan } from '../../core/plan.js';
import { resources } from '../../core/resources.js';
import { MEDIAN } from '../../core/sla.js';
import { DEFAULT_PLATFORM_MODEL } from '../../simulator/platform-defaults.js';
import { simulate } from '../../simulator/simulate.js';
import { randomLayeredDag } from '../../traces/synthetic/random-dag.js';
import { fixedPlan, PERF_DURATIONS } from './perf-fixtures.js';

const size = Number(process.env.SIZE ?? 100_000);
const only = process.env.PLAN;
const workflow = randomLayeredDag({ tasks: size, seed: 1 });
for (const [name, plan] of [
  ['flexible', flexiblePlan(workflow, 'flexible', MEDIAN, resources(2048))],
  ['fixed/16', fixedPlan(workflow, 16)],
] as const) {
  if (only !== undefined && only !== name) continue;
  for (let i = 0; i < Number(process.env.REPEAT ?? 1); i++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const result = simulate(workflow, plan, { platform: DEFAULT_PLATFORM_MODEL, durations: PERF_DURATIONS, seed: 1 });
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    console.log(`${size} ${name}: wall ${wallMs.toFixed(0)} ms, cpu ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms, ${result.events} events, ${result.summary.status}`);
  }
}
