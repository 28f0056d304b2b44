import type { Argv, CommandModule } from 'yargs';
import { RUNTIME_WORKLOADS } from '../../../runtime-lambda/tasks/registry.js';
import { parseOptimizationChoice } from '../../compare/choices.js';
import { DEFAULT_SIMULATIONS, DEFAULT_WARM_UP_RUNS, formatValidationReport, runValidation } from '../../validate/validate.js';
import { UsageError } from '../errors.js';
import { listOption, oneSlaOption, writeJsonOut } from '../options.js';
import { runtimeWorkloadNames } from './run.js';
import { checkPathOptions } from '../paths.js';
import { parseLoadOptions, withLoadOptions, type LoadOptionArgs } from '../load-options.js';
import { DEFAULT_LOAD_SIMULATIONS } from '../../validate/load-validation.js';
import { DEFAULT_VALIDATE_LOAD_RATES, DEFAULT_VALIDATE_LOAD_REQUESTS, validateLoadCommand } from './validate-load.js';

interface ValidateArgs extends LoadOptionArgs {
  workloads?: string;
  planners?: string;
  load: boolean;
  'fit-rates'?: string[];
  platform?: string;
  optimizations: string;
  sla: string;
  'warm-up-runs': number;
  'fit-runs': number;
  'test-runs': number;
  simulations?: number;
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
    withLoadOptions(y, { rates: DEFAULT_VALIDATE_LOAD_RATES, requests: DEFAULT_VALIDATE_LOAD_REQUESTS })
      .option('load', { type: 'boolean', default: false, describe: 'validate the load simulation: p50, p99 and throughput at offered loads (--rates), fitted on some (--fit-rates), tested on the others' })
      .option('fit-rates', { type: 'string', array: true, describe: '--load: the offered rates (req/s) to fit the profile on (default: the lightest); the others are held out' })
      .option('platform', { type: 'string', describe: "--load: JSON file of platform overrides; its concurrency.accountLimit is the gateway's and the simulation's limit (default 64)" })
      .option('workloads', { type: 'string', describe: `comma-separated (${RUNTIME_WORKLOADS.map((w) => w.name).join(', ')}) or 'all' (default all; --load: gemm, the mix)` })
      .option('planners', { type: 'string', describe: 'comma-separated planners (default wukong,uniform,non-uniform; --load: one, default uniform)' })
      .option('optimizations', { alias: 'O', type: 'string', default: 'none', describe: 'none, all, or passes' })
      .option('sla', { type: 'string', default: 'median', describe: 'SLA the planners plan for (median, p90, …)' })
      .option('warm-up-runs', { type: 'number', default: DEFAULT_WARM_UP_RUNS, describe: 'runs per case before the fit runs (they let each worker process warm up), used only as start-up samples' })
      .option('fit-runs', { type: 'number', default: 8, describe: 'real runs per case to fit on' })
      .option('test-runs', { type: 'number', default: 16, describe: 'real runs per case to measure the error on' })
      .option('simulations', { type: 'number', describe: `simulations per case (at least --test-runs), each starting as one of the test runs did (default ${DEFAULT_SIMULATIONS}; --load: per offered load, default ${DEFAULT_LOAD_SIMULATIONS})` })
      .option('redis', { type: 'string', describe: 'Redis URL (default: a private redis-server)' })
      .option('seed', { alias: 's', type: 'string', default: '1', describe: 'seed of static inputs and simulations' })
      .option('json', { type: 'boolean', default: false, describe: 'print the full report as JSON on stdout instead of tables' })
      .option('json-out', { type: 'string', describe: 'also write the full report as JSON to this file' })
      .option('quiet', { type: 'boolean', default: false, describe: 'no progress line per run (stderr)' }) as unknown as Argv<ValidateArgs>,
  handler: async (args) => {
    if (args.load) {
      checkPathOptions(args, { platform: 'file', arrivals: 'file', 'json-out': 'output-file' });
      const planners = listOption(args.planners ?? 'uniform');
      if (planners.length !== 1) throw new UsageError(`--planners: validate --load runs one planner's plans, got ${planners.length} (${planners.join(', ')})`);
      const load = await parseLoadOptions(args, { rates: DEFAULT_VALIDATE_LOAD_RATES, requests: DEFAULT_VALIDATE_LOAD_REQUESTS });
      return validateLoadCommand({
        workloads: args.workloads === 'all' ? RUNTIME_WORKLOADS.map((w) => w.name) : runtimeWorkloadNames(listOption(args.workloads ?? 'gemm'), '--workloads'),
        planner: planners[0]!,
        optimizations: parseOptimizationChoice(args.optimizations),
        sla: oneSlaOption(args.sla),
        seed: args.seed,
        load,
        ...(args['fit-rates'] ? { fitRates: listOption(args['fit-rates']) } : {}),
        ...(args.simulations !== undefined ? { simulations: args.simulations } : {}),
        ...(args.platform ? { platformFile: args.platform } : {}),
        ...(args.redis ? { redisUrl: args.redis } : {}),
        json: args.json,
        ...(args['json-out'] ? { jsonOut: args['json-out'] } : {}),
        quiet: args.quiet,
      });
    }
    for (const flag of ['fit-rates', 'platform', 'rates', 'rpm', 'clients', 'arrivals', 'requests', 'duration-ms', 'timeout-ms', 'weights', 'sla-factor', 'sla-ms', 'p99-bound-ms'] as const) {
      if (args[flag] !== undefined) throw new UsageError(`--${flag} is for validate --load`);
    }
    const simulations = args.simulations ?? DEFAULT_SIMULATIONS;
    checkPathOptions(args, { 'json-out': 'output-file' });
    for (const [flag, value] of [['fit-runs', args['fit-runs']], ['test-runs', args['test-runs']], ['simulations', simulations]] as const) {
      if (!Number.isInteger(value) || value < 1) throw new UsageError(`--${flag} must be a positive integer, got ${value}`);
    }
    if (!Number.isInteger(args['warm-up-runs']) || args['warm-up-runs'] < 0) throw new UsageError(`--warm-up-runs must be an integer >= 0, got ${args['warm-up-runs']}`);
    const workloads = (args.workloads ?? 'all') === 'all' ? RUNTIME_WORKLOADS.map((w) => w.name) : runtimeWorkloadNames(listOption(args.workloads), '--workloads');
    const report = await runValidation({
      workloads,
      planners: listOption(args.planners ?? 'wukong,uniform,non-uniform'),
      optimizations: parseOptimizationChoice(args.optimizations),
      sla: oneSlaOption(args.sla),
      warmUpRuns: args['warm-up-runs'],
      fitRuns: args['fit-runs'],
      testRuns: args['test-runs'],
      simulations,
      seed: args.seed,
      ...(args.redis ? { redisUrl: args.redis } : {}),
      ...(args.quiet ? {} : { progress: (line: string) => console.error(line) }),
    });
    if (args['json-out']) await writeJsonOut(args['json-out'], report);
    if (args.json) console.log(JSON.stringify(report, null, 2));
    else console.log(formatValidationReport(report));
  },
};
