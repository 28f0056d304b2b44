import type { Redis } from 'ioredis';
import type { RunKeys } from './keys.js';
import { deleteKeys } from './storage.js';

/**
 * Adds `ARGV[1]` to the counter hash `KEYS[1]` unless it is there, and returns its rank: the number of members once
 * it was first added. One script, so atomic; a repeated call for the same member returns the same rank.
 */
const COUNT_ONCE_SCRIPT = `
local rank = redis.call('HGET', KEYS[1], ARGV[1])
if rank then return tonumber(rank) end
rank = redis.call('HLEN', KEYS[1]) + 1
redis.call('HSET', KEYS[1], ARGV[1], rank)
return rank`;

/**
 * Coordination metadata of one run: the scheduler core's atomic counters (keyed by the core's `counterKey`),
 * TASK_READY records, and exec-start records of duplicable tasks.
 *
 * A counter is a hash from the task that counted (the core's `byTaskId`) to the value its increment returned, so
 * an increment is idempotent: a worker re-run by Lambda's async retry after a crash repeats its increments and gets
 * the answers its first attempt got, and the core takes the same decisions (a bare INCR would count the upstream
 * twice; a set with SCARD would count once but could answer "complete" to the re-run when another upstream finished
 * in between, so both would run the child). See README.md, "Crashes and retries".
 */
export class RunMetadata {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RunKeys,
  ) {}

  /**
   * Counts `byTaskId` in a counter once and returns the counter's value right after that count; calling it again
   * for the same task returns the same value and counts nothing.
   */
  async increment(counterKey: string, byTaskId: string): Promise<number> {
    return Number(await this.redis.eval(COUNT_ONCE_SCRIPT, 1, this.keys.counter(counterKey), byTaskId));
  }

  /** Reads a counter (how many tasks counted) without changing it; 0 when absent. */
  async read(counterKey: string): Promise<number> {
    return this.redis.hlen(this.keys.counter(counterKey));
  }

  /** Which of `taskIds` have a TASK_READY record, in one round trip. */
  async existingReadyRecords(taskIds: readonly string[]): Promise<string[]> {
    if (taskIds.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of taskIds) pipeline.exists(this.keys.readyRecord(id));
    const results = (await pipeline.exec()) ?? [];
    return taskIds.filter((_, i) => results[i]?.[1] === 1);
  }

  /** Records when the original of a duplicable task started executing (epoch ms). */
  async recordExecStart(taskId: string, epochMs: number): Promise<void> {
    await this.redis.set(this.keys.execStart(taskId), String(epochMs));
  }

  /** When the original of a task started executing (epoch ms), if recorded. */
  async execStart(taskId: string): Promise<number | undefined> {
    const value = await this.redis.get(this.keys.execStart(taskId));
    return value === null ? undefined : Number(value);
  }

  /**
   * Deletes the run's coordination metadata: the counters named by `counterKeys`, and the TASK_READY and exec-start
   * records of `taskIds`. Names are enumerated from the workflow rather than scanned, so the cost is O(tasks).
   */
  async deleteAll(counterKeys: readonly string[], taskIds: readonly string[]): Promise<void> {
    await deleteKeys(this.redis, [
      ...counterKeys.map((k) => this.keys.counter(k)),
      ...taskIds.map((id) => this.keys.readyRecord(id)),
      ...taskIds.map((id) => this.keys.execStart(id)),
    ]);
  }
}
