import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { CellJob, CellResult } from './cell.js';
import { cellOutcomeValue, type CellOutcome } from './cell-outcome.js';
import type { CellExecutor } from './executor.js';
import { cellName, runCell, type RunCellOptions } from './run-cell.js';
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
 * Starts `threads` worker threads (piscina), each running up to `tasksPerThread` cells queued at once (one computes,
 * the next waits in the thread, so it starts without a round trip through the main thread). Each builds a matrix's
 * shared context (histories, truth) once and reuses it.
 */
export function startCellPool(threads: number, tasksPerThread = 1): CellPool {
  const pool = new Piscina<CellJob, CellOutcome>({
    filename: workerEntry(),
    minThreads: threads,
    maxThreads: threads,
    concurrentTasksPerWorker: tasksPerThread,
    idleTimeout: 60_000,
  });
  return { run: (job) => pool.run(job), destroy: () => pool.destroy() };
}

/** Lets the event loop run (worker messages, progress) between two cells computed on this thread. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Runs cells on up to `jobs` threads: this one and up to `jobs - 1` worker threads (no more than there are cells
 * beyond the first). This thread takes part because its code is loaded and warm already: a worker thread costs a load
 * of the code, the shared context and a JIT warm-up of its own, about 1 s of CPU here, a large share of a sweep of a
 * few seconds. Each thread takes the next cell of the list when it is free, so cells of unequal cost balance
 * themselves; results come back in the order of the list. The first failed cell fails the run (no further cells are
 * started).
 */
export function poolExecutor(jobs: number, options: RunCellOptions = {}): CellExecutor {
  let pool: CellPool | undefined;
  let threads = 0;
  return {
    get description() {
      return `${threads + 1} thread(s) (this one and ${threads} worker thread(s))`;
    },
    async run(cells, onCellDone) {
      threads = Math.max(0, Math.min(jobs - 1, cells.length - 1));
      if (threads > 0) pool = startCellPool(threads, 2);
      const toolkit = toolkitStamp();
      const results: CellResult[] = new Array(cells.length);
      let next = 0;
      let failed = false;
      const take = () => (!failed && next < cells.length ? next++ : -1);
      const finish = (index: number, result: CellResult) => {
        results[index] = result;
        onCellDone?.(index, result);
      };
      const guarded = async (loop: () => Promise<void>) => {
        try {
          await loop();
        } catch (error) {
          failed = true;
          throw error;
        }
      };
      const here = async () => {
        for (let i = take(); i >= 0; i = take()) {
          finish(i, await runCell(cells[i]!, options));
          await yieldToEventLoop();
        }
      };
      // Two feeders per worker thread: one cell computing there, one waiting there. The waiting one stops near the end,
      // where a cell queued behind another would keep an idle thread waiting for the last result.
      const feeder = async (queued: boolean) => {
        const takeNext = () => (queued && cells.length - next <= threads + 1 ? -1 : take());
        for (let i = takeNext(); i >= 0; i = takeNext()) finish(i, cellOutcomeValue(await pool!.run({ toolkit, cell: cells[i]! }), cellName(cells[i]!)));
      };
      try {
        const feeders = pool ? Array.from({ length: threads * 2 }, (_v, k) => guarded(() => feeder(k >= threads))) : [];
        await Promise.all([...feeders, guarded(here)]);
        return results;
      } finally {
        await pool?.destroy();
        pool = undefined;
      }
    },
  };
}
