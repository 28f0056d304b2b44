import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { ConfigError } from '../../core/errors.js';
import type { TraceArrival } from '../../simulator/arrivals.js';

/**
 * Reads a trace of arrivals: a CSV file with a header `timeMs,workflow` (columns in any order, more are ignored) and
 * one row per request, times in ms from the start, not decreasing. Every problem is an error naming `file:line`.
 */
export async function readArrivalsCsv(path: string): Promise<TraceArrival[]> {
  const text = await readFile(path, 'utf8');
  return parseArrivalsCsv(text, path);
}

/** Parses the text of an arrivals CSV (see `readArrivalsCsv`); `label` names it in errors. */
export function parseArrivalsCsv(text: string, label: string): TraceArrival[] {
  let rows: string[][];
  try {
    rows = parse(text, { skip_empty_lines: true, trim: true, relax_column_count: true }) as string[][];
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw new ConfigError(`${label}${line ? `:${line}` : ''}: not valid CSV (${(error as Error).message})`);
  }
  const header = rows[0];
  if (!header) throw new ConfigError(`${label}: no arrivals (expected a header 'timeMs,workflow' and one row per request)`);
  const timeAt = header.indexOf('timeMs');
  const workflowAt = header.indexOf('workflow');
  if (timeAt < 0 || workflowAt < 0) throw new ConfigError(`${label}:1: the header must name the columns timeMs and workflow, got '${header.join(',')}'`);
  if (rows.length < 2) throw new ConfigError(`${label}: no arrivals after the header`);
  // Line numbers count from the header (line 1); empty lines are skipped by the parser, so number them by content.
  const lines = text.split(/\r?\n/).map((l, i) => [l.trim(), i + 1] as const).filter(([l]) => l.length > 0).map(([, n]) => n);
  const arrivals: TraceArrival[] = [];
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r]!;
    const where = `${label}:${lines[r] ?? r + 1}`;
    const timeText = row[timeAt];
    const workflow = row[workflowAt];
    const timeMs = timeText === undefined || timeText === '' ? Number.NaN : Number(timeText);
    if (!(Number.isFinite(timeMs) && timeMs >= 0)) throw new ConfigError(`${where}: timeMs must be a number of ms >= 0, got '${timeText ?? ''}'`);
    if (!workflow) throw new ConfigError(`${where}: workflow is empty`);
    const previous = arrivals[arrivals.length - 1];
    if (previous && timeMs < previous.timeMs) throw new ConfigError(`${where}: times must not decrease (${timeMs} after ${previous.timeMs})`);
    arrivals.push({ timeMs, workflow });
  }
  return arrivals;
}
