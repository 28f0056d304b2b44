import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { CellJob, CellResult } from './cell.js';
import { inProcessExecutor } from './in-process.js';
import { cellOutcomeValue, type CellOutcome } from './cell-outcome.js';
import type { CellExecutor } from './executor.js';
import { cellName } from './run-cell.js';
import { toolkitStamp } from './toolkit-stamp.js';

/** `--jobs` default: one worker thread per core the process may use. */
export function defaultJobs(): number {
  return availableParallelism();
}

/** bin/cell-worker.js, the worker threads' entry (it loads the bundle or the sources, as the CLI was loaded). */
function workerEntry(): string {
  return fileURLToPath(new URL('../../bin/cell-worker.js', import.meta.url));
}

/** A pool of worker threads running cell jobs (piscina): the local `--jobs N` executor and `bench worker` use it. */
export interface CellPool {
  run(job: CellJob): Promise<CellOutcome>;
  destroy(): Promise<void>;
}

/**
 * Starts `threads` worker threads (piscina). Each takes the next job as soon as it is free, so cells of unequal cost
 * balance themselves, and each builds a matrix's shared context (histories, truth) once and reuses it.
 */
export function startCellPool(threads: number): CellPool {
  const pool = new Piscina<CellJob, CellOutcome>({ filename: workerEntry(), minThreads: threads, maxThreads: threads, idleTimeout: 60_000 });
  return { run: (job) => pool.run(job), destroy: () => pool.destroy() };
}

/**
 * Runs cells on up to `jobs` worker threads (no more threads than cells; one cell runs in this process). Results come
 * back in the order of the list. The first failed cell fails the run, and the pool is shut down either way.
 */
export function poolExecutor(jobs: number): CellExecutor {
  return {
    description: `${jobs} worker thread(s)`,
    async run(cells, onCellDone) {
      const threads = Math.min(jobs, cells.length);
      if (threads <= 1) return inProcessExecutor().run(cells, onCellDone);
      const toolkit = toolkitStamp();
      const pool = startCellPool(threads);
      try {
        return await Promise.all(
          cells.map(async (cell, index): Promise<CellResult> => {
            const result = cellOutcomeValue(await pool.run({ toolkit, cell }), cellName(cell));
            onCellDone?.(index, result);
            return result;
          }),
        );
      } finally {
        await pool.destroy();
      }
    },
  };
}
