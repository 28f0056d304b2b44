import { compareCellName, runCompareCell } from '../compare/compare-cell.js';
import type { WorkflowSources } from '../compare/workflows.js';
import { loadCellName, runLoadCell } from '../load/load-cell.js';
import type { Cell, CellResult } from './cell.js';

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
    case 'load':
      return runLoadCell(cell, options.workflowSources);
  }
}

/** How progress and errors name a cell (`text_analysis median uniform+opt`). */
export function cellName(cell: Cell): string {
  switch (cell.kind) {
    case 'compare':
      return compareCellName(cell);
    case 'load':
      return loadCellName(cell);
  }
}
