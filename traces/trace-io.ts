import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { checkTraceRecord, type TraceRecord } from '../core/trace-records.js';
import { writeFileAtomic } from './atomic-write.js';

/** A line of a trace file that could not be read: where it is, which field, what is wrong. */
export interface TraceLineError {
  readonly file: string;
  /** 1-based line number. */
  readonly line: number;
  /** Dotted field path, or empty when the whole line is at fault. */
  readonly field: string;
  readonly message: string;
}

/** What reading a trace source yields: every valid record, and every invalid line. A bad line never drops a good one. */
export interface TraceReadResult {
  readonly records: TraceRecord[];
  readonly errors: TraceLineError[];
}

/** Formats an error as `file:line: field 'x': message` (the form the CLI prints). */
export function formatTraceLineError(error: TraceLineError): string {
  const field = error.field === '' ? '' : ` field '${error.field}':`;
  return `${error.file}:${error.line}:${field} ${error.message}`;
}

/** Thrown by strict reads: carries every line error, and the records that were valid. */
export class TraceReadFailure extends Error {
  override readonly name = 'TraceReadFailure';
  constructor(readonly errors: readonly TraceLineError[], readonly records: readonly TraceRecord[]) {
    const shown = errors.slice(0, 10).map(formatTraceLineError);
    const more = errors.length > shown.length ? [`... and ${errors.length - shown.length} more`] : [];
    super([`${errors.length} invalid trace line(s):`, ...shown, ...more].join('\n'));
  }
}

/** Validates one line of text; `undefined` for a blank line. */
export function parseTraceLine(text: string, file: string, line: number): { record: TraceRecord } | { error: TraceLineError } | undefined {
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { error: { file, line, field: '', message: `invalid JSON (${(e as Error).message})` } };
  }
  const checked = checkTraceRecord(value);
  if (checked.ok) return { record: checked.record };
  const first = checked.problems[0]!;
  const rest = checked.problems.length > 1 ? ` (and ${checked.problems.length - 1} more problem(s) on this line)` : '';
  return { error: { file, line, field: first.field, message: first.message + rest } };
}

/** Reads trace records from text already in memory (tests, stdin). */
export function parseTraceText(text: string, file = '<input>'): TraceReadResult {
  const records: TraceRecord[] = [];
  const errors: TraceLineError[] = [];
  text.split('\n').forEach((line, index) => {
    const parsed = parseTraceLine(line, file, index + 1);
    if (parsed === undefined) return;
    if ('record' in parsed) records.push(parsed.record);
    else errors.push(parsed.error);
  });
  return { records, errors };
}

/** Streams one JSON Lines file, validating every line; memory holds the records, not the file's text. */
export async function readTraceFile(file: string): Promise<TraceReadResult> {
  const records: TraceRecord[] = [];
  const errors: TraceLineError[] = [];
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    const parsed = parseTraceLine(line, file, lineNumber);
    if (parsed === undefined) continue;
    if ('record' in parsed) records.push(parsed.record);
    else errors.push(parsed.error);
  }
  return { records, errors };
}

/**
 * Reads a trace file, or every `*.jsonl` file of a directory in name order. With `strict`, any invalid line throws a
 * `TraceReadFailure` that still carries the valid records.
 */
export async function readTraces(path: string, options: { strict?: boolean } = {}): Promise<TraceReadResult> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new Error(`trace source '${path}' does not exist`);
  }
  const files = info.isDirectory()
    ? (await readdir(path)).filter((f) => f.endsWith('.jsonl')).sort().map((f) => join(path, f))
    : [path];
  if (info.isDirectory() && files.length === 0) throw new Error(`trace directory '${path}' has no .jsonl files`);
  const records: TraceRecord[] = [];
  const errors: TraceLineError[] = [];
  for (const file of files) {
    const result = await readTraceFile(file);
    records.push(...result.records);
    errors.push(...result.errors);
  }
  if (options.strict && errors.length > 0) throw new TraceReadFailure(errors, records);
  return { records, errors };
}

/**
 * Serializes records as JSON Lines. Each record is validated first (an invalid record throws, naming its index and
 * field) and re-emitted with keys in schema order, so equal records always give equal bytes.
 */
export function serializeTraceRecords(records: readonly TraceRecord[]): string {
  const lines: string[] = [];
  records.forEach((record, index) => {
    const checked = checkTraceRecord(record);
    if (!checked.ok) {
      const p = checked.problems[0]!;
      throw new Error(`trace record #${index} (${record.type}): field '${p.field}': ${p.message}`);
    }
    lines.push(JSON.stringify(checked.record));
  });
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}

/**
 * Writes records to a JSON Lines file atomically (temporary file, then rename), so an interrupted write never leaves
 * a half-written file in place of one that was complete.
 */
export async function writeTraceFile(file: string, records: readonly TraceRecord[]): Promise<void> {
  await writeFileAtomic(file, serializeTraceRecords(records));
}
