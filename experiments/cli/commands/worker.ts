import { availableParallelism } from 'node:os';
import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../errors.js';

interface WorkerArgs {
  queue?: string;
  jobs?: number;
  'lock-ms'?: number;
}

/**
 * `bench worker --queue redis://HOST:PORT`: runs on any machine with the same checkout (`npm ci` done) and takes the
 * cells that `bench compare --queue` enqueues, one per worker thread, until stopped (Ctrl-C or SIGTERM: the cells under
 * way finish first; SIGKILL: their jobs go back to the queue once their lock lapses).
 */
export const workerCommand: CommandModule<object, WorkerArgs> = {
  command: 'worker',
  describe: "Take sweep cells (bench compare --queue) from a Redis job queue and run them on this machine's cores",
  builder: (y: Argv) =>
    y
      .option('queue', { type: 'string', describe: 'the Redis of the queue, redis://HOST:PORT (required)' })
      .option('jobs', { alias: 'j', type: 'number', describe: `cells run at once, one worker thread each (default: the number of cores, here ${availableParallelism()})` })
      .option('lock-ms', {
        type: 'number',
        describe: 'lock of a running cell, renewed every half of it; a killed worker\'s cell is retried elsewhere about 1.5 × this later (default 30000)',
      }) as unknown as Argv<WorkerArgs>,
  handler: async (args) => {
    if (args.queue === undefined) throw new UsageError('give --queue redis://HOST:PORT: the Redis that `bench compare --queue` enqueues cells on');
    const jobs = args.jobs ?? availableParallelism();
    if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs must be a whole number of at least 1, not ${String(args.jobs)}`);
    const lockMs = args['lock-ms'];
    if (lockMs !== undefined && (!Number.isFinite(lockMs) || lockMs < 1000)) throw new UsageError(`--lock-ms must be at least 1000, not ${String(lockMs)}`);
    const { runQueueWorker } = await import('../../cells/queue/queue-worker.js');
    const log = (line: string) => console.error(line);
    const worker = await runQueueWorker({ url: args.queue, jobs, log, ...(lockMs !== undefined ? { lockMs } : {}) });
    const stop = (signal: string) => {
      log(`bench worker: ${signal}: finishing the cells under way, then stopping`);
      void worker.stop();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
    await worker.closed;
    log('bench worker: stopped');
  },
};
