import type { Cell, CellResult } from './cell.js';

/** Called as each cell finishes, in whatever order cells finish; `index` is the cell's place in the matrix. */
export type CellDoneListener = (index: number, result: CellResult) => void;

/**
 * Runs a list of cells somewhere (this process, a worker-thread pool, a Redis queue) and returns their results in the
 * order of the list, whatever order they finished in, so the merged output does not depend on where cells ran.
 */
export interface CellExecutor {
  /** `in-process`, `2 worker threads`, `queue redis://…`: for the summary line. */
  readonly description: string;
  run(cells: readonly Cell[], onCellDone?: CellDoneListener): Promise<CellResult[]>;
  /** Lets go of what the executor holds beyond a run (a queue's Redis connections). */
  close?(): Promise<void>;
}
