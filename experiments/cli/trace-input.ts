import { allRunProblems } from '../../traces/run-checks.js';
import { formatTraceLineError, readTraces, type TraceReadResult } from '../../traces/trace-io.js';
import { groupRuns } from '../../traces/trace-runs.js';
import { UsageError } from './errors.js';
import { checkInputPath } from './paths.js';

/** How a command reads a trace input. */
export interface TraceInputOptions {
  /**
   * Print every invalid line as `file:line: field 'x': problem` on stderr (the valid records still count), and every
   * whole-run problem (`traces/run-checks.ts`) as a warning.
   */
  readonly reportBadLines?: boolean;
  /**
   * The command needs runs (a history to learn from, a run to draw): an input without any is an error saying what
   * it lacks — empty, every line invalid, or records without a `run` header — instead of a later "no samples for …".
   */
  readonly requireRuns?: boolean;
}

/**
 * What a trace input lacks to hold a run, or undefined when it has at least one run header: empty, every line
 * invalid, or records without their header.
 */
export function missingRuns(path: string, read: TraceReadResult): string | undefined {
  if (read.records.some((r) => r.type === 'run')) return undefined;
  if (read.records.length === 0 && read.errors.length === 0) return `'${path}' holds no trace records (it is empty)`;
  if (read.records.length === 0) return `'${path}' holds no valid trace record (${read.errors.length} invalid line(s)); \`bench traces validate ${path}\` lists them`;
  return `'${path}' holds ${read.records.length} record(s) but no run header (a 'run' record), so they belong to no run; a history is written by \`bench traces generate\`, \`traces collect\` or \`simulate --trace-out\``;
}

/**
 * Reads a trace file or folder given on the command line (`--history`, `traces validate PATH`): a missing or
 * unreadable path, or a folder without `.jsonl` files, is one line naming the option; see `TraceInputOptions`.
 */
export async function readTraceInput(path: string, label?: string, options: TraceInputOptions = {}): Promise<TraceReadResult> {
  checkInputPath(path, label, 'file-or-directory');
  const prefix = label === undefined ? '' : `${label}: `;
  let read: TraceReadResult;
  try {
    read = await readTraces(path);
  } catch (error) {
    // readTraces's own messages ('trace directory … has no .jsonl files'); file-system errors keep their code.
    if (error instanceof Error && /^trace (source|directory) /.test(error.message)) throw new UsageError(`${prefix}${error.message}`);
    throw error;
  }
  if (options.reportBadLines) {
    for (const error of read.errors) console.error(formatTraceLineError(error));
    for (const problem of allRunProblems(groupRuns(read.records).runs)) console.error(`warning: ${path}: ${problem.message}`);
  }
  if (options.requireRuns) {
    const missing = missingRuns(path, read);
    if (missing !== undefined) throw new UsageError(`${prefix}${missing}`);
  }
  return read;
}

/**
 * Refuses a history whose runs of the workflow at hand recorded no task (every task line invalid, or header and end
 * alone): predictions would fail later with "no samples for …" naming a function, not the file.
 * @throws UsageError naming the option, the file and what to run to see why
 */
export function requireTaskRecords(runs: readonly { readonly tasks: readonly unknown[] }[], path: string, workflow: string, label = '--history'): void {
  if (runs.length === 0 || runs.some((run) => run.tasks.length > 0)) return;
  throw new UsageError(
    `${label} '${path}': its ${runs.length} run(s) of '${workflow}' hold no task records, so there is nothing to predict from; \`bench traces validate ${path}\` shows why`,
  );
}
