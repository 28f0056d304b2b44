import type { Argv, CommandModule } from 'yargs';
import { RUNTIME_WORKLOADS } from '../../../runtime-lambda/tasks/registry.js';
import { parseOptimizationChoice } from '../../compare/choices.js';
import { DEFAULT_SIMULATIONS, DEFAULT_WARM_UP_RUNS, formatValidationReport, runValidation } from '../../validate/validate.js';
import { UsageError } from '../errors.js';
import { listOption, oneSlaOption, writeJsonOut } from '../options.js';
import { runtimeWorkloadNames } from './run.js';
import { checkPathOptions } from '../paths.js';

interface ValidateArgs {
  workloads: string;
  planners: string;
  optimizations: string;
  sla: string;
  'warm-up-runs': number;
  'fit-runs': number;
  'test-runs': number;
  simulations: number;
  redis?: string;
  seed: string;
  json: boolean;
  'json-out'?: string;
  quiet: boolean;
}

/**
 * `bench validate`: the simulator against real runs through the local gateway (see `experiments/validate/`):
 * fitted on one set of runs, its error measured on runs the fit never saw.
 */
export const validateCommand: CommandModule<object, ValidateArgs> = {
  command: 'validate',
  describe: 'Measure the simulator against real runs: fit a local profile and predictions on some runs, compare on others',
  builder: (y: Argv) =>
    y
      .option('workloads', { type: 'string', default: 'all', describe: `comma-separated (${RUNTIME_WORKLOADS.map((w) => w.name).join(', ')}) or 'all'` })
      .option('planners', { type: 'string', default: 'wukong,uniform,non-uniform', describe: 'comma-separated planners' })
      .option('optimizations', { alias: 'O', type: 'string', default: 'none', describe: 'none, all, or passes' })
      .option('sla', { type: 'string', default: 'median', describe: 'SLA the planners plan for (median, p90, …)' })
      .option('warm-up-runs', { type: 'number', default: DEFAULT_WARM_UP_RUNS, describe: 'runs per case before the fit runs (they let each worker process warm up), used only as start-up samples' })
      .option('fit-runs', { type: 'number', default: 8, describe: 'real runs per case to fit on' })
      .option('test-runs', { type: 'number', default: 16, describe: 'real runs per case to measure the error on' })
      .option('simulations', { type: 'number', default: DEFAULT_SIMULATIONS, describe: 'simulations per case (at least --test-runs), each starting as one of the test runs did' })
      .option('redis', { type: 'string', describe: 'Redis URL (default: a private redis-server)' })
      .option('seed', { alias: 's', type: 'string', default: '1', describe: 'seed of static inputs and simulations' })
      .option('json', { type: 'boolean', default: false, describe: 'print the full report as JSON on stdout instead of tables' })
      .option('json-out', { type: 'string', describe: 'also write the full report as JSON to this file' })
      .option('quiet', { type: 'boolean', default: false, describe: 'no progress line per run (stderr)' }) as unknown as Argv<ValidateArgs>,
  handler: async (args) => {
    checkPathOptions(args, { 'json-out': 'output-file' });
    for (const flag of ['fit-runs', 'test-runs', 'simulations'] as const) {
      if (!Number.isInteger(args[flag]) || args[flag] < 1) throw new UsageError(`--${flag} must be a positive integer, got ${args[flag]}`);
    }
    if (!Number.isInteger(args['warm-up-runs']) || args['warm-up-runs'] < 0) throw new UsageError(`--warm-up-runs must be an integer >= 0, got ${args['warm-up-runs']}`);
    const workloads = args.workloads === 'all' ? RUNTIME_WORKLOADS.map((w) => w.name) : runtimeWorkloadNames(listOption(args.workloads), '--workloads');
    const report = await runValidation({
      workloads,
      planners: listOption(args.planners),
      optimizations: parseOptimizationChoice(args.optimizations),
      sla: oneSlaOption(args.sla),
      warmUpRuns: args['warm-up-runs'],
      fitRuns: args['fit-runs'],
      testRuns: args['test-runs'],
      simulations: args.simulations,
      seed: args.seed,
      ...(args.redis ? { redisUrl: args.redis } : {}),
      ...(args.quiet ? {} : { progress: (line: string) => console.error(line) }),
    });
    if (args['json-out']) await writeJsonOut(args['json-out'], report);
    if (args.json) console.log(JSON.stringify(report, null, 2));
    else console.log(formatValidationReport(report));
  },
};
