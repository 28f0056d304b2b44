import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { buildCompareMatrix, DEFAULT_COMPARE_PLANNERS, DEFAULT_COMPARE_RUNS, DEFAULT_HISTORY_RUNS } from '../../compare/build-matrix.js';
import { compareCsv } from '../../compare/csv.js';
import { formatHeadline, headlineMatrix, headlineReport, HEADLINE_RUNS, type HeadlineRoles } from '../../compare/headline.js';
import type { CompareMatrix } from '../../compare/matrix.js';
import { formatCompareTables } from '../../compare/report-table.js';
import { compareSteps, runCompare } from '../../compare/runner.js';
import type { WorkflowSources } from '../../compare/workflows.js';
import { workloadNames } from '../../../traces/workloads/registry.js';
import { UsageError } from '../errors.js';
import { checkPathOptions } from '../paths.js';
import { startProgress } from '../progress.js';
import { factorsOption, listOption, numberListOption, resourcesOption, seedOption, slaOption, writeJsonOut, writeTextOut } from '../options.js';
import { TRUTH_CHOICES, type TruthChoice } from '../../../core/compare-results.js';
import { DEFAULT_HOLDOUT_FRACTION } from '../../compare/truth.js';
import { printReportOutput } from './report.js';
import { cellExecutor, cpuSeconds, etaClock } from '../cell-options.js';
import type { CellExecutor } from '../../cells/executor.js';

/** Experiments `--experiment` can name. */
export const COMPARE_EXPERIMENTS = ['headline'] as const;

interface CompareArgs {
  workloads?: string[];
  workflow?: string[];
  noise?: number;
  planners?: string[];
  optimizations?: string[];
  sla?: string;
  resources?: string;
  runs?: number;
  'history-runs'?: number;
  seed: string;
  history?: string;
  platform?: string;
  json: boolean;
  'json-out'?: string;
  csv: boolean;
  'csv-out'?: string;
  experiment?: string;
  progress?: boolean;
  report?: string;
  truth?: string;
  holdout?: number;
  'replay-run'?: string;
  'prediction-error'?: string[];
  'prediction-bias'?: number;
  'belief-scale'?: string[];
  jobs?: number;
  queue?: string;
  sweep?: string;
  resume?: string;
}

/**
 * `bench compare`: plans every workload with every planner variant, simulates each plan several times and prints
 * per workload the metrics as mean ± std and their change against WUKONG; `--workflow FILE` (repeatable) adds
 * imported WfCommons workflows as workloads; `--experiment headline` reproduces the reference system's headline
 * comparison.
 */
export const compareCommand: CommandModule<object, CompareArgs> = {
  command: 'compare',
  describe: 'Compare planners across workloads: plan once, simulate several runs, print mean ± std and Δ% vs wukong',
  builder: (y: Argv) =>
    y
      .option('workloads', { alias: 'w', type: 'string', array: true, describe: `workloads, comma list or repeated (default: all: ${workloadNames().join(', ')})` })
      .option('workflow', {
        type: 'string',
        array: true,
        describe: 'WfFormat file or `bench import wfcommons` directory compared as a workload with its imported history (repeatable; without --workloads, instead of the built-in ones)',
      })
      .option('noise', { type: 'number', describe: 'with --workflow and --history-runs: execution-time CV of the synthetic runs added to an imported history (default 0.1)' })
      .option('planners', { alias: 'p', type: 'string', array: true, describe: `planner names or module paths (default: ${DEFAULT_COMPARE_PLANNERS.join(',')})` })
      .option('optimizations', {
        alias: 'O',
        type: 'string',
        array: true,
        describe: "one choice per flag: 'none', 'all' or a comma list of passes (default: each planner with none and with all)",
      })
      .option('sla', { type: 'string', describe: 'SLA(s) planned for, comma list (default: median; headline: median,p75,p90)' })
      .option('resources', { type: 'string', describe: "memory MB[:vCPUs] list given to every planner (default: each planner's own)" })
      .option('runs', { alias: 'n', type: 'number', describe: `simulated runs per workload, SLA and variant (default ${DEFAULT_COMPARE_RUNS}; headline ${HEADLINE_RUNS})` })
      .option('history-runs', {
        type: 'number',
        describe: `runs of each generated history (default ${DEFAULT_HISTORY_RUNS}); for --workflow, the recorded run plus N-1 seeded synthetic ones (default: the imported history)`,
      })
      .option('seed', { alias: 's', type: 'string', default: '1', describe: 'seed of histories and simulations' })
      .option('history', { type: 'string', describe: 'trace file or directory to predict from (default: a generated history per workload)' })
      .option('platform', { type: 'string', describe: 'JSON file overriding platform-model defaults' })
      .option('truth', {
        type: 'string',
        describe: `what plans are graded against: ${TRUTH_CHOICES.join(', ')} (default auto: held-out recorded runs when the history has them, else fresh draws from the workload's own model; predictions is self-evaluation)`,
      })
      .option('holdout', { type: 'number', describe: `runs of each history held out from training for replay (default: ${DEFAULT_HOLDOUT_FRACTION * 100}% of a recorded history, none of a generated one unless --truth replay)` })
      .option('replay-run', { type: 'string', describe: "the one run to hold out and replay (default for an imported instance: its recorded run)" })
      .option('prediction-error', {
        type: 'string',
        array: true,
        describe: 'plan on a belief perturbed per function by log-normal error of these CVs, comma list (e.g. 0,0.1,0.25,0.5; default 0)',
      })
      .option('prediction-bias', { type: 'number', describe: 'systematic bias of the perturbed belief (0.2: every function believed 20% slower; default 0)' })
      .option('belief-scale', { type: 'string', array: true, describe: "multiply one function's believed execution time, function=factor list (e.g. work=0.5)" })
      .option('json', { type: 'boolean', default: false, describe: 'print the results (and headline) as JSON on stdout instead of tables' })
      .option('json-out', { type: 'string', describe: 'also write the results (and headline) as JSON to this file' })
      .option('csv', { type: 'boolean', default: false, describe: 'print one row per workload, SLA and variant (means, stds, Δ%) as CSV on stdout instead of tables' })
      .option('csv-out', { type: 'string', describe: 'also write that CSV to this file' })
      .option('experiment', { type: 'string', describe: `a predefined experiment (${COMPARE_EXPERIMENTS.join(', ')})` })
      .option('report', { type: 'string', describe: 'also write a report for papers (CSV, Markdown, charts, HTML) to this folder, as `bench report` does' })
      .option('progress', { type: 'boolean', describe: 'progress on stderr (default: when stderr is a terminal; --no-progress: off)' })
      .option('jobs', { alias: 'j', type: 'number', describe: `cells run at once on worker threads (default: the number of cores, here ${availableParallelism()}; 1: in this process); the output is the same byte for byte` })
      .option('queue', { type: 'string', describe: 'run the cells on `bench worker` processes through a Redis job queue (redis://HOST:PORT) instead of here' })
      .option('sweep', { type: 'string', describe: 'with --queue: the sweep\'s name (default: derived from the matrix and toolkit, so the same command finds its earlier results)' })
      .option('resume', { type: 'string', describe: 'with --queue: resume the sweep of this name, collecting the cells done and enqueuing only the missing ones' }) as unknown as Argv<CompareArgs>,
  handler: async (args) => {
    checkPathOptions(args, { workflow: 'file-or-directory', history: 'file-or-directory', platform: 'file', 'json-out': 'output-file', 'csv-out': 'output-file', report: 'output-directory' });
    if (args.json && args.csv) throw new UsageError('give --json or --csv, not both: each is the whole of stdout (write the other with --json-out or --csv-out)');
    let log: (line: string) => void = (line) => console.error(line);
    const executor = await cellExecutor(args, { log: (line) => log(line) });
    try {
      await runCompareCommand(args, executor, (progressLog) => (log = progressLog));
    } finally {
      await executor?.close?.();
    }
  },
};

/** `bench compare` once its cells' executor is chosen; `onProgressLog` receives where notes go once progress is shown. */
async function runCompareCommand(args: CompareArgs, executor: CellExecutor | undefined, onProgressLog: (log: (line: string) => void) => void): Promise<void> {
  const slas = args.sla === undefined ? undefined : slaOption(args.sla);
  const seed = seedOption(args.seed);
  const workloads = args.workloads === undefined ? undefined : listOption(args.workloads);
  const common = {
    ...(workloads ? { workloads } : {}),
    ...(slas ? { slas } : {}),
    ...(args.runs !== undefined ? { runs: args.runs } : {}),
    ...(args['history-runs'] !== undefined ? { historyRuns: args['history-runs'] } : {}),
    ...(args.history ? { historyPath: args.history } : {}),
    ...(args.platform ? { platform: args.platform } : {}),
    ...(args.truth !== undefined ? { truth: args.truth as TruthChoice } : {}),
    ...(args.holdout !== undefined ? { holdout: args.holdout } : {}),
    ...(args['replay-run'] !== undefined ? { replayRun: String(args['replay-run']) } : {}),
    ...(args['prediction-error'] !== undefined ? { predictionErrors: numberListOption(args['prediction-error'], '--prediction-error') } : {}),
    ...(args['prediction-bias'] !== undefined ? { predictionBias: args['prediction-bias'] } : {}),
    ...(args['belief-scale'] !== undefined ? { beliefScale: factorsOption(args['belief-scale'], '--belief-scale') } : {}),
    seed,
  };

  let matrix: CompareMatrix;
  let notes: string[] = [];
  let roles: HeadlineRoles | undefined;
  let workflowSources: WorkflowSources | undefined;
  if (args.experiment !== undefined) {
    if (!(COMPARE_EXPERIMENTS as readonly string[]).includes(args.experiment)) {
      throw new UsageError(`unknown experiment '${args.experiment}' (experiments: ${COMPARE_EXPERIMENTS.join(', ')})`);
    }
    const imported = (['workflow', 'noise'] as const).filter((k) => args[k] !== undefined);
    if (imported.length > 0) {
      throw new UsageError(`--experiment ${args.experiment} compares the reference's built-in workloads; ${imported.map((k) => `--${k}`).join(' and ')} ${imported.length > 1 ? 'do' : 'does'} not apply`);
    }
    const fixed = (['planners', 'optimizations', 'resources'] as const).filter((k) => args[k] !== undefined);
    if (fixed.length > 0) throw new UsageError(`--experiment ${args.experiment} fixes ${fixed.map((k) => `--${k}`).join(', ')}; leave them out`);
    ({ matrix, roles } = headlineMatrix(common));
  } else {
    const optimizations = args.optimizations === undefined ? undefined : args.optimizations.map(String);
    const built = await buildCompareMatrix({
      ...common,
      ...(args.planners ? { planners: listOption(args.planners) } : {}),
      ...(optimizations ? { optimizations } : {}),
      ...(args.resources !== undefined ? { resources: resourcesOption(args.resources) } : {}),
      ...(args.workflow ? { workflows: args.workflow.map(String) } : {}),
      ...(args.noise !== undefined ? { noiseCv: args.noise } : {}),
    });
    ({ matrix, notes, workflowSources } = built);
    for (const line of built.warnings) console.error(`bench compare: ${line}`);
  }
  for (const note of notes) console.error(`bench compare: note: ${note}`);

  const cells = compareSteps(matrix);
  const progress = await startProgress('bench compare', { enabled: args.progress });
  onProgressLog((line) => progress.log(line));
  const cpuStart = process.cpuUsage();
  let results;
  try {
    const eta = etaClock();
    results = await runCompare(matrix, {
      onProgress: (p) => progress.update(`${p.variant ? `${p.workload} ${p.variant}` : p.workload}${eta.text(p.done, p.total)}`, p.done, p.total),
      onWarning: (message) => progress.log(`bench compare: warning: ${message}`),
      ...(workflowSources ? { workflowSources } : {}),
      ...(executor ? { executor } : {}),
    });
  } catch (error) {
    progress.stop();
    throw error;
  }
  progress.finish(
    `${cells} cell(s): ${matrix.workloads.length} workload(s) × ${matrix.slas.length} SLA(s) × ${matrix.variants.length} variant(s) × ${matrix.runs} run(s) on ${executor?.description ?? 'this thread'}, CPU ${cpuSeconds(process.cpuUsage(cpuStart)).toFixed(1)} s here`,
  );
  const headline = roles ? headlineReport(results, roles) : undefined;

  const json = headline ? { ...results, headline } : results;
  if (args['csv-out']) await writeTextOut(args['csv-out'], compareCsv(results));
  if (args['json-out']) await writeJsonOut(args['json-out'], json);
  if (args.report) {
    // Loaded here: the renderer (Vega, resvg) is the heaviest module of the CLI and only a report needs it.
    const { writeCompareReport } = await import('../../../reports/write-report.js');
    const output = await writeCompareReport(results, args.report, {
      source: join(args.report, 'results.json'),
      command: ['bench', ...process.argv.slice(2)].join(' '),
    });
    // With --json or --csv, stdout is the results alone, so the report's file list goes to stderr.
    if (args.json || args.csv) console.error(`bench compare: report written to ${output.dir}`);
    else printReportOutput(output, 'bench compare');
  }
  if (args.json) {
    console.log(JSON.stringify(json, null, 2));
    return;
  }
  if (args.csv) {
    process.stdout.write(compareCsv(results));
    return;
  }
  console.log(formatCompareTables(results));
  if (headline) console.log(`\n${formatHeadline(headline)}`);
  console.log(`\n${matrix.workloads.length} workload(s) × ${matrix.slas.length} SLA(s) × ${matrix.variants.length} variant(s) × ${matrix.runs} run(s) in ${(results.timing.totalMs / 1000).toFixed(1)} s; toolkit ${results.toolkit.name} ${results.toolkit.version}, seed ${String(seed)}`);
  if (args['csv-out']) console.log(`CSV: ${args['csv-out']}`);
  if (args['json-out']) console.log(`JSON: ${args['json-out']}`);
}
