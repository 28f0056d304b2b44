import { stringify } from 'csv-stringify/sync';
import type { Argv, CommandModule } from 'yargs';
import { DAG_FAMILIES, parseDagFamily } from '../../../traces/synthetic/dag-families.js';
import { DEFAULT_SCALE_CONCURRENT, DEFAULT_SCALE_VALUES, runScaleSweep, SCALE_DIMENSIONS, type ScaleDimension, type ScaleResults } from '../../scale/scale-sweep.js';
import { UsageError } from '../errors.js';
import { checkPathOptions } from '../paths.js';
import { startProgress } from '../progress.js';
import { formatTable } from '../table.js';
import { numberListOption, seedOption, writeJsonOut, writeTextOut } from '../options.js';

interface ScaleArgs {
  dimension: string;
  values?: string[];
  planner: string;
  workload?: string;
  family?: string;
  concurrent?: number;
  seed: string;
  platform?: string;
  json: boolean;
  'json-out'?: string;
  csv: boolean;
  'csv-out'?: string;
  progress?: boolean;
}

const s = (ms: number) => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : '—');

function scaleCsv(results: ScaleResults): string {
  return stringify(
    results.points.map((p) => ({
      dimension: results.dimension,
      value: p.value,
      requests: p.requests,
      tasksPerRequest: p.tasksPerRequest,
      completed: p.metrics.completed,
      throughputPerS: p.metrics.throughputPerS,
      tasksPerS: p.tasksPerS,
      latencyP50Ms: p.metrics.latencyP50Ms,
      latencyP99Ms: p.metrics.latencyP99Ms,
      costPerRequestUsd: p.costPerRequestUsd,
      gbSeconds: p.metrics.gbSeconds,
      efficiency: p.efficiency,
      peakLiveInvocations: p.peakLiveInvocations,
    })),
    { header: true },
  );
}

/** `bench scale`: one of the seed harness's scalability sweeps (tasks, workflows, resources, account limit). */
export const scaleCommand: CommandModule<object, ScaleArgs> = {
  command: 'scale',
  describe: 'Scalability sweep along one dimension (tasks per workflow, concurrent workflows, memory, account limit): throughput, latency, cost, efficiency',
  builder: (y: Argv) =>
    y
      .option('dimension', { alias: 'd', type: 'string', default: 'workflows', describe: `what grows: ${SCALE_DIMENSIONS.join(', ')}` })
      .option('values', { type: 'string', array: true, describe: `values of the dimension, comma list (defaults: ${SCALE_DIMENSIONS.map((d) => `${d} ${DEFAULT_SCALE_VALUES[d].join(',')}`).join('; ')})` })
      .option('planner', { alias: 'p', type: 'string', default: 'wukong', describe: 'planner name or module path' })
      .option('workload', { alias: 'w', type: 'string', describe: 'built-in workload of the workflows, resources and limit sweeps (default gemm)' })
      .option('family', { type: 'string', describe: `DAG family of the tasks sweep: ${DAG_FAMILIES.join(', ')} (default layered)` })
      .option('concurrent', { type: 'number', describe: `requests arriving together per point (defaults: tasks ${DEFAULT_SCALE_CONCURRENT.tasks}, resources ${DEFAULT_SCALE_CONCURRENT.resources}, limit ${DEFAULT_SCALE_CONCURRENT.limit}; workflows: the value)` })
      .option('seed', { alias: 's', type: 'string', default: '1', describe: 'seed of histories and simulations' })
      .option('platform', { type: 'string', describe: 'JSON file overriding platform-model defaults' })
      .option('json', { type: 'boolean', default: false, describe: 'print the results as JSON on stdout instead of the table' })
      .option('json-out', { type: 'string', describe: 'also write the results as JSON to this file' })
      .option('csv', { type: 'boolean', default: false, describe: 'print one row per value as CSV on stdout instead of the table' })
      .option('csv-out', { type: 'string', describe: 'also write that CSV to this file' })
      .option('progress', { type: 'boolean', describe: 'progress on stderr (default: when stderr is a terminal; --no-progress: off)' }) as unknown as Argv<ScaleArgs>,
  handler: async (args) => {
    checkPathOptions(args, { platform: 'file', 'json-out': 'output-file', 'csv-out': 'output-file' });
    if (args.json && args.csv) throw new UsageError('give --json or --csv, not both');
    if (!(SCALE_DIMENSIONS as readonly string[]).includes(args.dimension)) throw new UsageError(`unknown dimension '${args.dimension}' (dimensions: ${SCALE_DIMENSIONS.join(', ')})`);
    const dimension = args.dimension as ScaleDimension;
    if (args.family !== undefined && dimension !== 'tasks') throw new UsageError('--family applies to --dimension tasks');
    if (args.workload !== undefined && dimension === 'tasks') throw new UsageError('--dimension tasks sweeps generated DAGs (--family), not a workload');
    if (args.concurrent !== undefined && dimension === 'workflows') throw new UsageError('--dimension workflows sets the concurrent requests itself (--values)');
    const progress = await startProgress('bench scale', { enabled: args.progress });
    let results: ScaleResults;
    try {
      results = await runScaleSweep({
        dimension,
        ...(args.values !== undefined ? { values: numberListOption(args.values, '--values') } : {}),
        planner: args.planner,
        ...(args.workload !== undefined ? { workload: args.workload } : {}),
        ...(args.family !== undefined ? { family: parseDagFamily(args.family) } : {}),
        ...(args.concurrent !== undefined ? { concurrent: args.concurrent } : {}),
        seed: seedOption(args.seed),
        ...(args.platform ? { platform: args.platform } : {}),
        onProgress: (done, total, what) => progress.update(what, done, total),
      });
    } catch (error) {
      progress.stop();
      throw error;
    }
    progress.finish(`${results.points.length} point(s) along ${dimension}`);
    if (args['json-out']) await writeJsonOut(args['json-out'], results);
    if (args['csv-out']) await writeTextOut(args['csv-out'], scaleCsv(results));
    if (args.json) return void console.log(JSON.stringify(results, null, 2));
    if (args.csv) return void process.stdout.write(scaleCsv(results));
    const header = [dimension, 'requests', 'tasks/request', 'done', 'throughput (req/s)', 'tasks/s', 'p50 (s)', 'p99 (s)', 'µUSD/request', 'GB-s', 'efficiency vs linear', 'peak conc.'];
    const rows = results.points.map((p) => [
      String(p.value),
      String(p.requests),
      String(p.tasksPerRequest),
      String(p.metrics.completed),
      p.metrics.throughputPerS.toFixed(2),
      p.tasksPerS.toFixed(0),
      s(p.metrics.latencyP50Ms),
      s(p.metrics.latencyP99Ms),
      (p.costPerRequestUsd * 1e6).toFixed(1),
      p.metrics.gbSeconds.toFixed(1),
      p.efficiency.toFixed(2),
      String(p.peakLiveInvocations),
    ]);
    console.log(formatTable(header, rows));
    console.log(`\n${results.planner} on ${results.workload}; each point's requests arrive together; efficiency = (rate(x)/rate(x₀)) / (x/x₀); seed ${String(results.seed)}`);
    if (args['json-out']) console.log(`JSON: ${args['json-out']}`);
    if (args['csv-out']) console.log(`CSV: ${args['csv-out']}`);
  },
};
