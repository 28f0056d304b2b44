import { formatTraceLineError, readTraces, type TraceReadResult } from '../../traces/trace-io.js';
import { UsageError } from './errors.js';
import { checkInputPath } from './paths.js';

/**
 * Reads a trace file or folder given on the command line (`--history`, `traces validate PATH`): a missing or
 * unreadable path, or a folder without `.jsonl` files, is one line naming the option; with `reportBadLines`, every
 * invalid line is printed as `file:line: field 'x': problem` and skipped (the valid records still count).
 */
export async function readTraceInput(path: string, label?: string, options: { reportBadLines?: boolean } = {}): Promise<TraceReadResult> {
  checkInputPath(path, label, 'file-or-directory');
  let read: TraceReadResult;
  try {
    read = await readTraces(path);
  } catch (error) {
    // readTraces's own messages ('trace directory … has no .jsonl files'); file-system errors keep their code.
    if (error instanceof Error && /^trace (source|directory) /.test(error.message)) throw new UsageError(`${label === undefined ? '' : `${label}: `}${error.message}`);
    throw error;
  }
  if (options.reportBadLines) for (const error of read.errors) console.error(formatTraceLineError(error));
  return read;
}
