import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { CellJob } from '../cell.js';
import { startCellPool } from '../local-pool.js';
import { cellName } from '../run-cell.js';
import { formatStamp, stampMismatch, toolkitStamp } from '../toolkit-stamp.js';
import { bullConnection, CELL_QUEUE, connectQueueRedis, KEY_PREFIX } from './queue-connection.js';
import { failureReason } from './queue-failure.js';
import { decodeValue, encodeValue } from './value-codec.js';

/** BullMQ's default lock: a job whose worker has not renewed its lock for this long counts as stalled. */
export const DEFAULT_LOCK_MS = 30_000;

/** Options of `runQueueWorker`. */
export interface QueueWorkerOptions {
  readonly url: string;
  /** Cells run at once, each on a worker thread of its own. */
  readonly jobs: number;
  /**
   * How long a job's lock lasts without renewal (renewed every half of it while the cell runs). A killed worker's
   * cell goes back to the wait list for another worker within about 1.5 × this.
   */
  readonly lockMs?: number;
  /** One line per event (cell done, cell refused, shutting down). */
  readonly log: (line: string) => void;
}

/** A running `bench worker`: `closed` settles when it has stopped; `stop()` finishes the cells under way, then stops. */
export interface RunningQueueWorker {
  readonly closed: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Takes cells from the queue and runs them on a pool of `jobs` worker threads, returning their results through
 * BullMQ. Cells run off the main thread so the job locks keep being renewed however long a cell computes (a lock
 * lapsing under a busy event loop would hand a live cell to a second worker). Before a cell runs, the toolkit that made
 * it is checked against this one: a mismatch refuses the cell (the job fails at once, not retried, with one line
 * saying what differs), since other code would give other numbers. A cell that throws fails its job the same way.
 */
export async function runQueueWorker(options: QueueWorkerOptions): Promise<RunningQueueWorker> {
  const probe = await connectQueueRedis(options.url, 'octoplan-worker');
  probe.disconnect();
  const me = `${hostname()}:${process.pid}`;
  // Stamped once, at start: the code this process loaded is the code it runs, whatever changes on disk later.
  const stamp = toolkitStamp();
  const pool = startCellPool(options.jobs);
  const lockMs = options.lockMs ?? DEFAULT_LOCK_MS;

  const process_ = async (job: Job<{ payload: string }>): Promise<string> => {
    const cellJob = decodeValue<CellJob>(job.data.payload);
    const name = cellName(cellJob.cell);
    const mismatch = stampMismatch(cellJob.toolkit, stamp);
    if (mismatch) {
      options.log(`bench worker: refused cell ${job.id} (${name}): ${mismatch}`);
      throw new UnrecoverableError(failureReason({ name: 'ToolkitMismatchError', message: mismatch, userFacing: true, worker: me }));
    }
    const startMs = performance.now();
    const outcome = await pool.run(cellJob);
    if (!outcome.ok) {
      options.log(`bench worker: cell ${job.id} (${name}) failed: ${outcome.error.message}`);
      // A cell is deterministic: it would fail again anywhere, so it is not retried.
      throw new UnrecoverableError(failureReason({ ...outcome.error, worker: me }));
    }
    options.log(`bench worker: cell ${job.id} (${name}) done in ${((performance.now() - startMs) / 1000).toFixed(1)} s`);
    return encodeValue(outcome.result);
  };

  const worker = new Worker(CELL_QUEUE, process_, {
    connection: bullConnection(options.url),
    prefix: KEY_PREFIX,
    concurrency: options.jobs,
    lockDuration: lockMs,
    stalledInterval: Math.max(500, Math.round(lockMs / 2)),
    // A cell whose worker died is retried elsewhere; one that stalls this often is failed rather than tried for ever.
    maxStalledCount: 5,
    autorun: true,
  });
  // Connection errors are retried by BullMQ; say so once per kind rather than print a stack per attempt.
  const seen = new Set<string>();
  worker.on('error', (e) => {
    if (!seen.has(e.message)) options.log(`bench worker: ${e.message}`);
    seen.add(e.message);
  });
  await worker.waitUntilReady();
  options.log(`bench worker: ${me} runs ${formatStamp(stamp)}, takes cells from ${options.url} on ${options.jobs} thread(s) (Ctrl-C: finish the cells under way, then stop)`);

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await worker.close();
      await pool.destroy();
    })());
  const closed = new Promise<void>((resolve) => worker.on('closed', () => resolve()));
  return { closed: closed.then(() => stopping), stop };
}
