import type { Argv, CommandModule } from 'yargs';
import { formatSla } from '../../../core/sla.js';
import type { InvocationRecord } from '../../../runtime-lambda/gateway/types.js';
import type { TraceRecord } from '../../../core/trace-records.js';
import { OPTIMIZATION_PASS_NAMES } from '../../../planners/planner.js';
import { plannerNames } from '../../../planners/registry.js';
import { LocalRuntime } from '../../../runtime-lambda/local-runtime.js';
import { RUNTIME_WORKLOADS } from '../../../runtime-lambda/tasks/registry.js';
import { DEFAULT_PLATFORM_MODEL } from '../../../simulator/platform-defaults.js';
import { summarizeRun } from '../../../simulator/run-summary.js';
import { writeTraceFile } from '../../../traces/trace-io.js';
import { describeInstance, otherInstanceLines, runsOnOtherInstances } from '../../../traces/workloads/instance.js';
import { getWorkload } from '../../../traces/workloads/registry.js';
import { groupRuns } from '../../../traces/trace-runs.js';
import { parseOptimizationChoice } from '../../compare/choices.js';
import { localWorkload, planLocal, syntheticHistory } from '../../validate/local-plan.js';
import { UsageError } from '../errors.js';
import { checkPathOptions } from '../paths.js';
import { readTraceInput } from '../trace-input.js';
import { listOption, oneSlaOption, paramsOption, writeJsonOut } from '../options.js';
import { checkPriorities, parseDispatchOptions, withDispatchOptions, type DispatchOptionArgs } from '../dispatch-options.js';
import { offeredLoadGiven, parseLoadOptions, withLoadOptions, type LoadOptionArgs } from '../load-options.js';
import { DEFAULT_REAL_LOAD_RATES, DEFAULT_REAL_LOAD_REQUESTS, runLoadCommand } from './run-load.js';
import { withProgress } from '../progress.js';
import { formatRunSummaryTable } from '../summary-table.js';

interface RunArgs extends LoadOptionArgs, DispatchOptionArgs {
  runtime: string;
  workload: string;
  workloads?: string[];
  platform?: string;
  csv: boolean;
  'csv-out'?: string;
  report?: string;
  planner: string;
  optimizations: string;
  sla: string;
  history?: string;
  redis?: string;
  seed: string;
  param: string[];
  'trace-out'?: string;
  json: boolean;
  'json-out'?: string;
  progress?: boolean;
}

/** Checks `--runtime`: only the local gateway runs workflows from this command (AWS is deployed separately). */
export function checkRuntime(runtime: string): void {
  if (runtime !== 'local') throw new UsageError(`--runtime must be 'local' (worker processes behind the local Lambda gateway), got '${runtime}'`);
}

/**
 * Checks workload names for a real run: the six built-in workloads (`-` and `_` interchangeable). The runtime also
 * knows internal workflows (the overhead probe), which are no workload a user runs, so they are neither accepted nor
 * listed here.
 * @throws UsageError listing the valid names
 */
export function runtimeWorkloadNames(names: readonly string[], flag: string): string[] {
  const valid = RUNTIME_WORKLOADS.map((w) => w.name);
  return names.map((name) => {
    const canonical = name.replaceAll('-', '_');
    if (!valid.includes(canonical)) throw new UsageError(`${flag}: unknown workload '${name}' (workloads: ${valid.join(', ')})`);
    return canonical;
  });
}

/**
 * `bench run`: one workflow run for real in worker processes behind the local Lambda-compatible gateway, with Redis
 * (`--redis`, else a private redis-server), planned by `--planner` from a history (`--history`, else the synthetic
 * one), printing the same summary as `bench simulate` (costs at the AWS profile's prices).
 */
export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run',
  describe: 'Run a workload for real in worker processes behind the local Lambda gateway and print its summary; with load options, many requests at several offered loads',
  builder: (y: Argv) =>
    withDispatchOptions(withLoadOptions(y, { rates: DEFAULT_REAL_LOAD_RATES, requests: DEFAULT_REAL_LOAD_REQUESTS }))
      .option('runtime', { type: 'string', default: 'local', choices: ['local'], describe: 'where workers run (the local gateway)' })
      .option('workload', { alias: 'w', type: 'string', default: 'gemm', describe: `built-in workload (${RUNTIME_WORKLOADS.map((w) => w.name).join(', ')})` })
      .option('planner', { alias: 'p', type: 'string', default: 'uniform', describe: `planner (${plannerNames().join(', ')}, or a module path)` })
      .option('optimizations', { alias: 'O', type: 'string', default: 'none', describe: `none, all, or passes (${OPTIMIZATION_PASS_NAMES.join(', ')})` })
      .option('sla', { type: 'string', default: 'median', describe: 'SLA the planner plans for (median, p90, …)' })
      .option('history', { type: 'string', describe: 'trace file or directory to plan from (e.g. from `bench traces collect`; default: a synthetic history)' })
      .option('redis', { type: 'string', describe: 'Redis URL (default: a private redis-server on a free loopback port)' })
      .option('seed', { alias: 's', type: 'string', default: '1', describe: 'seed of the static inputs and the synthetic history' })
      .option('param', { type: 'string', array: true, default: [] as string[], describe: 'workload parameter name=value (over the gateway defaults)' })
      .option('trace-out', { type: 'string', describe: "write the run's trace records here (.jsonl)" })
      .option('json', { type: 'boolean', default: false, describe: 'print the summary as JSON on stdout instead of tables' })
      .option('json-out', { type: 'string', describe: 'also write the summary as JSON to this file' })
      .option('workloads', { type: 'string', array: true, describe: 'load runs: the workloads of the mix, comma list (default: --workload)' })
      .option('platform', { type: 'string', describe: 'load runs: JSON file of platform overrides; its concurrency.accountLimit is the gateway\'s limit (default 64), its prices bill the requests' })
      .option('csv', { type: 'boolean', default: false, describe: 'load runs: print one row per load as CSV on stdout instead of the table' })
      .option('csv-out', { type: 'string', describe: 'load runs: also write that CSV to this file' })
      .option('report', { type: 'string', describe: 'load runs: also write the load report (results JSON, CSV, Markdown, charts) to this folder' })
      .option('progress', { type: 'boolean', describe: 'progress on stderr while planning and running (default: when stderr is a terminal; --no-progress: off)' })
      .epilog(
        'With an offered load (--rates, --rpm, --clients or --arrivals) or --requests / --duration-ms, a load run: the requests of the mix go to the real ' +
          'local runtime at their arrival times, all at once through one gateway whose account limit makes the excess wait, and the metrics print as bench load prints them.',
      ) as unknown as Argv<RunArgs>,
  handler: async (args) => {
    checkRuntime(args.runtime);
    if (offeredLoadGiven(args) || args.requests !== undefined || args['duration-ms'] !== undefined) {
      checkPathOptions(args, { platform: 'file', arrivals: 'file', 'trace-out': 'output-file', 'json-out': 'output-file', 'csv-out': 'output-file', report: 'output-directory' });
      if (args.history) throw new UsageError('--history: a load run plans from the synthetic history (give it to a single run)');
      if (args.param.length > 0) throw new UsageError('--param: a load run runs each workload\'s local instance (give parameters to a single run)');
      const load = await parseLoadOptions(args, { rates: DEFAULT_REAL_LOAD_RATES, requests: DEFAULT_REAL_LOAD_REQUESTS });
      const { dispatch, priorityClasses } = await parseDispatchOptions(args);
      const workloads = runtimeWorkloadNames(args.workloads ? listOption(args.workloads) : [args.workload], args.workloads ? '--workloads' : '--workload');
      checkPriorities(priorityClasses, workloads);
      return runLoadCommand({
        workloads,
        ...(dispatch ? { dispatch } : {}),
        ...(priorityClasses ? { priorityClasses } : {}),
        planner: args.planner,
        optimizations: parseOptimizationChoice(args.optimizations),
        sla: oneSlaOption(args.sla),
        seed: args.seed,
        load,
        ...(args.platform ? { platformFile: args.platform } : {}),
        ...(args.redis ? { redisUrl: args.redis } : {}),
        ...(args['trace-out'] ? { traceOut: args['trace-out'] } : {}),
        json: args.json,
        ...(args['json-out'] ? { jsonOut: args['json-out'] } : {}),
        csv: args.csv,
        ...(args['csv-out'] ? { csvOut: args['csv-out'] } : {}),
        ...(args.report ? { report: args.report } : {}),
        ...(args.progress !== undefined ? { progress: args.progress } : {}),
        command: ['bench', ...process.argv.slice(2)].join(' '),
      });
    }
    for (const flag of ['workloads', 'platform', 'report', 'csv-out', 'weights', 'timeout-ms', 'sla-factor', 'sla-ms', 'p99-bound-ms', 'dispatch', 'max-wait-ms', 'priorities'] as const) {
      if (args[flag] !== undefined) throw new UsageError(`--${flag} is for load runs: give an offered load (--rates, --rpm, --clients or --arrivals) too`);
    }
    if (args.csv) throw new UsageError('--csv is for load runs: give an offered load (--rates, --rpm, --clients or --arrivals) too');
    checkPathOptions(args, { history: 'file-or-directory', 'trace-out': 'output-file', 'json-out': 'output-file' });
    const [workload] = runtimeWorkloadNames([args.workload], '--workload');
    const sla = oneSlaOption(args.sla);
    const instance = localWorkload(workload!, args.seed, paramsOption(args.param));
    const { workflow } = instance;
    const { local, records, retried } = await withProgress(
      'bench run',
      args.progress,
      async (progress) => {
        progress.update('reading the history and planning');
        let history;
        if (args.history) {
          const read = await readTraceInput(args.history, '--history', { reportBadLines: true });
          history = groupRuns(read.records).runs;
          // The run is the `local` instance (with --param): a history of another one plans it by extrapolation.
          const definition = getWorkload(workflow.name);
          const own = history.filter((r) => r.header.workflow === workflow.name);
          const others = runsOnOtherInstances(definition, instance.params, workflow, own);
          for (const line of otherInstanceLines(definition, instance.params, workflow, others)) {
            progress.log(`bench run: warning: --history: ${line}; the plan's predictions extrapolate from them`);
          }
        } else history = syntheticHistory(workflow.name, instance.params, args.seed);
        const local = await planLocal(workflow, history, {
          planner: args.planner,
          optimizations: parseOptimizationChoice(args.optimizations),
          sla,
          platform: DEFAULT_PLATFORM_MODEL,
          startupRuns: history,
        });
        progress.update('starting the local gateway and Redis');
        const runtime = await LocalRuntime.start({ ...(args.redis ? { redisUrl: args.redis } : {}), log: (m) => progress.log(`gateway: ${m}`) });
        let records: readonly TraceRecord[];
        let retried: { crashed: number; attempts: number };
        try {
          progress.update(`running ${workflow.name} (${workflow.tasks.size} tasks, plan '${local.plan.planner}') in worker processes`);
          const result = await runtime.run({
            workflow,
            plan: local.plan,
            staticInputs: instance.staticInputs,
            taskEstimates: local.taskEstimates,
            params: { ...instance.params, seed: args.seed },
          });
          records = result.records;
          retried = retriedWorkers(result.invocations);
          progress.update('stopping the gateway');
        } finally {
          await runtime.close();
        }
        return { local, records, retried };
      },
      ({ records }) => `1 real run of ${workflow.name} (${workflow.tasks.size} tasks, ${records.length} trace records)`,
    );
    if (args['trace-out']) await writeTraceFile(args['trace-out'], records);
    const s = summarizeRun(groupRuns(records).runs[0]!, workflow, DEFAULT_PLATFORM_MODEL);
    if (args['json-out']) await writeJsonOut(args['json-out'], s);
    if (args.json) {
      console.log(JSON.stringify(s, null, 2));
      return;
    }
    console.log(`${workflow.name} ${describeInstance(getWorkload(workflow.name), instance.params, workflow)}: plan '${local.plan.planner}' for SLA ${formatSla(local.plan.sla)}, real run in worker processes (local gateway), seed ${args.seed}`);
    console.log(formatRunSummaryTable(s));
    console.log(`critical path: ${s.criticalPath.join(' → ')}`);
    console.log(`workers that crashed or failed and were retried by the platform: ${retried.crashed}${retried.crashed > 0 ? ` (${retried.attempts} failed attempt(s))` : ''}`);
    if (args['trace-out']) console.log(`trace records: ${args['trace-out']} (${records.length})`);
  },
};

/** Workers (Event invocations) with a failed attempt the platform retried, and how many such attempts. */
export function retriedWorkers(attempts: readonly InvocationRecord[]): { crashed: number; attempts: number } {
  const failed = attempts.filter((a) => a.outcome !== 'success' && a.willRetry);
  return { crashed: new Set(failed.map((a) => a.requestId)).size, attempts: failed.length };
}
