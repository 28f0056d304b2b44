import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CompareResults } from '../core/compare-results.js';
import type { TraceRun } from '../core/trace-records.js';
import { compareCharts } from './compare-charts.js';
import { QUANTILE_DEFINITION } from './stats.js';
import { runsCsv, sensitivityCsv, summaryCsv, tasksCsv, traceRunsCsv, truthCsv } from './csv.js';
import { renderHtml } from './html.js';
import { renderMarkdown, type ReportDocument, type ReportSection } from './markdown.js';
import { ReportInputError } from './read-input.js';
import { predictionErrorsFromCompare, predictionErrorsFromTraces, realRunsOnOtherInstances, type PredictionErrorSample } from './prediction-error.js';
import { renderPng, renderSvg } from './render.js';
import type { ChartWidth, ReportChart } from './specs/common.js';
import { errorLevels, formatLevel } from './levels.js';
import { sensitivityTables } from './sensitivity.js';
import { ganttData, ganttSpec } from './specs/gantt.js';
import { predictionCdfSpec } from './specs/prediction-cdf.js';
import { compareTables, parameterTable, traceRunTable } from './tables.js';
import { isRealRun, summarizeTraceRun } from './trace-summary.js';
import { SELF_EVALUATION_LABEL, selfEvaluationWarning, truthOf, truthShort, truthTable } from './truth.js';

/** Options of a report. */
export interface ReportOptions {
  /** Where the input came from, as the reader should type it to regenerate the report. */
  readonly source: string;
  /** The command that produced the input and report, when known (`bench compare … --report DIR` records its own). */
  readonly command?: string;
  /** Draw every chart at this width instead of each chart's default (bars and scatter by panel count, Gantt double). */
  readonly width?: ChartWidth;
  /** Runs on a real platform to measure prediction error against (compare reports). */
  readonly realRuns?: readonly TraceRun[];
  /** The run a trace report draws the Gantt chart of (default: the first run in the file). */
  readonly runId?: string;
}

/** What a report wrote: every file (paths inside the output folder) and notes for the reader. */
export interface ReportOutput {
  readonly dir: string;
  readonly files: readonly string[];
  readonly charts: readonly ReportChart[];
  readonly notes: readonly string[];
}

const PREDICTION_SKIPPED =
  'Prediction error (chart e) is not drawn: the input holds simulated runs only. It needs runs on a real platform ' +
  '(trace headers whose `platform` is not `simulator:*` or `synthetic:*`): in a trace report, real runs next to ' +
  'simulated runs of the same workflow, planner and SLA; in a compare report, real runs given with `--real`.';

/**
 * Writes the report of a comparison to `dir`: `results.json` (the input, so the folder regenerates itself),
 * `runs.csv`, `summary.csv`, `truth.csv`, `sensitivity.csv` (several prediction-error levels only), per chart its
 * Vega-Lite spec, SVG and PNG, `report.md` and `report.html`.
 */
export async function writeCompareReport(results: CompareResults, dir: string, options: ReportOptions): Promise<ReportOutput> {
  const baseline = results.matrix.baselinePlanner;
  const { planners, sensitivity } = compareCharts(results, options.width);
  const charts: ReportChart[] = [...planners, ...(sensitivity ? [sensitivity] : [])];
  const notes: string[] = [];
  const samples = options.realRuns ? predictionErrorsFromCompare(results, options.realRuns) : [];
  // Real runs of another instance of their workload (gemm: 5 tasks in a real run, 17 by default) are no test of
  // the predictions: left out, and said so by name in the report and on the command line.
  const leftOut = options.realRuns ? realRunsOnOtherInstances(results, options.realRuns).lines.map((line) => `Left out of the prediction-error chart, another instance of the workload than the comparison's: ${line}.`) : [];
  notes.push(...leftOut);
  const predictionSection = predictionErrorSection(samples, charts, options.width, notes, options.realRuns !== undefined, leftOut);
  const selfEvaluation = selfEvaluationWarning(results);
  const levels = errorLevels(results);

  const doc: ReportDocument = {
    title: `Planner comparison: ${results.matrix.workloads.map((w) => w.name).join(', ')}`,
    warnings: selfEvaluation ? [{ label: SELF_EVALUATION_LABEL, text: selfEvaluation }] : [],
    intro: [
      `Toolkit ${results.toolkit.name} ${results.toolkit.version}, seed ${String(results.matrix.seed)}, ${results.matrix.runs} simulated run(s) per workload, SLA, prediction-error level and planner.`,
      `Graded against: ${results.matrix.workloads.map((w) => `${w.name}: ${truthShort(truthOf(results, w.name))}`).join('; ')} (see Truth and belief). ` +
        `Prediction-error levels: ${levels.map(formatLevel).join(', ')}${levels.length > 1 ? ' (every table per level; the bar and Pareto charts at the lowest)' : ''}.`,
      `Δ columns: change of the mean against the ${baseline} variant of the same workload, SLA and prediction-error level (same optimizations when there is one).`,
    ],
    sections: [
      { heading: 'Regenerate', paragraphs: regenerateText(options, 'results.json'), code: regenerateCode(options, join(dir, 'results.json'), dir) },
      { heading: 'Truth and belief', tables: [truthTable(results)] },
      { heading: `Comparison against ${baseline}`, paragraphs: [QUALITY_COLUMNS], tables: compareTables(results) },
      { heading: 'Charts', charts: planners },
      sensitivitySection(results, sensitivity),
      predictionSection,
      { heading: 'Parameters', tables: [parameterTable(results, options.source)] },
      {
        heading: 'Data files',
        paragraphs: [
          '`runs.csv`: one row per simulated run (keyed by workload, SLA, prediction-error level, variant and run), values as in the results, with the truth kind, the replayed run and the lower bounds of its truth draw. ' +
            "`summary.csv`: per workload, SLA, prediction-error level and planner the estimate error, SLA attainment, ratio to the lower bounds, the passes' own effect, and the mean, sample std (n − 1), p50 and p95 of each metric over completed runs. " +
            `Percentiles: ${QUANTILE_DEFINITION}. ` +
            '`truth.csv`: per workload the truth and the training runs.' +
            (sensitivity ? ' `sensitivity.csv`: the data of the sensitivity chart.' : ''),
        ],
      },
    ],
  };
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  const write = async (name: string, content: string | Buffer) => {
    await writeFile(join(dir, name), content);
    files.push(name);
  };
  await write('results.json', JSON.stringify(results, null, 2) + '\n');
  await write('runs.csv', runsCsv(results));
  await write('summary.csv', summaryCsv(results));
  await write('truth.csv', truthCsv(results));
  if (sensitivity) await write('sensitivity.csv', sensitivityCsv(results));
  await finish(doc, charts, write);
  return { dir, files, charts, notes };
}

const QUALITY_COLUMNS =
  'Per workload, SLA and prediction-error level two tables: the metrics against the baseline, then how each plan fared. ' +
  "est. err: the planner's estimated makespan against the graded mean (negative: it promised less than it got). " +
  'SLA met: share of runs (failed ones count as missed) within that estimate. ' +
  'makespan/LB, GB-s/LB: mean over completed runs of the metric over the lower bound of its truth draw (critical path at the strongest offered resources with free start-ups and transfers; total work at the cheapest). ' +
  'opt Δ: a variant with optimization passes against the same planner without them.';

/** The sensitivity chart and its table with several prediction-error levels; with one, how to get them. */
function sensitivitySection(results: CompareResults, chart: ReportChart | undefined): ReportSection {
  if (!chart) {
    return {
      heading: 'Prediction-error sensitivity',
      paragraphs: [`One prediction-error level (${errorLevels(results).map(formatLevel).join(', ')}) only, so there is no sensitivity to draw; \`bench compare --prediction-error 0,0.1,0.25,0.5\` plans each variant on increasingly wrong beliefs.`],
    };
  }
  return { heading: 'Prediction-error sensitivity', charts: [chart], tables: sensitivityTables(results) };
}

/**
 * Writes the report of trace records to `dir`: `runs.csv` (one row per run), `tasks.csv` (one per task record), the
 * Gantt chart of one run, the prediction-error CDF when the trace holds real runs with simulated counterparts, and
 * `report.md` / `report.html`.
 */
export async function writeTraceReport(runs: readonly TraceRun[], dir: string, options: ReportOptions): Promise<ReportOutput> {
  const run = options.runId === undefined ? runs[0] : runs.find((r) => r.header.runId === options.runId);
  if (!run) throw new ReportInputError(`--run: run '${options.runId}' is not in ${options.source} (runs there: ${runs.map((r) => r.header.runId).join(', ')})`);
  const summaries = runs.map(summarizeTraceRun);
  const { workers, bars } = ganttData(run);
  const gantt: ReportChart = {
      name: 'gantt',
      title: `Timeline of run ${run.header.runId}`,
      caption: `${run.header.workflow} planned by ${run.header.planner} (SLA ${run.header.sla}) on ${run.header.platform}: a row per worker (${workers.length}), ordered by invocation; ${bars.filter((b) => b.phase === 'execute').length} task executions. Execution is taken to start when a task's last input arrived (trace records do not store it).`,
      width: options.width ?? 'double',
      spec: ganttSpec(run, options.width ?? 'double'),
  };
  const charts: ReportChart[] = [gantt];
  const notes: string[] = [];
  const samples = predictionErrorsFromTraces(runs);
  const predictionSection = predictionErrorSection(samples, charts, options.width, notes, runs.some(isRealRun));
  const header = run.header;
  const doc: ReportDocument = {
    title: `Run report: ${header.workflow} (${header.runId})`,
    intro: [
      `${runs.length} run(s) in \`${options.source}\`. Gantt chart of \`${header.runId}\`: planner ${header.planner}, SLA ${header.sla}, platform ${header.platform}, seed ${header.seed === null ? 'none (real run)' : String(header.seed)}.`,
      ...(header.params ? [`Run parameters: ${Object.entries(header.params).map(([k, v]) => `${k}=${String(v)}`).join(', ')}.`] : []),
    ],
    sections: [
      { heading: 'Regenerate', paragraphs: regenerateText(options, options.source), code: regenerateCode(options, options.source, dir) },
      { heading: 'Runs', tables: [traceRunTable(summaries)] },
      { heading: 'Timeline', charts: [gantt] },
      predictionSection,
      {
        heading: 'Data files',
        paragraphs: ['`runs.csv`: one row per run, summarized from its records. `tasks.csv`: one row per task record (a retried task has one per attempt), transfers totalled.'],
      },
    ],
  };
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  const write = async (name: string, content: string | Buffer) => {
    await writeFile(join(dir, name), content);
    files.push(name);
  };
  await write('runs.csv', traceRunsCsv(runs));
  await write('tasks.csv', tasksCsv(runs));
  await finish(doc, charts, write);
  return { dir, files, charts, notes };
}

/** Adds the prediction-error chart when there are samples; otherwise says why it is missing (report and notes). */
function predictionErrorSection(
  samples: readonly PredictionErrorSample[],
  charts: ReportChart[],
  width: ChartWidth | undefined,
  notes: string[],
  hadRealRuns: boolean,
  leftOut: readonly string[] = [],
): ReportSection {
  if (samples.length === 0) {
    const text = hadRealRuns
      ? 'Prediction error (chart e) is not drawn: no real run matched a prediction (same workflow, instance, planner and SLA).'
      : PREDICTION_SKIPPED;
    notes.push(text);
    return { heading: 'Prediction error', paragraphs: [text, ...leftOut] };
  }
  const chart: ReportChart = {
    name: 'prediction-error',
    title: 'Prediction error',
    caption: `Empirical CDF of |predicted − observed| / observed over ${samples.length} sample(s) from ${new Set(samples.map((s) => s.realRunId)).size} real run(s): task execution times and makespans, per workflow and planner.`,
    width: width ?? 'single',
    spec: predictionCdfSpec(samples, width ?? 'single'),
  };
  charts.push(chart);
  return { heading: 'Prediction error', charts: [chart], ...(leftOut.length > 0 ? { paragraphs: [...leftOut] } : {}) };
}

function regenerateText(options: ReportOptions, input: string): string[] {
  return [
    `Every chart is drawn from \`${input}\` by the command below; the Vega-Lite specs (\`*.vl.json\`) carry their data inline and render alone.` +
      (options.command ? ` The input was produced by \`${options.command}\`.` : ''),
  ];
}

function regenerateCode(options: ReportOptions, input: string, dir: string): string {
  return `npx bench report ${input} --out ${dir}${options.width ? ` --width ${options.width}` : ''}${options.runId ? ` --run ${options.runId}` : ''}`;
}

/** Renders every chart (spec, SVG, PNG) and writes the Markdown and HTML pages. */
async function finish(doc: ReportDocument, charts: readonly ReportChart[], write: (name: string, content: string | Buffer) => Promise<void>): Promise<void> {
  const svgs = new Map<string, string>();
  for (const chart of charts) {
    const svg = await renderSvg(chart.spec);
    svgs.set(chart.name, svg);
    await write(`${chart.name}.vl.json`, JSON.stringify(chart.spec, null, 2) + '\n');
    await write(`${chart.name}.svg`, svg);
    await write(`${chart.name}.png`, renderPng(svg));
  }
  await write('report.md', renderMarkdown(doc));
  await write('report.html', renderHtml(doc, svgs));
}
