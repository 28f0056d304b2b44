import type { Argv, CommandModule } from 'yargs';
import type { TraceRecord } from '../../../core/trace-records.js';
import { OPTIMIZATION_PASS_NAMES } from '../../../planners/planner.js';
import { plannerNames } from '../../../planners/registry.js';
import { LocalRuntime } from '../../../runtime-lambda/local-runtime.js';
import { RUNTIME_WORKLOADS } from '../../../runtime-lambda/tasks/registry.js';
import { DEFAULT_PLATFORM_MODEL } from '../../../simulator/platform-defaults.js';
import { summarizeRun } from '../../../simulator/run-summary.js';
import { formatTraceLineError, readTraces, writeTraceFile } from '../../../traces/trace-io.js';
import { groupRuns } from '../../../traces/trace-runs.js';
import { parseOptimizationChoice } from '../../compare/choices.js';
import { localWorkload, planLocal, syntheticHistory } from '../../validate/local-plan.js';
import { UsageError } from '../errors.js';
import { paramsOption } from '../options.js';
import { formatRunSummaryTable } from '../summary-table.js';

interface RunArgs {
  runtime: string;
  workload: string;
  planner: string;
  optimizations: string;
  history?: string;
  redis?: string;
  seed: string;
  param: string[];
  'trace-out'?: string;
  json: boolean;
}

/** Checks `--runtime`: only the local gateway runs workflows from this command (AWS is deployed separately). */
export function checkRuntime(runtime: string): void {
  if (runtime !== 'local') throw new UsageError(`--runtime must be 'local' (worker processes behind the local Lambda gateway), got '${runtime}'`);
}

/**
 * `bench run`: one workflow run for real in worker processes behind the local Lambda-compatible gateway, with Redis
 * (`--redis`, else a private redis-server), planned by `--planner` from a history (`--history`, else the synthetic
 * one), printing the same summary as `bench simulate` (costs at the AWS profile's prices).
 */
export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run',
  describe: 'Run a workload for real in worker processes behind the local Lambda gateway and print its summary',
  builder: (y: Argv) =>
    y
      .option('runtime', { type: 'string', default: 'local', choices: ['local'], describe: 'where workers run (the local gateway)' })
      .option('workload', { alias: 'w', type: 'string', default: 'gemm', describe: `built-in workload (${RUNTIME_WORKLOADS.map((w) => w.name).join(', ')})` })
      .option('planner', { alias: 'p', type: 'string', default: 'uniform', describe: `planner (${plannerNames().join(', ')}, or a module path)` })
      .option('optimizations', { alias: 'O', type: 'string', default: 'none', describe: `none, all, or passes (${OPTIMIZATION_PASS_NAMES.join(', ')})` })
      .option('history', { type: 'string', describe: 'trace file or directory to plan from (e.g. from `bench traces collect`; default: a synthetic history)' })
      .option('redis', { type: 'string', describe: 'Redis URL (default: a private redis-server on a free loopback port)' })
      .option('seed', { alias: 's', type: 'string', default: '1', describe: 'seed of the static inputs and the synthetic history' })
      .option('param', { type: 'string', array: true, default: [] as string[], describe: 'workload parameter name=value (over the gateway defaults)' })
      .option('trace-out', { type: 'string', describe: "write the run's trace records here (.jsonl)" })
      .option('json', { type: 'boolean', default: false, describe: 'print the summary as JSON' }) as unknown as Argv<RunArgs>,
  handler: async (args) => {
    checkRuntime(args.runtime);
    const instance = localWorkload(args.workload, args.seed, paramsOption(args.param));
    const { workflow } = instance;
    let history;
    if (args.history) {
      const read = await readTraces(args.history);
      for (const error of read.errors) console.error(formatTraceLineError(error));
      history = groupRuns(read.records).runs;
    } else history = syntheticHistory(workflow.name, instance.params, args.seed);
    const local = await planLocal(workflow, history, args.planner, parseOptimizationChoice(args.optimizations), DEFAULT_PLATFORM_MODEL, history);
    const runtime = await LocalRuntime.start({ ...(args.redis ? { redisUrl: args.redis } : {}), log: (m) => console.error(`gateway: ${m}`) });
    let records: readonly TraceRecord[];
    try {
      const result = await runtime.run({
        workflow,
        plan: local.plan,
        staticInputs: instance.staticInputs,
        taskEstimates: local.taskEstimates,
        params: { ...instance.params, seed: args.seed },
      });
      records = result.records;
    } finally {
      await runtime.close();
    }
    if (args['trace-out']) await writeTraceFile(args['trace-out'], records);
    const s = summarizeRun(groupRuns(records).runs[0]!, workflow, DEFAULT_PLATFORM_MODEL);
    if (args.json) {
      console.log(JSON.stringify(s, null, 2));
      return;
    }
    console.log(`${workflow.name}: ${workflow.tasks.size} tasks, plan '${local.plan.planner}', real run in worker processes (local gateway), seed ${args.seed}`);
    console.log(formatRunSummaryTable(s));
    console.log(`critical path: ${s.criticalPath.join(' → ')}`);
    if (args['trace-out']) console.log(`trace records: ${args['trace-out']} (${records.length})`);
  },
};
