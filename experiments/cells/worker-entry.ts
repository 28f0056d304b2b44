/**
 * What a worker thread of the cell pool runs (piscina's task function): a `CellJob` in, a `CellOutcome` out. Loaded by
 * bin/cell-worker.js, from the CLI bundle (dist/cli/cell-worker.js) or from this source through tsx. The toolkit stamp
 * is checked by whoever takes a cell from another machine (`bench worker`'s main thread), not here: a thread loads the
 * code its process loaded.
 */
import type { CellJob } from './cell.js';
import { captureOutcome, type CellOutcome } from './cell-outcome.js';
import { runCell } from './run-cell.js';

/** Runs one cell job in this worker thread. */
export default function runCellInWorker(job: CellJob): Promise<CellOutcome> {
  return captureOutcome(() => runCell(job.cell));
}
