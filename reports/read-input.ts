import { readFile } from 'node:fs/promises';
import { parseCompareResults, type CompareResults } from '../core/compare-results.js';
import { checkTraceRecord, type RunEnd, type RunHeader, type TaskRecord, type TraceRecord, type TraceRun, type WorkerRecord } from '../core/trace-records.js';

/** What a report is made from: the results of `bench compare`, or the trace records of one or more runs. */
export type ReportInput =
  | { readonly kind: 'compare'; readonly file: string; readonly results: CompareResults }
  | { readonly kind: 'trace'; readonly file: string; readonly runs: readonly TraceRun[] };

/** An input file that cannot be read as either kind; the message names the file and, for traces, line and field. */
export class ReportInputError extends Error {
  override readonly name = 'ReportInputError';
}

/**
 * Reads a report's input. A file whose whole text is one JSON object with `aggregates` is compare results (validated
 * field by field); anything else is read as trace records in JSON Lines, one record per line. The file's name does
 * not decide, so results saved as `.txt` or traces saved as `.json` still work.
 */
export async function readReportInput(file: string): Promise<ReportInput> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ReportInputError(`cannot read '${file}': ${(e as Error).message}`);
  }
  const whole = tryParseJson(text);
  if (whole !== undefined && typeof whole === 'object' && whole !== null && !Array.isArray(whole) && 'aggregates' in whole) {
    return { kind: 'compare', file, results: parseCompareResults(whole, file) };
  }
  return { kind: 'trace', file, runs: parseTraceRuns(text, file) };
}

/** Reads trace records (JSON Lines) from a file: every run it holds, grouped by `runId`. */
export async function readTraceRunsFile(file: string): Promise<TraceRun[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ReportInputError(`cannot read '${file}': ${(e as Error).message}`);
  }
  return parseTraceRuns(text, file);
}

function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Parses JSON Lines trace text into runs. Strict: a report drawn from a partly unreadable trace would silently
 * misstate the run, so the first invalid line is an error naming file, line and field.
 */
export function parseTraceRuns(text: string, file: string): TraceRun[] {
  const records: TraceRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw new ReportInputError(`${file}:${i + 1}: neither compare results (one JSON object) nor a trace record: invalid JSON (${(e as Error).message})`);
    }
    const checked = checkTraceRecord(value);
    if (!checked.ok) {
      const p = checked.problems[0]!;
      throw new ReportInputError(`${file}:${i + 1}:${p.field ? ` field '${p.field}':` : ''} ${p.message}`);
    }
    records.push(checked.record);
  }
  const runs = groupByRun(records, file);
  if (runs.length === 0) throw new ReportInputError(`${file}: no runs (no 'run' header record)`);
  return runs;
}

/** Groups records by run; a record of a run without a header is an error (the header says what the run was). */
function groupByRun(records: readonly TraceRecord[], file: string): TraceRun[] {
  const byId = new Map<string, { header: RunHeader; tasks: TaskRecord[]; workers: WorkerRecord[]; end?: RunEnd }>();
  for (const record of records) {
    if (record.type === 'run') {
      if (!byId.has(record.runId)) byId.set(record.runId, { header: record, tasks: [], workers: [] });
      continue;
    }
    const run = byId.get(record.runId);
    if (!run) throw new ReportInputError(`${file}: ${record.type} record of run '${record.runId}' comes before (or without) its run header`);
    if (record.type === 'task') run.tasks.push(record);
    else if (record.type === 'worker') run.workers.push(record);
    else run.end = record;
  }
  return [...byId.values()].map((r) => ({ header: r.header, tasks: r.tasks, workers: r.workers, ...(r.end ? { end: r.end } : {}) }));
}
