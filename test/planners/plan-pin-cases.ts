import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { flexiblePlan } from '../../core/plan.js';
import { createPredictions, type Predictions } from '../../core/predictions/index.js';
import { resources } from '../../core/resources.js';
import { MEDIAN } from '../../core/sla.js';
import type { Workflow } from '../../core/workflow.js';
import type { OptimizationPassName, Planner } from '../../planners/planner.js';
import { nonUniformPlanner } from '../../planners/non-uniform.js';
import { runPlanner } from '../../planners/registry.js';
import { simulatorEstimator } from '../../planners/simulator-estimator.js';
import { uniformPlanner } from '../../planners/uniform.js';
import type { DurationSource } from '../../simulator/duration-sources.js';
import { DEFAULT_PLATFORM_MODEL } from '../../simulator/platform-defaults.js';
import { simulate } from '../../simulator/simulate.js';
import { planToJson } from '../../traces/plan-file.js';
import { randomLayeredDag } from '../../traces/synthetic/random-dag.js';
import { groupRuns } from '../../traces/trace-runs.js';
import { importWfFormatFile } from '../../traces/wfcommons/import-wfformat.js';

/** The duration model of `experiments/perf/planning-perf.ts`, so the pinned layered DAGs are the benchmark's. */
const PERF_DURATIONS: DurationSource = {
  name: 'perf',
  execMs: (task, inputBytes, r) => (40 + Number(task.functionName.slice(1)) * 25 + inputBytes / 20_000) / Math.min(1, r.vCpus),
  outputBytes: (task) => 32 * 1024 * (1 + (task.taskId.length % 5)),
  startupMs: (_r, start) => (start === 'cold' ? 400 : 40),
  transferMs: (_d, bytes) => 1 + bytes / 75_000,
};

/** A layered DAG with the benchmark's history: three simulated flexible runs, one per configuration. */
function layered(tasks: number, seed: number): { workflow: Workflow; predictions: Predictions } {
  const workflow = randomLayeredDag({ tasks, seed });
  const history = [2048, 4096, 8192].map((memoryMb, i) =>
    simulate(workflow, flexiblePlan(workflow, 'history', MEDIAN, resources(memoryMb)), { platform: DEFAULT_PLATFORM_MODEL, durations: PERF_DURATIONS, seed: i }).run,
  );
  return { workflow, predictions: createPredictions(history, { workflow: workflow.name }) };
}

async function imported(file: string): Promise<{ workflow: Workflow; predictions: Predictions }> {
  const { imported, history } = await importWfFormatFile(file, { runs: 4, seed: 1 });
  return { workflow: imported.workflow, predictions: createPredictions(groupRuns(history).runs, { workflow: imported.workflow.name }) };
}

export interface PinCase {
  readonly label: string;
  readonly load: () => Promise<{ workflow: Workflow; predictions: Predictions }>;
  readonly planners: readonly { planner: Planner; optimizations: readonly OptimizationPassName[] }[];
}

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'wfformat');
const BOTH = [
  { planner: uniformPlanner, optimizations: [] },
  { planner: nonUniformPlanner, optimizations: [] },
] as const;

/** The DAGs whose plans are pinned: the benchmark's 1,000-task layered DAG and two others, and two imported instances. */
export const PIN_CASES: readonly PinCase[] = [
  { label: 'layered 1000 seed 1', load: async () => layered(1000, 1), planners: BOTH },
  { label: 'layered 600 seed 7', load: async () => layered(600, 7), planners: BOTH },
  {
    label: 'layered 150 seed 3',
    load: async () => layered(150, 3),
    planners: [...BOTH, { planner: nonUniformPlanner, optimizations: ['pre-load', 'pre-warm', 'task-dup'] }],
  },
  { label: '1000genome-2ch', load: () => imported(join(FIXTURES, '1000genome-2ch.json')), planners: BOTH },
  { label: 'diamond-1.5', load: () => imported(join(FIXTURES, 'diamond-1.5.json')), planners: BOTH },
];

/** Each case's plans as `label/planner[+opt] -> sha256 of the plan's JSON` (assignment, resources, optimizations, estimate). */
export async function planDigests(cases: readonly PinCase[] = PIN_CASES): Promise<Record<string, string>> {
  const digests: Record<string, string> = {};
  for (const c of cases) {
    const { workflow, predictions } = await c.load();
    for (const { planner, optimizations } of c.planners) {
      const ctx = {
        predictions,
        sla: MEDIAN,
        resources: planner.defaultMemoryMb.map((m) => resources(m)),
        estimate: simulatorEstimator(workflow, predictions, MEDIAN, DEFAULT_PLATFORM_MODEL),
        optimizations,
      };
      const plan = runPlanner(planner, workflow, ctx);
      const json = JSON.stringify(planToJson(plan));
      digests[`${c.label}/${planner.name}${optimizations.length > 0 ? '+opt' : ''}`] = createHash('sha256').update(json).digest('hex');
    }
  }
  return digests;
}
