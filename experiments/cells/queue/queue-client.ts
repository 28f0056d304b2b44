import { createHash } from 'node:crypto';
import { Queue, QueueEvents, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { ConfigError } from '../../../core/errors.js';
import type { Cell, CellJob, CellResult } from '../cell.js';
import type { CellExecutor } from '../executor.js';
import { cellName } from '../run-cell.js';
import { formatStamp, toolkitStamp } from '../toolkit-stamp.js';
import { bullConnection, CELL_QUEUE, cellJobId, checkSweepName, connectQueueRedis, KEY_PREFIX, sweepKey } from './queue-connection.js';
import { failureMessage } from './queue-failure.js';
import { decodeValue, encodeValue } from './value-codec.js';

/** Options of `queueExecutor`. */
export interface QueueExecutorOptions {
  /** `redis://HOST:PORT` of the queue. */
  readonly url: string;
  /** The sweep's name (default: `sweep-` and the first 12 hex digits of the cells' digest). */
  readonly sweep?: string;
  /** The sweep must exist already (`--resume NAME`): a typo is an error, not a new sweep. */
  readonly resume?: boolean;
  /** Where the one-line notes go (sweep name and counts, Ctrl-C). */
  readonly log: (line: string) => void;
  /** The command the notes name (`bench compare`, `bench load`). */
  readonly command: string;
  /** How often the client re-reads the state of cells still pending, in case it missed an event (default 5,000 ms). */
  readonly reconcileMs?: number;
}

/** What a sweep's record in Redis holds: enough to refuse a resume with other cells. */
interface SweepRecord {
  readonly digest: string;
  readonly cells: string;
  readonly toolkit: string;
  readonly createdAt: string;
}

/** The digest of a sweep: the toolkit that made it and its cells, so a resume with other cells or code is refused. */
export function sweepDigest(cells: readonly Cell[], toolkit = toolkitStamp()): string {
  return createHash('sha256').update(encodeValue({ toolkit, cells })).digest('hex');
}

/**
 * Runs cells as BullMQ jobs on `bench worker` processes anywhere that reach the same Redis, and waits for their
 * results. A sweep is named: its jobs are `NAME.<index>` and stay in Redis with their results, so running the same
 * sweep again (`--resume NAME`, or the same command, whose default name is derived from its cells) collects what is
 * done and enqueues only what is missing. Results are taken per cell index, once, so a cell retried after a worker
 * died (BullMQ's stalled-job detection moves it back to the wait list) is never counted twice. Ctrl-C leaves every job
 * in place for a later resume.
 */
export function queueExecutor(options: QueueExecutorOptions): CellExecutor {
  let redis: Redis | undefined;
  let queue: Queue | undefined;
  let events: QueueEvents | undefined;
  const close = async () => {
    await Promise.allSettled([events?.close(), queue?.close()]);
    redis?.disconnect();
    events = queue = redis = undefined;
  };
  return {
    description: `queue ${options.url}`,
    close,
    async run(cells, onCellDone) {
      redis = await connectQueueRedis(options.url, 'octoplan-sweep-client');
      const toolkit = toolkitStamp();
      const digest = sweepDigest(cells, toolkit);
      const sweep = checkSweepName(options.sweep ?? `sweep-${digest.slice(0, 12)}`);
      await claimSweep(redis, sweep, digest, cells.length, formatStamp(toolkit), options);

      const connection = bullConnection(options.url);
      queue = new Queue(CELL_QUEUE, { connection, prefix: KEY_PREFIX });
      events = new QueueEvents(CELL_QUEUE, { connection, prefix: KEY_PREFIX });
      // Listening before the state is read, so no completion between the two goes unseen.
      await events.waitUntilReady();

      const results: (CellResult | undefined)[] = new Array(cells.length);
      const indexOf = new Map(cells.map((_c, i) => [cellJobId(sweep, i), i]));
      const pending = new Set<number>();
      let settle!: { resolve: () => void; reject: (e: Error) => void };
      const finished = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
      const record = (index: number, job: Job) => {
        if (!pending.has(index)) return;
        pending.delete(index);
        const result = decodeValue<CellResult>(String(job.returnvalue));
        results[index] = result;
        onCellDone?.(index, result);
        if (pending.size === 0) settle.resolve();
      };
      const fail = (index: number, reason: string) => {
        settle.reject(new ConfigError(`sweep ${sweep}: cell ${index} (${cellName(cells[index]!)}) failed: ${failureMessage(reason)}; fix the cause, then resume with --resume ${sweep}`));
      };
      /** Reads a pending cell's job and records it when completed, fails the sweep when failed. */
      const check = async (index: number): Promise<void> => {
        const job = await queue!.getJob(cellJobId(sweep, index));
        if (!job) return;
        const state = await job.getState();
        if (state === 'completed') record(index, job);
        else if (state === 'failed') fail(index, job.failedReason);
      };

      events.on('completed', ({ jobId }) => {
        const index = indexOf.get(jobId);
        if (index === undefined || !pending.has(index)) return;
        void queue!.getJob(jobId).then((job) => job && record(index, job), (e: Error) => settle.reject(e));
      });
      events.on('failed', ({ jobId, failedReason }) => {
        const index = indexOf.get(jobId);
        if (index !== undefined && pending.has(index)) fail(index, failedReason);
      });

      // What is there already: completed cells are collected, failed ones (a refused or crashed cell of an earlier
      // attempt) retried, missing ones enqueued.
      const missing: number[] = [];
      let done = 0;
      let retried = 0;
      for (const [index] of cells.entries()) pending.add(index);
      await inChunks([...pending], async (index) => {
        const job = await queue!.getJob(cellJobId(sweep, index));
        if (!job) missing.push(index);
        else {
          const state = await job.getState();
          if (state === 'completed') {
            record(index, job);
            done++;
          } else if (state === 'failed') {
            await job.retry('failed');
            retried++;
          }
        }
      });
      missing.sort((a, b) => a - b);
      const toolkitText = formatStamp(toolkit);
      await queue.addBulk(
        missing.map((index) => {
          const job: CellJob = { toolkit, cell: cells[index]! };
          return {
            name: cells[index]!.kind,
            data: { sweep, index, toolkit: toolkitText, payload: encodeValue(job) },
            // Kept after completion: the results are the sweep's, read back by the client and by a resume.
            opts: { jobId: cellJobId(sweep, index), removeOnComplete: false, removeOnFail: false },
          };
        }),
      );
      options.log(
        `${options.command}: sweep ${sweep} on ${options.url}: ${cells.length} cell(s), ${done} done before, ${missing.length} enqueued` +
          `${retried > 0 ? `, ${retried} failed before and retried` : ''}${pending.size > 0 ? `; waiting for \`bench worker --queue ${options.url}\` (Ctrl-C leaves the sweep resumable: --resume ${sweep})` : ''}`,
      );
      if (pending.size === 0) settle.resolve();

      const onInterrupt = () => {
        options.log(`${options.command}: interrupted; sweep ${sweep} stays on ${options.url} with ${cells.length - pending.size} of ${cells.length} cell(s) done (workers go on): resume with --resume ${sweep}`);
        void close().finally(() => process.exit(130));
      };
      process.once('SIGINT', onInterrupt);
      // QueueEvents reads a Redis stream from where it left off, so events survive a reconnection; as a safety net
      // against one trimmed away, the cells still pending are read again every few seconds.
      let reconciling = false;
      const timer = setInterval(() => {
        if (reconciling) return;
        reconciling = true;
        void inChunks([...pending], (index) => check(index).catch(() => {})).finally(() => (reconciling = false));
      }, options.reconcileMs ?? 5_000);
      try {
        await finished;
      } finally {
        clearInterval(timer);
        process.off('SIGINT', onInterrupt);
      }
      return results as CellResult[];
    },
  };
}

/**
 * Records the sweep in Redis, or checks that the one already recorded under its name has the same cells: a second
 * sweep under a used name would otherwise collect another matrix's results.
 */
async function claimSweep(redis: Redis, sweep: string, digest: string, cells: number, toolkit: string, options: QueueExecutorOptions): Promise<void> {
  const key = sweepKey(sweep);
  const existing = (await redis.hgetall(key)) as Partial<SweepRecord>;
  if (existing.digest === undefined) {
    if (options.resume) throw new ConfigError(`no sweep named '${sweep}' on ${options.url} to resume (give the name the first run printed)`);
    const record: SweepRecord = { digest, cells: String(cells), toolkit, createdAt: new Date().toISOString() };
    await redis.hset(key, record);
    return;
  }
  if (existing.digest !== digest) {
    throw new ConfigError(
      `sweep '${sweep}' on ${options.url} holds other cells (${existing.cells} cell(s) made by ${existing.toolkit}): ` +
        `run it with the same arguments and code, or name this sweep otherwise with --sweep`,
    );
  }
}

/** Runs `each` over `items`, `chunk` at a time: a sweep of 10,000 cells reads its jobs' states in pipelined batches. */
async function inChunks<T>(items: readonly T[], each: (item: T) => Promise<void>, chunk = 200): Promise<void> {
  for (let i = 0; i < items.length; i += chunk) await Promise.all(items.slice(i, i + chunk).map(each));
}
