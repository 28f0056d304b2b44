import type { Redis } from 'ioredis';
import type { TraceRecord } from '../../core/trace-records.js';
import type { RunKeys } from './keys.js';

/** `KEYS[1]` the invocations hash, `KEYS[2]` the invocation count, `ARGV[1]` the invocation key: {n, sent 0/1}. */
const RESERVE_INVOCATION_SCRIPT = `
local n = redis.call('HGET', KEYS[1], ARGV[1])
if n then return {tonumber(n), redis.call('HEXISTS', KEYS[1], ARGV[1] .. '#sent')} end
n = redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[1], ARGV[1], n)
return {n, 0}`;

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
   * reaches the invocation count, every record is in the list. `request`: the platform's request id of the
   * invocation, kept so the client can match the worker with the platform's records (the gateway's cold/warm).
   */
  async finishWorker(records: readonly TraceRecord[], request?: { instanceId: string; requestId: string }): Promise<void> {
    const multi = this.redis.multi();
    if (records.length > 0) multi.rpush(this.keys.traceList, ...records.map((r) => JSON.stringify(r)));
    if (request) multi.hset(this.keys.requestIds, request.instanceId, request.requestId);
    multi.incr(this.keys.workersDone);
    await multi.exec();
  }

  /** Records a worker failure for the client. */
  async reportFailure(failure: WorkerFailure): Promise<void> {
    await this.redis.rpush(this.keys.errorList, JSON.stringify(failure));
  }

  /**
   * Counts an invocation about to be sent, once per `key` (what identifies it in the run: a fixed worker, a flexible
   * worker's tasks, a pre-warm's task), and returns its number (1, 2, ...), which names flexible instances, and
   * whether it was already sent. A worker re-run after a crash asks again for the invocations its first attempt
   * made: it gets the same numbers, does not count them twice, and does not send those already sent.
   */
  async reserveInvocation(key: string): Promise<{ n: number; sent: boolean }> {
    const [n, sent] = (await this.redis.eval(RESERVE_INVOCATION_SCRIPT, 2, this.keys.invocationsByKey, this.keys.invocationCount, key)) as [number, number];
    return { n: Number(n), sent: Number(sent) === 1 };
  }

  /** Marks an invocation reserved with `reserveInvocation` as sent (accepted by Lambda). */
  async markInvocationSent(key: string): Promise<void> {
    await this.redis.hset(this.keys.invocationsByKey, `${key}#sent`, '1');
  }

  /** The records written so far, parsed (not validated). */
  async records(): Promise<unknown[]> {
    const lines = await this.redis.lrange(this.keys.traceList, 0, -1);
    return lines.map((line) => JSON.parse(line) as unknown);
  }

  /** Instance id → the platform's request id, for workers whose platform gave one. */
  async requestIds(): Promise<Map<string, string>> {
    return new Map(Object.entries(await this.redis.hgetall(this.keys.requestIds)));
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
