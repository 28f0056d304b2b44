import type { Argv, CommandModule } from 'yargs';
import { CompareResultsError } from '../../../core/compare-results.js';
import { readReportInput, readTraceRunsFile, ReportInputError } from '../../../reports/read-input.js';
import { WIDTH_PT, type ChartWidth } from '../../../reports/specs/common.js';
import type { ReportOutput } from '../../../reports/write-report.js';
import { UsageError } from '../errors.js';
import { checkPath, checkPathOptions } from '../paths.js';
import { withProgress } from '../progress.js';

interface ReportArgs {
  results: string;
  out: string;
  width?: string;
  run?: string;
  real?: string;
  progress?: boolean;
}

/** Turns the reports' input errors (which name file, line and field) into messages the CLI prints without a stack. */
async function userFacing<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ReportInputError || error instanceof CompareResultsError) throw new UsageError(error.message);
    throw error;
  }
}

/** Parses `--width`: `single` (one column, ≈ 240 pt) or `double` (two columns, ≈ 500 pt). */
export function widthOption(value: string | undefined): ChartWidth | undefined {
  if (value === undefined) return undefined;
  if (value === 'single' || value === 'double') return value;
  throw new UsageError(`--width must be 'single' (${WIDTH_PT.single} pt) or 'double' (${WIDTH_PT.double} pt), got '${value}'`);
}

/**
 * A report's note as one line: its first sentence (the report itself, `report.md`, carries the whole text). A note
 * is written for a reader of the report; on the command line one line says what is missing.
 */
export function noteLine(note: string): string {
  const flat = note.replace(/\s+/g, ' ').trim();
  const end = flat.search(/[.!?](\s|$)/);
  const first = end < 0 ? flat : flat.slice(0, end + 1);
  return first.length < flat.length ? `${first} (details in report.md)` : first;
}

/** Prints what a report wrote, one line per kind of file; notes go to stderr as one line each, labelled by `command`. */
export function printReportOutput(output: ReportOutput, command = 'bench report'): void {
  for (const note of output.notes) console.error(`${command}: note: ${noteLine(note)}`);
  console.log(`report written to ${output.dir}: ${output.files.join(', ')}`);
}

/**
 * `bench report RESULTS --out DIR`: writes CSV, Markdown, Vega-Lite specs with SVG and PNG renderings, and one HTML
 * page from the JSON of `bench compare --json` or from a trace file (a single-run report with its Gantt chart).
 */
export const reportCommand: CommandModule<object, ReportArgs> = {
  command: 'report <results>',
  describe: 'Write a report for papers (CSV, Markdown, Vega-Lite → SVG/PNG, HTML) from compare results JSON or a trace .jsonl',
  builder: (y: Argv) =>
    y
      .positional('results', { type: 'string', demandOption: true, describe: 'results of `bench compare --json`, or a trace file (.jsonl)' })
      .option('out', { alias: 'o', type: 'string', demandOption: true, describe: 'output folder (created; files in it are overwritten)' })
      .option('width', { type: 'string', describe: "draw every chart for 'single' column (240 pt) or 'double' (500 pt) width" })
      .option('run', { type: 'string', describe: 'trace input: the run id to draw the Gantt chart of (default: the first run)' })
      .option('real', { type: 'string', describe: 'compare input: trace file of real runs to measure prediction error against' })
      .option('progress', { type: 'boolean', describe: 'progress on stderr (default: when stderr is a terminal; --no-progress: off)' }) as unknown as Argv<ReportArgs>,
  handler: async (args) => {
    const width = widthOption(args.width);
    // Loaded here, not at the top: the renderer (Vega, resvg) would slow `bench report --help` and every importer.
    const { writeCompareReport, writeTraceReport } = await import('../../../reports/write-report.js');
    checkPath(args.results, 'file');
    checkPathOptions(args, { out: 'output-directory', real: 'file' });
    const output = await withProgress(
      'bench report',
      args.progress,
      async (progress): Promise<ReportOutput> => {
        progress.update(`reading ${args.results}`);
        const input = await userFacing(() => readReportInput(args.results));
        const common = { source: args.results, ...(width ? { width } : {}) };
        if (input.kind === 'compare') {
          if (args.run !== undefined) throw new UsageError('--run names a run of a trace input; compare results have no traces');
          const realRuns = args.real === undefined ? undefined : await userFacing(() => readTraceRunsFile(args.real!));
          progress.update('drawing charts (Vega-Lite → SVG, PNG) and writing the report');
          return writeCompareReport(input.results, args.out, { ...common, ...(realRuns ? { realRuns } : {}) });
        }
        if (args.real !== undefined) throw new UsageError('--real is for compare results; put real runs in the trace file itself');
        progress.update('drawing charts (Vega-Lite → SVG, PNG) and writing the report');
        return userFacing(() => writeTraceReport(input.runs, args.out, { ...common, ...(args.run !== undefined ? { runId: args.run } : {}) }));
      },
      (output) => `${output.files.length} file(s) written to ${output.dir}`,
    );
    printReportOutput(output);
  },
};
