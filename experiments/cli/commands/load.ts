import { availableParallelism } from 'node:os';
import type { Argv, CommandModule } from 'yargs';
import { TRUTH_CHOICES, type TruthChoice } from '../../../core/compare-results.js';
import { workloadNames } from '../../../traces/workloads/registry.js';
import { writeTraceFile } from '../../../traces/trace-io.js';
import { buildCompareMatrix, DEFAULT_COMPARE_PLANNERS } from '../../compare/build-matrix.js';
import { formatLoadTable, loadCsv } from '../../load/load-table.js';
import { runLoadSweep } from '../../load/load-sweep.js';
import { UsageError } from '../errors.js';
import { checkPathOptions } from '../paths.js';
import { checkPriorities, parseDispatchOptions, withDispatchOptions, type DispatchOptionArgs } from '../dispatch-options.js';
import { checkWeights, parseLoadOptions, withLoadOptions, type LoadOptionArgs } from '../load-options.js';
import { startProgress } from '../progress.js';
import { cellExecutor, type CellRunArgs } from '../cell-options.js';
import { listOption, resourcesOption, seedOption, slaOption, writeJsonOut, writeTextOut } from '../options.js';

/** Offered loads of `bench load` with none given: Poisson arrivals at these rates (req/s), up past saturation of the default mix. */
export const DEFAULT_LOAD_RATES = [0.5, 1, 2, 4, 8, 16] as const;
/** Requests per load point by default: enough for a p99 that interpolates between real order statistics, few enough for seconds. */
export const DEFAULT_LOAD_REQUESTS = 100;

interface LoadArgs extends LoadOptionArgs, DispatchOptionArgs, CellRunArgs {
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
  'trace-out'?: string;
  report?: string;
  json: boolean;
  'json-out'?: string;
  csv: boolean;
  'csv-out'?: string;
  progress?: boolean;
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
    withDispatchOptions(withLoadOptions(y, { rates: DEFAULT_LOAD_RATES, requests: DEFAULT_LOAD_REQUESTS }))
      .option('workloads', { alias: 'w', type: 'string', array: true, describe: `workloads of the mix, comma list (default: all: ${workloadNames().join(', ')})` })
      .option('workflow', { type: 'string', array: true, describe: 'WfFormat file or import directory added to the mix (repeatable)' })
      .option('planners', { alias: 'p', type: 'string', array: true, describe: `planner names or module paths (default: ${DEFAULT_COMPARE_PLANNERS.join(',')})` })
      .option('optimizations', { alias: 'O', type: 'string', array: true, describe: "one choice per flag: 'none', 'all' or a comma list of passes (default: none)" })
      .option('sla', { type: 'string', describe: 'SLA planned for (default: median)' })
      .option('resources', { type: 'string', describe: "memory MB[:vCPUs] list given to every planner (default: each planner's own)" })
      .option('history', { type: 'string', describe: 'trace file or directory to predict from (default: a generated history per workload)' })
      .option('history-runs', { type: 'number', describe: 'runs of each generated history (default 10)' })
      .option('platform', { type: 'string', describe: 'JSON file overriding platform-model defaults (e.g. {"concurrency":{"accountLimit":100}})' })
      .option('truth', { type: 'string', describe: `what requests run against: ${TRUTH_CHOICES.join(', ')} (default auto, as bench compare)` })
      .option('seed', { alias: 's', type: 'string', default: '1', describe: 'seed of histories, arrivals and simulations' })
      .option('trace-out', { type: 'string', describe: "write every request's trace records (one run per request) to this .jsonl file" })
      .option('report', { type: 'string', describe: 'also write a report (results JSON, CSV, Markdown, latency-against-load chart as Vega-Lite, SVG, PNG) to this folder' })
      .option('json', { type: 'boolean', default: false, describe: 'print the results as JSON on stdout instead of the table' })
      .option('json-out', { type: 'string', describe: 'also write the results as JSON to this file' })
      .option('csv', { type: 'boolean', default: false, describe: 'print one row per variant and load as CSV on stdout instead of the table' })
      .option('csv-out', { type: 'string', describe: 'also write that CSV to this file' })
      .option('progress', { type: 'boolean', describe: 'progress on stderr (default: when stderr is a terminal; --no-progress: off)' })
      .option('jobs', { alias: 'j', type: 'number', describe: `load points simulated at once on worker threads (default: the number of cores, here ${availableParallelism()}; 1: in this process); the output is the same but for wallMs` })
      .option('queue', { type: 'string', describe: 'run the load points on `bench worker` processes through a Redis job queue (redis://HOST:PORT) instead of here' })
      .option('sweep', { type: 'string', describe: "with --queue: the sweep's name (default: derived from the sweep and toolkit)" })
      .option('resume', { type: 'string', describe: 'with --queue: resume the sweep of this name, collecting the points done and enqueuing only the missing ones' }) as unknown as Argv<LoadArgs>,
  handler: async (args) => {
    checkPathOptions(args, { workflow: 'file-or-directory', history: 'file-or-directory', platform: 'file', arrivals: 'file', 'json-out': 'output-file', 'csv-out': 'output-file', 'trace-out': 'output-file', report: 'output-directory' });
    if (args.json && args.csv) throw new UsageError('give --json or --csv, not both: each is the whole of stdout (write the other with --json-out or --csv-out)');
    const parsed = await parseLoadOptions(args, { rates: DEFAULT_LOAD_RATES, requests: DEFAULT_LOAD_REQUESTS });
    const { loads, requests } = parsed;
    const { dispatch, priorityClasses } = await parseDispatchOptions(args);

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
    const weights = parsed.weights;
    checkWeights(weights, built.matrix.workloads.map((w) => w.name));
    checkPriorities(priorityClasses, built.matrix.workloads.map((w) => w.name));

    const progress = await startProgress('bench load', { enabled: args.progress });
    const executor = await cellExecutor(args, progress, 'bench load');
    let sweep;
    try {
      sweep = await runLoadSweep({
        matrix: built.matrix,
        loads,
        ...(requests !== undefined ? { requests } : {}),
        ...(parsed.durationMs !== undefined ? { durationMs: parsed.durationMs } : {}),
        ...(parsed.timeoutMs !== undefined ? { timeoutMs: parsed.timeoutMs } : {}),
        ...(parsed.p99BoundMs !== undefined ? { p99BoundMs: parsed.p99BoundMs } : {}),
        warmupFraction: parsed.warmupFraction,
        keepRecords: args['trace-out'] !== undefined,
        // By name (or module path), checked and loaded above: every cell, on whatever thread, loads them again.
        ...(dispatch ? { dispatch: listOption(args.dispatch!).map((strategy) => ({ strategy, ...(args['max-wait-ms'] !== undefined ? { maxWaitMs: args['max-wait-ms'] } : {}) })) } : {}),
        ...(executor ? { executor } : {}),
        mix: {
          ...(priorityClasses ? { priorityClasses } : {}),
          ...(parsed.slaFactor !== undefined ? { slaFactor: parsed.slaFactor } : {}),
          ...(parsed.slaMs !== undefined ? { slaMs: parsed.slaMs } : {}),
          ...(weights ? { weights } : {}),
          workflowSources: built.workflowSources,
          onWarning: (message) => progress.log(`bench load: warning: ${message}`),
        },
        onProgress: (done, total, what) => progress.update(what, done, total),
      });
    } catch (error) {
      progress.stop();
      throw error;
    } finally {
      await executor?.close?.();
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
