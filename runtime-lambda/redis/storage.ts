import type { Redis } from 'ioredis';
import type { RunKeys } from './keys.js';

/** How many keys one DEL carries: bounded so a 100,000-task cleanup never builds a giant command. */
const DELETE_BATCH = 1000;

/**
 * Intermediate storage of one run: task outputs, static inputs and final outputs as raw bytes (Buffers), by key. The
 * bytes are whatever the task code produced; storage never decodes them.
 */
export class RunStorage {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RunKeys,
  ) {}

  /** Writes a task's intermediate output. */
  async putOutput(taskId: string, bytes: Buffer): Promise<void> {
    await this.redis.set(this.keys.output(taskId), bytes);
  }

  /** Reads a task's intermediate output; null when absent (deleted, or never written). */
  async getOutput(taskId: string): Promise<Buffer | null> {
    return this.redis.getBuffer(this.keys.output(taskId));
  }

  /** Which of `taskIds` have an intermediate output stored, in one round trip. */
  async existingOutputs(taskIds: readonly string[]): Promise<string[]> {
    if (taskIds.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of taskIds) pipeline.exists(this.keys.output(id));
    const results = (await pipeline.exec()) ?? [];
    return taskIds.filter((_, i) => results[i]?.[1] === 1);
  }

  /** Deletes the intermediate outputs of `taskIds` (absent ones are ignored). */
  async deleteOutputs(taskIds: readonly string[]): Promise<void> {
    await deleteKeys(this.redis, taskIds.map((id) => this.keys.output(id)));
  }

  /** Writes a task's static input (the client does, before the run starts). */
  async putStaticInput(taskId: string, bytes: Buffer): Promise<void> {
    await this.redis.set(this.keys.staticInput(taskId), bytes);
  }

  /** Reads a task's static input; null when the client stored none. */
  async getStaticInput(taskId: string): Promise<Buffer | null> {
    return this.redis.getBuffer(this.keys.staticInput(taskId));
  }

  /** Writes a sink's final output. */
  async putFinalOutput(taskId: string, bytes: Buffer): Promise<void> {
    await this.redis.set(this.keys.finalOutput(taskId), bytes);
  }

  /** Reads a sink's final output; null when absent. */
  async getFinalOutput(taskId: string): Promise<Buffer | null> {
    return this.redis.getBuffer(this.keys.finalOutput(taskId));
  }
}

/** DEL in bounded batches. */
export async function deleteKeys(redis: Redis, keys: readonly string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += DELETE_BATCH) await redis.del(...keys.slice(i, i + DELETE_BATCH));
}

/** Every key matching `pattern` (SCAN, so a large keyspace never blocks Redis). */
export async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return [...new Set(found)].sort();
}
