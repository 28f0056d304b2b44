import type { Argv, CommandModule } from 'yargs';
import { TRUTH_CHOICES, type TruthChoice } from '../../../core/compare-results.js';
import type { ArrivalPattern } from '../../../simulator/arrivals.js';
import { DEFAULT_WARMUP_FRACTION } from '../../../simulator/load-metrics.js';
import { workloadNames } from '../../../traces/workloads/registry.js';
import { writeTraceFile } from '../../../traces/trace-io.js';
import { buildCompareMatrix, DEFAULT_COMPARE_PLANNERS } from '../../compare/build-matrix.js';
import { readArrivalsCsv } from '../../load/arrivals-csv.js';
import { formatLoadTable, loadCsv } from '../../load/load-table.js';
import { runLoadSweep } from '../../load/load-sweep.js';
import { UsageError } from '../errors.js';
import { checkPathOptions } from '../paths.js';
import { startProgress } from '../progress.js';
import { factorsOption, listOption, numberListOption, resourcesOption, seedOption, slaOption, writeJsonOut, writeTextOut } from '../options.js';

/** Offered loads of `bench load` with none given: Poisson arrivals at these rates (req/s), up past saturation of the default mix. */
export const DEFAULT_LOAD_RATES = [0.5, 1, 2, 4, 8, 16] as const;
/** Requests per load point by default: enough for a p99 that interpolates between real order statistics, few enough for seconds. */
export const DEFAULT_LOAD_REQUESTS = 100;

interface LoadArgs {
  workloads?: string[];
  workflow?: string[];
  planners?: string[];
  optimizations?: string[];
  sla?: string;
  resources?: string;
  'history-runs'?: number;
  history?: string;
  platform?: string;
  truth?: string;
  seed: string;
  rates?: string[];
  rpm?: string[];
  clients?: string[];
  'think-ms': number;
  arrivals?: string;
  requests?: number;
  'duration-ms'?: number;
  'timeout-ms'?: number;
  warmup: number;
  'sla-factor'?: number;
  'sla-ms'?: number;
  weights?: string[];
  'p99-bound-ms'?: number;
  'trace-out'?: string;
  report?: string;
  json: boolean;
  'json-out'?: string;
  csv: boolean;
  'csv-out'?: string;
  progress?: boolean;
}

/** `--rates 0.5,1,2/s` → rates per second (a trailing `/s` is allowed on the list or on each item). */
function ratesOption(value: unknown): number[] {
  return numberListOption(listOption(value).map((item) => item.replace(/\/s$/, '')), '--rates');
}

/**
 * `bench load`: many requests of a workload mix on one simulated platform, per planner variant and offered load;
 * prints throughput, latency percentiles, SLA attainment, cost and cold starts per point, and the sustainable
 * throughput per variant.
 */
export const loadCommand: CommandModule<object, LoadArgs> = {
  command: 'load',
  describe: 'Simulate many workflow requests sharing one platform at several offered loads: throughput, p50/p99 latency, SLA, cost',
  builder: (y: Argv) =>
    y
      .option('workloads', { alias: 'w', type: 'string', array: true, describe: `workloads of the mix, comma list (default: all: ${workloadNames().join(', ')})` })
      .option('workflow', { type: 'string', array: true, describe: 'WfFormat file or import directory added to the mix (repeatable)' })
      .option('weights', { type: 'string', array: true, describe: 'share of each workload in the mix, name=weight list (default 1 each)' })
      .option('planners', { alias: 'p', type: 'string', array: true, describe: `planner names or module paths (default: ${DEFAULT_COMPARE_PLANNERS.join(',')})` })
      .option('optimizations', { alias: 'O', type: 'string', array: true, describe: "one choice per flag: 'none', 'all' or a comma list of passes (default: none)" })
      .option('sla', { type: 'string', describe: 'SLA planned for (default: median)' })
      .option('resources', { type: 'string', describe: "memory MB[:vCPUs] list given to every planner (default: each planner's own)" })
      .option('history', { type: 'string', describe: 'trace file or directory to predict from (default: a generated history per workload)' })
      .option('history-runs', { type: 'number', describe: 'runs of each generated history (default 10)' })
      .option('platform', { type: 'string', describe: 'JSON file overriding platform-model defaults (e.g. {"concurrency":{"accountLimit":100}})' })
      .option('truth', { type: 'string', describe: `what requests run against: ${TRUTH_CHOICES.join(', ')} (default auto, as bench compare)` })
      .option('seed', { alias: 's', type: 'string', default: '1', describe: 'seed of histories, arrivals and simulations' })
      .option('rates', { type: 'string', array: true, describe: `open-loop Poisson rates, req/s, comma list (default ${DEFAULT_LOAD_RATES.join(',')}/s)` })
      .option('rpm', { type: 'string', array: true, describe: "fixed-rate arrivals, requests per minute, comma list (FaaSFlow's load generator)" })
      .option('clients', { type: 'string', array: true, describe: 'closed loop: numbers of clients, comma list, each sending its next request after its last ended and --think-ms' })
      .option('think-ms', { type: 'number', default: 0, describe: 'closed loop: think time between a result and the next request (ms)' })
      .option('arrivals', { type: 'string', describe: 'CSV file of arrivals (header timeMs,workflow): one load point replaying it' })
      .option('requests', { alias: 'n', type: 'number', describe: `requests per load point (default ${DEFAULT_LOAD_REQUESTS}, unless --duration-ms)` })
      .option('duration-ms', { type: 'number', describe: 'send requests for this long per load point instead of a count (ms)' })
      .option('timeout-ms', { type: 'number', describe: "a request without a result this long after arriving counts as timed out (FaaSFlow: 60000); default none" })
      .option('warmup', { type: 'number', default: DEFAULT_WARMUP_FRACTION, describe: 'share of the first requests left out of latency, throughput and SLA figures' })
      .option('sla-factor', { type: 'number', describe: "SLA latency = the plan's estimated makespan × this (default 1)" })
      .option('sla-ms', { type: 'number', describe: 'an absolute SLA latency for every request instead (ms)' })
      .option('p99-bound-ms', { type: 'number', describe: 'p99 bound of the sustainable throughput (default: twice the p99 at the lightest load)' })
      .option('trace-out', { type: 'string', describe: "write every request's trace records (one run per request) to this .jsonl file" })
      .option('report', { type: 'string', describe: 'also write a report (results JSON, CSV, Markdown, latency-against-load chart as Vega-Lite, SVG, PNG) to this folder' })
      .option('json', { type: 'boolean', default: false, describe: 'print the results as JSON on stdout instead of the table' })
      .option('json-out', { type: 'string', describe: 'also write the results as JSON to this file' })
      .option('csv', { type: 'boolean', default: false, describe: 'print one row per variant and load as CSV on stdout instead of the table' })
      .option('csv-out', { type: 'string', describe: 'also write that CSV to this file' })
      .option('progress', { type: 'boolean', describe: 'progress on stderr (default: when stderr is a terminal; --no-progress: off)' }) as unknown as Argv<LoadArgs>,
  handler: async (args) => {
    checkPathOptions(args, { workflow: 'file-or-directory', history: 'file-or-directory', platform: 'file', arrivals: 'file', 'json-out': 'output-file', 'csv-out': 'output-file', 'trace-out': 'output-file', report: 'output-directory' });
    if (args.json && args.csv) throw new UsageError('give --json or --csv, not both: each is the whole of stdout (write the other with --json-out or --csv-out)');
    const kinds = (['rates', 'rpm', 'clients', 'arrivals'] as const).filter((k) => args[k] !== undefined);
    if (kinds.length > 1) throw new UsageError(`give one kind of offered load, not ${kinds.map((k) => `--${k}`).join(' and ')}`);
    if (args.requests !== undefined && args['duration-ms'] !== undefined) throw new UsageError('give --requests or --duration-ms, not both');
    if (args['sla-factor'] !== undefined && args['sla-ms'] !== undefined) throw new UsageError('give --sla-factor or --sla-ms, not both');
    for (const flag of ['sla-factor', 'sla-ms', 'p99-bound-ms'] as const) {
      const value = args[flag];
      if (value !== undefined && !(Number.isFinite(value) && value > 0)) throw new UsageError(`--${flag} must be a number > 0, got ${value}`);
    }
    if (!(args.warmup >= 0 && args.warmup < 1)) throw new UsageError(`--warmup must be a share in [0, 1), got ${args.warmup}`);
    let loads: ArrivalPattern[];
    if (args.rpm !== undefined) loads = numberListOption(args.rpm, '--rpm').map((perMinute) => ({ kind: 'rpm', perMinute }));
    else if (args.clients !== undefined) loads = numberListOption(args.clients, '--clients').map((clients) => ({ kind: 'closed', clients, thinkMs: args['think-ms'] }));
    else if (args.arrivals !== undefined) loads = [{ kind: 'trace', arrivals: await readArrivalsCsv(args.arrivals) }];
    else loads = (args.rates !== undefined ? ratesOption(args.rates) : [...DEFAULT_LOAD_RATES]).map((ratePerS) => ({ kind: 'poisson', ratePerS }));
    const requests = args.arrivals !== undefined ? undefined : args['duration-ms'] !== undefined ? undefined : (args.requests ?? DEFAULT_LOAD_REQUESTS);

    const built = await buildCompareMatrix({
      ...(args.workloads ? { workloads: listOption(args.workloads) } : {}),
      ...(args.workflow ? { workflows: args.workflow.map(String) } : {}),
      ...(args.planners ? { planners: listOption(args.planners) } : {}),
      optimizations: args.optimizations ? args.optimizations.map(String) : ['none'],
      ...(args.sla !== undefined ? { slas: slaOption(args.sla) } : {}),
      ...(args.resources !== undefined ? { resources: resourcesOption(args.resources) } : {}),
      ...(args['history-runs'] !== undefined ? { historyRuns: args['history-runs'] } : {}),
      ...(args.history ? { historyPath: args.history } : {}),
      ...(args.platform ? { platform: args.platform } : {}),
      ...(args.truth !== undefined ? { truth: args.truth as TruthChoice } : {}),
      runs: 1,
      seed: seedOption(args.seed),
    });
    for (const line of [...built.warnings, ...built.notes]) console.error(`bench load: ${line}`);
    const weights = args.weights ? factorsOption(args.weights, '--weights') : undefined;
    if (weights) {
      const names = built.matrix.workloads.map((w) => w.name);
      for (const name of Object.keys(weights)) if (!names.includes(name)) throw new UsageError(`--weights: '${name}' is not a workload of the mix (${names.join(', ')})`);
    }

    const progress = await startProgress('bench load', { enabled: args.progress });
    let sweep;
    try {
      sweep = await runLoadSweep({
        matrix: built.matrix,
        loads,
        ...(requests !== undefined ? { requests } : {}),
        ...(args['duration-ms'] !== undefined ? { durationMs: args['duration-ms'] } : {}),
        ...(args['timeout-ms'] !== undefined ? { timeoutMs: args['timeout-ms'] } : {}),
        ...(args['p99-bound-ms'] !== undefined ? { p99BoundMs: args['p99-bound-ms'] } : {}),
        warmupFraction: args.warmup,
        keepRecords: args['trace-out'] !== undefined,
        mix: {
          ...(args['sla-factor'] !== undefined ? { slaFactor: args['sla-factor'] } : {}),
          ...(args['sla-ms'] !== undefined ? { slaMs: args['sla-ms'] } : {}),
          ...(weights ? { weights } : {}),
          workflowSources: built.workflowSources,
          onWarning: (message) => progress.log(`bench load: warning: ${message}`),
        },
        onProgress: (done, total, what) => progress.update(what, done, total),
      });
    } catch (error) {
      progress.stop();
      throw error;
    }
    const { results, records } = sweep;
    progress.finish(`${results.points.length} load point(s): ${built.matrix.variants.length} variant(s) × ${loads.length} load(s) on a mix of ${results.workloads.length} workload(s)`);
    if (args['trace-out']) await writeTraceFile(args['trace-out'], [...records.values()].flatMap((perRequest) => perRequest.flat()));
    if (args['csv-out']) await writeTextOut(args['csv-out'], loadCsv(results));
    if (args['json-out']) await writeJsonOut(args['json-out'], results);
    if (args.report) {
      const { writeLoadReport } = await import('../../load/load-report.js');
      const files = await writeLoadReport(results, args.report, ['bench', ...process.argv.slice(2)].join(' '));
      console.error(`bench load: report written to ${args.report} (${files.length} files)`);
    }
    if (args.json) return void console.log(JSON.stringify(results, null, 2));
    if (args.csv) return void process.stdout.write(loadCsv(results));
    console.log(formatLoadTable(results));
    console.log(`\nmix: ${results.workloads.join(', ')}; ${requests !== undefined ? `${requests} requests` : args['duration-ms'] !== undefined ? `${args['duration-ms']} ms of arrivals` : 'the arrivals trace'} per point, first ${Math.round(args.warmup * 100)}% left out as warm-up; seed ${String(results.seed)}; toolkit ${results.toolkit.version}`);
    if (args['csv-out']) console.log(`CSV: ${args['csv-out']}`);
    if (args['json-out']) console.log(`JSON: ${args['json-out']}`);
    if (args['trace-out']) console.log(`traces: ${args['trace-out']}`);
  },
};
