import type { RunCellOptions } from './run-cell.js';
import { runCell } from './run-cell.js';
import type { CellExecutor } from './executor.js';
import type { CellResult } from './cell.js';

/** Runs cells one after another in this process (`--jobs 1`): the reference every other executor must match byte for byte. */
export function inProcessExecutor(options: RunCellOptions = {}): CellExecutor {
  return {
    description: 'in process',
    async run(cells, onCellDone) {
      const results: CellResult[] = [];
      for (const [index, cell] of cells.entries()) {
        const result = await runCell(cell, options);
        results.push(result);
        onCellDone?.(index, result);
      }
      return results;
    },
  };
}
