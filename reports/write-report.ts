import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CompareResults } from '../core/compare-results.js';
import type { TraceRun } from '../core/trace-records.js';
import { runsCsv, summaryCsv, tasksCsv, traceRunsCsv } from './csv.js';
import { renderHtml } from './html.js';
import { renderMarkdown, type ReportDocument, type ReportSection } from './markdown.js';
import { predictionErrorsFromCompare, predictionErrorsFromTraces, type PredictionErrorSample } from './prediction-error.js';
import { renderPng, renderSvg } from './render.js';
import type { ChartWidth, ReportChart } from './specs/common.js';
import { ganttData, ganttSpec } from './specs/gantt.js';
import { GB_SECONDS_BARS, MAKESPAN_BARS, metricBarsSpec } from './specs/metric-bars.js';
import { paretoSpec } from './specs/pareto.js';
import { predictionCdfSpec } from './specs/prediction-cdf.js';
import { comparisonTables, parameterTable, traceRunTable } from './tables.js';
import { isRealRun, summarizeTraceRun } from './trace-summary.js';

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
 * `runs.csv`, `summary.csv`, per chart its Vega-Lite spec, SVG and PNG, `report.md` and `report.html`.
 */
export async function writeCompareReport(results: CompareResults, dir: string, options: ReportOptions): Promise<ReportOutput> {
  const panels = new Set(results.aggregates.map((a) => `${a.workload}\u0000${a.sla}`)).size;
  const wide: ChartWidth = options.width ?? (panels > 2 ? 'double' : 'single');
  const baseline = results.matrix.baselinePlanner;
  const charts: ReportChart[] = [
    {
      name: 'makespan',
      title: 'Makespan per workload and planner',
      caption: `Bars: mean makespan over ${results.matrix.runs} simulated run(s) per planner; error bars: ± one sample standard deviation. Each panel has its own y scale.`,
      width: wide,
      spec: metricBarsSpec(results, MAKESPAN_BARS, wide),
    },
    {
      name: 'gb-seconds',
      title: 'Resource usage per workload and planner',
      caption: 'Bars: mean GB-s (memory × billed time of every worker) over runs; error bars: ± one sample standard deviation.',
      width: wide,
      spec: metricBarsSpec(results, GB_SECONDS_BARS, wide),
    },
    {
      name: 'cost-makespan',
      title: 'Cost against makespan',
      caption: 'Each planner at its mean over runs, whiskers ± one sample standard deviation. Filled: Pareto-optimal (no other planner is both faster and cheaper); hollow: dominated; dashed: the Pareto front.',
      width: wide,
      spec: paretoSpec(results, wide),
    },
  ];
  const notes: string[] = [];
  const samples = options.realRuns ? predictionErrorsFromCompare(results, options.realRuns) : [];
  const predictionSection = predictionErrorSection(samples, charts, options.width, notes, options.realRuns !== undefined);

  const doc: ReportDocument = {
    title: `Planner comparison: ${results.matrix.workloads.map((w) => w.name).join(', ')}`,
    intro: [
      `Toolkit ${results.toolkit.name} ${results.toolkit.version}, seed ${String(results.matrix.seed)}, ${results.matrix.runs} simulated run(s) per workload, SLA and planner.`,
      `Δ columns: change of the mean against the ${baseline} variant of the same workload and SLA (same optimizations when there is one).`,
    ],
    sections: [
      { heading: 'Regenerate', paragraphs: regenerateText(options, 'results.json'), code: regenerateCode(options, join(dir, 'results.json'), dir) },
      { heading: `Comparison against ${baseline}`, tables: comparisonTables(results) },
      { heading: 'Charts', charts: charts.filter((c) => c.name !== 'prediction-error') },
      predictionSection,
      { heading: 'Parameters', tables: [parameterTable(results, options.source)] },
      {
        heading: 'Data files',
        paragraphs: [
          '`runs.csv`: one row per simulated run, values as in the results. `summary.csv`: per workload, SLA and planner the mean, sample std (n − 1), p50 and p95 (linear interpolation, type 7) of each metric over completed runs.',
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
  await finish(doc, charts, write);
  return { dir, files, charts, notes };
}

/**
 * Writes the report of trace records to `dir`: `runs.csv` (one row per run), `tasks.csv` (one per task record), the
 * Gantt chart of one run, the prediction-error CDF when the trace holds real runs with simulated counterparts, and
 * `report.md` / `report.html`.
 */
export async function writeTraceReport(runs: readonly TraceRun[], dir: string, options: ReportOptions): Promise<ReportOutput> {
  const run = options.runId === undefined ? runs[0] : runs.find((r) => r.header.runId === options.runId);
  if (!run) throw new Error(`report: run '${options.runId}' is not in ${options.source} (runs: ${runs.map((r) => r.header.runId).join(', ')})`);
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
): ReportSection {
  if (samples.length === 0) {
    const text = hadRealRuns
      ? 'Prediction error (chart e) is not drawn: no real run matched a prediction (same workflow, planner and SLA).'
      : PREDICTION_SKIPPED;
    notes.push(text);
    return { heading: 'Prediction error', paragraphs: [text] };
  }
  const chart: ReportChart = {
    name: 'prediction-error',
    title: 'Prediction error',
    caption: `Empirical CDF of |predicted − observed| / observed over ${samples.length} sample(s) from ${new Set(samples.map((s) => s.realRunId)).size} real run(s): task execution times and makespans, per workflow and planner.`,
    width: width ?? 'single',
    spec: predictionCdfSpec(samples, width ?? 'single'),
  };
  charts.push(chart);
  return { heading: 'Prediction error', charts: [chart] };
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
