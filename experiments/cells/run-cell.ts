import { compareCellName, runCompareCell } from '../compare/compare-cell.js';
import type { WorkflowSources } from '../compare/workflows.js';
import { ToolkitMismatchError, type Cell, type CellJob, type CellResult } from './cell.js';
import { stampMismatch } from './toolkit-stamp.js';

/** Options of `runCell` that only an in-process caller can give (they are not plain data). */
export interface RunCellOptions {
  /** Imported workflows already loaded by the caller (compare); a worker loads them from their paths. */
  readonly workflowSources?: WorkflowSources;
}

/** Runs one cell of any kind in this process. */
export async function runCell(cell: Cell, options: RunCellOptions = {}): Promise<CellResult> {
  switch (cell.kind) {
    case 'compare':
      return runCompareCell(cell, options.workflowSources);
  }
}

/**
 * Runs a cell that came from another thread or machine: first checks that it was made by this very toolkit (name,
 * version and code fingerprint), since a cell run by other code would give other bytes; a mismatch throws a
 * `ToolkitMismatchError` whose message is the one line to show.
 */
export async function runCellJob(job: CellJob): Promise<CellResult> {
  const mismatch = stampMismatch(job.toolkit);
  if (mismatch) throw new ToolkitMismatchError(mismatch);
  return runCell(job.cell);
}

/** How progress and errors name a cell (`text_analysis median uniform+opt`). */
export function cellName(cell: Cell): string {
  switch (cell.kind) {
    case 'compare':
      return compareCellName(cell);
  }
}
