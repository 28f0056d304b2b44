import type { CompareCell, CompareCellResult } from '../compare/compare-cell.js';
import type { LoadCell, LoadCellResult } from '../load/load-cell.js';
import type { ToolkitStamp } from './toolkit-stamp.js';

/**
 * A cell of any experiment: plain data in (serialisable, no closures), run anywhere with `runCell`. Each experiment
 * kind adds its cell type to this union (compare and load now; faults and validate simulations as they land).
 */
export type Cell = CompareCell | LoadCell;

/** A cell's result: plain data out, merged by the experiment in matrix order. */
export type CellResult = CompareCellResult | LoadCellResult;

/** A cell as it travels to another thread or machine: with the stamp of the toolkit that made it. */
export interface CellJob {
  readonly toolkit: ToolkitStamp;
  readonly cell: Cell;
}

/** A cell refused because the worker's toolkit differs from the one that made the cell (a permanent failure). */
export class ToolkitMismatchError extends Error {
  override readonly name = 'ToolkitMismatchError';
}
