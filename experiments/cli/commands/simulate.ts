import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { flexiblePlan, type Plan } from '../../../core/plan.js';
import { createPredictions, type Predictions } from '../../../core/predictions/index.js';
import { resources } from '../../../core/resources.js';
import { loadTaskOverrides } from '../../../planners/optimizations/overrides-file.js';
import { OPTIMIZATION_PASS_NAMES, type PlannerContext } from '../../../planners/planner.js';
import { loadPlanner, plannerNames, runPlanner } from '../../../planners/registry.js';
import { simulatorEstimator } from '../../../planners/simulator-estimator.js';
import { parseOptimizationChoice } from '../../compare/choices.js';
import { rngFor } from '../../../core/random.js';
import type { TraceRecord } from '../../../core/trace-records.js';
import { expectedDurations, replayDurations, sampledDurations, type DurationSource } from '../../../simulator/duration-sources.js';
import { loadPlatformModel } from '../../../simulator/platform-config.js';
import { DEFAULT_PLATFORM_MODEL } from '../../../simulator/platform-defaults.js';
import { simulate } from '../../../simulator/simulate.js';
import { planToJson, readPlanFile } from '../../../traces/plan-file.js';
import { generateHistory } from '../../../traces/synthetic/history-generator.js';
import { formatTraceLineError, readTraces, writeTraceFile } from '../../../traces/trace-io.js';
import { groupRuns } from '../../../traces/trace-runs.js';
import { loadWorkflowSource } from '../../../traces/wfcommons/load-workflow-source.js';
import { DEFAULT_WORKLOAD, getWorkload, workloadNames } from '../../../traces/workloads/registry.js';
import { resolveParams } from '../../../traces/workloads/workload.js';
import { UsageError } from '../errors.js';
import { paramsOption, resourcesOption, seedOption, slaOption } from '../options.js';
import { formatRunSummaryTable } from '../summary-table.js';

interface SimulateArgs {
  workload: string;
  workflow?: string;
  plan?: string;
  planner?: string;
  optimizations: string;
  'task-overrides'?: string;
  durations: string;
  sla: string;
  history?: string;
  runs: number;
  seed: string;
  platform?: string;
  resources?: string;
  param: string[];
  'trace-out'?: string;
  'plan-out'?: string;
  json: boolean;
}

/**
 * `bench simulate`: one simulated run of a workload under a plan (a plan file, a planner's plan made from the same
 * history, or by default every task on a flexible worker of one configuration, WUKONG's shape), printing the run's
 * summary.
 */
export const simulateCommand: CommandModule<object, SimulateArgs> = {
  command: 'simulate',
  describe: 'Simulate one run of a workload under a plan and print its makespan, cost and resource use',
  builder: (y: Argv) =>
    y
      .option('workload', { alias: 'w', type: 'string', default: DEFAULT_WORKLOAD, describe: `built-in workload (${workloadNames().join(', ')})` })
      .option('workflow', { type: 'string', describe: 'WfFormat file or `bench import wfcommons` directory (replaces --workload; its history is the imported one)' })
      .option('plan', { type: 'string', describe: 'plan JSON file (default: every task flexible on --resources)' })
      .option('planner', { alias: 'p', type: 'string', describe: `plan with this planner (${plannerNames().join(', ')}, or a module path) from the history, under --sla` })
      .option('optimizations', { alias: 'O', type: 'string', default: 'none', describe: `with --planner: none, all, or passes (${OPTIMIZATION_PASS_NAMES.join(', ')})` })
      .option('task-overrides', { type: 'string', describe: 'with --planner: JSON {"<taskId>": {"pre-load": false, ...}} forcing (true) or forbidding (false) a pass per task' })
      .option('durations', { type: 'string', default: 'sampled', choices: ['sampled', 'expected', 'replay'], describe: 'where task durations come from' })
      .option('sla', { type: 'string', default: 'median', describe: 'SLA of --durations expected and of --planner' })
      .option('history', { type: 'string', describe: 'trace file or directory (default: a synthetic history)' })
      .option('runs', { alias: 'n', type: 'number', default: 20, describe: 'runs of the synthetic history' })
      .option('seed', { alias: 's', type: 'string', default: '1', describe: 'seed of the history and the simulation' })
      .option('platform', { type: 'string', describe: 'JSON file overriding platform-model defaults' })
      .option('resources', { type: 'string', describe: "resources of the default plan (memory MB[:vCPUs]; default 2048), or the planner's (default: its own)" })
      .option('param', { type: 'string', array: true, default: [] as string[], describe: 'workload parameter name=value' })
      .option('plan-out', { type: 'string', describe: 'write the plan simulated as JSON (a template for --plan)' })
      .option('trace-out', { type: 'string', describe: 'write the simulated run\'s trace records here (.jsonl)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the summary as JSON' }) as unknown as Argv<SimulateArgs>,
  handler: async (args) => {
    const seed = seedOption(args.seed);
    // An imported workflow brings its own history; a built-in workload gets a synthetic one below.
    const source = args.workflow ? await loadWorkflowSource(args.workflow, { seed }) : undefined;
    for (const line of source?.warnings ?? []) console.error(line);
    if (source && args.param.length > 0) throw new UsageError('--param applies to built-in workloads, not to --workflow');
    const workload = source ? undefined : getWorkload(args.workload);
    const params = workload ? resolveParams(workload, paramsOption(args.param)) : {};
    const workflow = source ? source.workflow : workload!.build(params);
    const platform = args.platform ? await loadPlatformModel(args.platform) : DEFAULT_PLATFORM_MODEL;
    const [sla] = slaOption(args.sla);
    if (!sla) throw new UsageError('--sla names no SLA');

    let history: TraceRecord[];
    if (args.history) {
      const read = await readTraces(args.history);
      for (const error of read.errors) console.error(formatTraceLineError(error));
      history = read.records;
    } else if (source) {
      history = source.history;
    } else {
      if (!Number.isInteger(args.runs) || args.runs < 1) throw new UsageError(`--runs must be a positive integer, got ${args.runs}`);
      history = generateHistory(workload!.name, { runs: args.runs, seed, params });
    }
    const runs = groupRuns(history).runs.filter((r) => r.header.workflow === workflow.name);
    let predictionsOfHistory: Predictions | undefined;
    const predictions = () => (predictionsOfHistory ??= createPredictions(runs, { workflow: workflow.name }));

    if (args.plan && args.planner) throw new UsageError('give either --plan or --planner, not both');
    if (!args.planner && (args.optimizations !== 'none' || args['task-overrides'])) {
      throw new UsageError('--optimizations and --task-overrides apply to the plan of --planner');
    }
    let plan: Plan;
    if (args.plan) plan = await readPlanFile(args.plan, workflow);
    else if (args.planner) {
      const planner = await loadPlanner(args.planner);
      const configs = args.resources !== undefined ? resourcesOption(args.resources) : planner.defaultMemoryMb.map((m) => resources(m));
      const ctx: PlannerContext = {
        predictions: predictions(),
        sla,
        resources: configs,
        estimate: simulatorEstimator(workflow, predictions(), sla, platform),
        optimizations: parseOptimizationChoice(args.optimizations),
        ...(args['task-overrides'] ? { taskOverrides: loadTaskOverrides(args['task-overrides'], workflow) } : {}),
      };
      plan = runPlanner(planner, workflow, ctx);
    } else {
      const [config, ...more] = resourcesOption(args.resources ?? '2048');
      if (!config || more.length > 0) throw new UsageError('--resources must name exactly one configuration for the default plan');
      plan = flexiblePlan(workflow, 'flexible', sla, config);
    }

    const rng = (name: string) => rngFor(seed, `durations/${name}`);
    let durations: DurationSource;
    if (args.durations === 'replay') {
      const last = runs[runs.length - 1];
      if (!last) throw new UsageError(`the history holds no run of '${workflow.name}' to replay`);
      durations = replayDurations(last, platform, { startup: rng('startup'), transfer: rng('transfer') });
    } else {
      durations = args.durations === 'expected'
        ? expectedDurations(predictions(), sla)
        : sampledDurations(predictions(), platform, { exec: rng('exec'), output: rng('output'), startup: rng('startup'), transfer: rng('transfer') });
    }

    if (args['plan-out']) {
      await mkdir(dirname(args['plan-out']), { recursive: true });
      await writeFile(args['plan-out'], JSON.stringify(planToJson(plan), null, 2) + '\n', 'utf8');
    }
    const result = simulate(workflow, plan, { platform, durations, seed });
    if (args['trace-out']) await writeTraceFile(args['trace-out'], result.records);
    const s = result.summary;
    if (args.json) {
      console.log(JSON.stringify(s, null, 2));
      return;
    }
    console.log(`${workflow.name}: ${workflow.tasks.size} tasks, plan '${plan.planner}', durations ${durations.name}, platform ${platform.profile}, seed ${String(seed)}`);
    console.log(formatRunSummaryTable(s));
    console.log(`critical path: ${s.criticalPath.join(' → ')}`);
    if (args['trace-out']) console.log(`trace records: ${args['trace-out']} (${result.records.length})`);
  },
};
