import type { Redis } from 'ioredis';
import type { RunKeys } from './keys.js';
import { deleteKeys } from './storage.js';

/**
 * Coordination metadata of one run: the scheduler core's atomic counters (Redis INCR, keyed by the core's
 * `counterKey`), TASK_READY records, and exec-start records of duplicable tasks.
 */
export class RunMetadata {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RunKeys,
  ) {}

  /** Atomically increments a counter and returns the value after this increment. */
  async increment(counterKey: string): Promise<number> {
    return this.redis.incr(this.keys.counter(counterKey));
  }

  /** Reads a counter without changing it; 0 when absent. */
  async read(counterKey: string): Promise<number> {
    const value = await this.redis.get(this.keys.counter(counterKey));
    return value === null ? 0 : Number(value);
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
