import type { CellExecutor } from '../cells/executor.js';
import { defaultJobs, poolExecutor } from '../cells/local-pool.js';
import { UsageError } from './errors.js';

/** The options of a command that runs cells (`bench compare`): where they run. */
export interface CellRunArgs {
  jobs?: number | undefined;
  queue?: string | undefined;
  sweep?: string | undefined;
  resume?: string | undefined;
}

/**
 * The executor `--jobs`, `--queue`, `--sweep` and `--resume` ask for (`bench compare`, `bench load`): undefined for one job (cells run in this
 * process, the reference output), a worker-thread pool for more (default: one thread per core), or the Redis queue.
 * The queue's module (BullMQ) is loaded only when `--queue` is given.
 */
export async function cellExecutor(args: CellRunArgs, progress: { log(line: string): void }, command = 'bench compare'): Promise<CellExecutor | undefined> {
  if (args.queue === undefined) {
    const named = (['sweep', 'resume'] as const).filter((k) => args[k] !== undefined);
    if (named.length > 0) throw new UsageError(`--${named[0]} names a sweep on a queue; give --queue redis://HOST:PORT with it`);
  }
  if (args.jobs !== undefined && (!Number.isInteger(args.jobs) || args.jobs < 1)) throw new UsageError(`--jobs must be a whole number of at least 1, not ${String(args.jobs)}`);
  if (args.queue !== undefined) {
    if (args.jobs !== undefined) throw new UsageError('give --jobs or --queue, not both: with --queue the cells run on the `bench worker` processes');
    if (args.sweep !== undefined && args.resume !== undefined && args.sweep !== args.resume) throw new UsageError('give --sweep NAME or --resume NAME, not both');
    const { queueExecutor } = await import('../cells/queue/queue-client.js');
    return queueExecutor({
      url: args.queue,
      ...(args.resume !== undefined ? { sweep: args.resume, resume: true } : args.sweep !== undefined ? { sweep: args.sweep } : {}),
      log: (line) => progress.log(line),
      command,
    });
  }
  const jobs = args.jobs ?? defaultJobs();
  return jobs > 1 ? poolExecutor(jobs) : undefined;
}

/** Total CPU seconds (user + system) of a `process.cpuUsage()` difference: every thread of this process. */
export function cpuSeconds(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1e6;
}

/** An estimate of the time left from the pace so far: ` ETA 12 s` once a cell is done, nothing before. */
export function etaClock(now: () => number = () => performance.now()): { text(done: number, total: number): string } {
  const startMs = now();
  return {
    text(done, total) {
      if (done <= 0 || done >= total) return '';
      const leftMs = ((now() - startMs) / done) * (total - done);
      return ` ETA ${Math.ceil(leftMs / 1000)} s`;
    },
  };
}
