import type { Redis } from 'ioredis';
import type { TraceRecord } from '../../core/trace-records.js';
import type { RunKeys } from './keys.js';

/** A worker failure as the client reads it. */
export interface WorkerFailure {
  readonly instanceId: string;
  readonly message: string;
}

/**
 * Where workers leave what the client collects: trace records (one JSON line each, RPUSH on the run's list), the
 * count of workers that finished, and worker failures.
 */
export class TraceSink {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RunKeys,
  ) {}

  /**
   * Appends a worker's records and counts the worker as finished, atomically (MULTI): when the finished count
   * reaches the invocation count, every record is in the list.
   */
  async finishWorker(records: readonly TraceRecord[]): Promise<void> {
    const multi = this.redis.multi();
    if (records.length > 0) multi.rpush(this.keys.traceList, ...records.map((r) => JSON.stringify(r)));
    multi.incr(this.keys.workersDone);
    await multi.exec();
  }

  /** Records a worker failure for the client. */
  async reportFailure(failure: WorkerFailure): Promise<void> {
    await this.redis.rpush(this.keys.errorList, JSON.stringify(failure));
  }

  /** Counts an invocation about to be sent and returns its number (1, 2, ...), which names flexible instances. */
  async countInvocation(): Promise<number> {
    return this.redis.incr(this.keys.invocationCount);
  }

  /** The records written so far, parsed (not validated). */
  async records(): Promise<unknown[]> {
    const lines = await this.redis.lrange(this.keys.traceList, 0, -1);
    return lines.map((line) => JSON.parse(line) as unknown);
  }

  /** Worker failures reported so far. */
  async failures(): Promise<WorkerFailure[]> {
    const lines = await this.redis.lrange(this.keys.errorList, 0, -1);
    return lines.map((line) => JSON.parse(line) as WorkerFailure);
  }

  /** Invocations issued and workers finished. */
  async progress(): Promise<{ invocations: number; finished: number }> {
    const [invocations, finished] = await this.redis.mget(this.keys.invocationCount, this.keys.workersDone);
    return { invocations: Number(invocations ?? 0), finished: Number(finished ?? 0) };
  }
}
