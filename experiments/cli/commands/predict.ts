import { median } from 'simple-statistics';
import type { Argv, CommandModule } from 'yargs';
import { createPredictions, predictTaskSizes, type Predictions } from '../../../core/predictions/index.js';
import { resourceKey, type ResourceConfig } from '../../../core/resources.js';
import { formatSla, type Sla } from '../../../core/sla.js';
import type { TraceRecord } from '../../../core/trace-records.js';
import type { Workflow } from '../../../core/workflow.js';
import { generateHistory } from '../../../traces/synthetic/history-generator.js';
import { groupRuns } from '../../../traces/trace-runs.js';
import { DEFAULT_WORKLOAD, getWorkload, workloadNames } from '../../../traces/workloads/registry.js';
import { resolveParams } from '../../../traces/workloads/workload.js';
import { otherInstanceLines, recordedInstance, runsOnOtherInstances } from '../../../traces/workloads/instance.js';
import { UsageError } from '../errors.js';
import { readTraceInput, requireTaskRecords } from '../trace-input.js';
import { paramsOption, resourcesOption, seedOption, slaOption, writeJsonOut } from '../options.js';
import { checkPathOptions } from '../paths.js';
import { formatBytes, formatTable } from '../table.js';

interface PredictArgs {
  workload: string;
  history?: string;
  runs: number;
  seed: string;
  sla: string;
  resources: string;
  param: string[];
  json: boolean;
  'json-out'?: string;
}

/** Sizes whose transfer times `predict` reports: a small object and a GEMM-sized block. */
const TRANSFER_SIZES_BYTES = [64 * 1024, 1024 * 1024, 16 * 1024 * 1024];

/**
 * `bench predict`: what the prediction engine expects of a workload's functions, start-ups and transfers under each
 * SLA and resource configuration, from a recorded history or, by default, a seeded synthetic one made in memory.
 */
export const predictCommand: CommandModule<object, PredictArgs> = {
  command: 'predict',
  describe: 'Predict execution times, output sizes, start-ups and transfers of a workload from a history',
  builder: (y: Argv) =>
    y
      .option('workload', { alias: 'w', type: 'string', default: DEFAULT_WORKLOAD, describe: `built-in workload (${workloadNames().join(', ')})` })
      .option('history', { type: 'string', describe: 'trace file or directory to predict from (default: a synthetic history)' })
      .option('runs', { alias: 'n', type: 'number', default: 20, describe: 'runs of the synthetic history' })
      .option('seed', { alias: 's', type: 'string', default: '1', describe: 'seed of the synthetic history' })
      .option('sla', { type: 'string', default: 'median,p90', describe: 'SLAs: median and/or percentiles such as p75' })
      .option('resources', { type: 'string', default: '1024,2048,4096', describe: 'resource configs to predict for (memory MB[:vCPUs])' })
      .option('param', { type: 'string', array: true, default: [] as string[], describe: 'workload parameter name=value' })
      .option('json', { type: 'boolean', default: false, describe: 'print the predictions as JSON on stdout instead of tables' })
      .option('json-out', { type: 'string', describe: 'also write the predictions as JSON to this file' }) as unknown as Argv<PredictArgs>,
  handler: async (args) => {
    checkPathOptions(args, { 'json-out': 'output-file' });
    const workload = getWorkload(args.workload);
    let params = resolveParams(workload, paramsOption(args.param));
    let workflow = workload.build(params);
    const slas = slaOption(args.sla);
    const configs = resourcesOption(args.resources);
    if (slas.length === 0) throw new UsageError('--sla lists no SLA');
    if (configs.length === 0) throw new UsageError('--resources lists no configuration');

    let records: TraceRecord[];
    let source: string;
    if (args.history !== undefined) {
      // Bad lines are reported and skipped; the good ones still count (nothing recorded is lost).
      const read = await readTraceInput(args.history, '--history', { reportBadLines: true, requireRuns: true });
      records = read.records;
      source = args.history;
    } else {
      if (!Number.isInteger(args.runs) || args.runs < 1) throw new UsageError(`--runs must be a positive integer, got ${args.runs}`);
      const seed = seedOption(args.seed);
      records = generateHistory(workload.name, { runs: args.runs, seed, params });
      source = `synthetic history, ${args.runs} runs, seed ${String(seed)}`;
    }
    const { runs } = groupRuns(records);
    if (args.history !== undefined) {
      // Predictions are for one instance's input sizes: the history's own when no --param names another; runs of
      // another instance still teach the functions, but what they predict here is extrapolated, so it is said.
      const own = runs.filter((r) => r.header.workflow === workflow.name);
      if (own.length === 0) {
        // Said here rather than as "no samples for output size of function …" from the first prediction asked for.
        const present = [...new Set(runs.map((r) => r.header.workflow))].join(', ');
        throw new UsageError(`--history '${args.history}' holds no run of workflow '${workflow.name}' (workflows there: ${present}); give --workload of one of them, or a history of '${workflow.name}'`);
      }
      requireTaskRecords(own, args.history, workflow.name);
      const recorded = args.param.length === 0 ? recordedInstance(workload, own) : undefined;
      if (recorded) {
        params = recorded;
        workflow = workload.build(params);
      }
      for (const line of otherInstanceLines(workload, params, workflow, runsOnOtherInstances(workload, params, workflow, own))) {
        console.error(`bench predict: warning: --history: ${line}; predictions for this instance extrapolate from theirs`);
      }
    }
    const predictions = createPredictions(runs, { workflow: workflow.name });
    const report = buildReport(workflow, predictions, slas, configs);
    const json = { workflow: workflow.name, source, runs: predictions.samples.runCount, ...report };
    if (args['json-out']) await writeJsonOut(args['json-out'], json);
    if (args.json) {
      console.log(JSON.stringify(json, null, 2));
    } else {
      printReport(workflow, source, predictions.samples.runCount, report, configs);
    }
  },
};

interface FunctionRow {
  readonly functionName: string;
  readonly tasks: number;
  readonly inputBytes: number;
  readonly outputBytes: number;
  /** By resource key. */
  readonly execMs: Record<string, number>;
}

interface Report {
  readonly bySla: {
    readonly sla: string;
    readonly functions: FunctionRow[];
    readonly startupMs: Record<string, { cold: number; warm: number }>;
    readonly transferMs: { direction: 'download' | 'upload'; sizeBytes: number; byResources: Record<string, number> }[];
  }[];
}

function buildReport(workflow: Workflow, predictions: Predictions, slas: readonly Sla[], configs: readonly ResourceConfig[]): Report {
  return {
    bySla: slas.map((sla) => {
      const sizes = predictTaskSizes(workflow, predictions, sla);
      const byFunction = new Map<string, number[]>();
      for (const task of workflow.tasks.values()) {
        const list = byFunction.get(task.functionName) ?? [];
        list.push(sizes.get(task.id)!.inputBytes);
        byFunction.set(task.functionName, list);
      }
      // One row per function, at the median input its tasks are predicted to get.
      const functions = [...byFunction].map(([functionName, inputs]): FunctionRow => {
        const inputBytes = Math.round(median(inputs));
        return {
          functionName,
          tasks: inputs.length,
          inputBytes,
          outputBytes: predictions.outputBytes(functionName, inputBytes, sla),
          execMs: Object.fromEntries(configs.map((c) => [resourceKey(c), predictions.execMs(functionName, inputBytes, c, sla)])),
        };
      });
      const startupMs = Object.fromEntries(
        configs.map((c) => [resourceKey(c), { cold: predictions.startupMs(c, 'cold', sla), warm: predictions.startupMs(c, 'warm', sla) }]),
      );
      const transferMs = (['download', 'upload'] as const).flatMap((direction) =>
        TRANSFER_SIZES_BYTES.map((sizeBytes) => ({
          direction,
          sizeBytes,
          byResources: Object.fromEntries(configs.map((c) => [resourceKey(c), predictions.transferMs(direction, sizeBytes, c, sla)])),
        })),
      );
      return { sla: formatSla(sla), functions, startupMs, transferMs };
    }),
  };
}

function printReport(workflow: Workflow, source: string, runCount: number, report: Report, configs: readonly ResourceConfig[]): void {
  const keys = configs.map(resourceKey);
  console.log(`${workflow.name}: ${workflow.tasks.size} tasks; predictions from ${runCount} run(s) (${source})`);
  for (const part of report.bySla) {
    console.log(`\nSLA ${part.sla}: execution time (ms) per function at its predicted input`);
    console.log(
      formatTable(
        ['function', 'tasks', 'input', 'output', ...keys.map((k) => `exec ${k}`)],
        part.functions.map((f) => [f.functionName, f.tasks, formatBytes(f.inputBytes), formatBytes(f.outputBytes), ...keys.map((k) => f.execMs[k]!)]),
      ),
    );
    console.log(`\nSLA ${part.sla}: worker start-up and transfer time (ms)`);
    console.log(
      formatTable(
        ['quantity', ...keys],
        [
          ['cold start', ...keys.map((k) => part.startupMs[k]!.cold)],
          ['warm start', ...keys.map((k) => part.startupMs[k]!.warm)],
          ...part.transferMs.map((t) => [`${t.direction} ${formatBytes(t.sizeBytes)}`, ...keys.map((k) => t.byResources[k]!)]),
        ],
      ),
    );
  }
}
