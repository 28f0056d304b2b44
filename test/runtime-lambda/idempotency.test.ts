import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resources } from '../../core/resources.js';
import { runKeys } from '../../runtime-lambda/redis/keys.js';
import { RunMetadata } from '../../runtime-lambda/redis/metadata.js';
import { TraceSink } from '../../runtime-lambda/redis/trace-sink.js';
import { invocationKey, startWorker, type Invoker } from '../../runtime-lambda/worker/invoker.js';
import type { WorkerInvocation } from '../../runtime-lambda/worker/invocation.js';
import { startTestRedis } from '../support/redis-server.js';

let redis: { url: string; stop: () => Promise<void> };
let client: Redis;
beforeAll(async () => {
  redis = await startTestRedis();
  client = new Redis(redis.url);
});
afterAll(async () => {
  client?.disconnect();
  await redis?.stop();
});

describe('counters a re-run worker repeats', () => {
  it('count each upstream once and answer a repeat with the value its first increment got', async () => {
    const metadata = new RunMetadata(client, runKeys('idem-counters'));
    expect(await metadata.increment('deps:c', 'a')).toBe(1);
    expect(await metadata.increment('deps:c', 'b')).toBe(2);
    // `a`'s worker re-run after a crash: it must not see 2 (or 3) and run `c` a second time.
    expect(await metadata.increment('deps:c', 'a')).toBe(1);
    expect(await metadata.increment('deps:c', 'b')).toBe(2);
    expect(await metadata.read('deps:c')).toBe(2);
    expect(await metadata.read('deps:absent')).toBe(0);
    await metadata.deleteAll(['deps:c'], []);
    expect(await metadata.read('deps:c')).toBe(0);
  });
});

describe('invocations a re-run worker repeats', () => {
  it('are counted and sent once per invocation key', async () => {
    const keys = runKeys('idem-invocations');
    const sink = new TraceSink(client, keys);
    const sent: WorkerInvocation[] = [];
    const invoker: Invoker = { platform: 'test', invoke: async (i) => void sent.push(i) };
    const start = { runId: 'idem-invocations', workerId: null, resources: resources(1024), taskIds: ['t2', 't1'], preWarm: false };
    const first = await startWorker(invoker, sink, start);
    expect(first?.instanceId).toBe('flex-1');
    expect(await startWorker(invoker, sink, { ...start, taskIds: ['t1', 't2'] })).toBeUndefined();
    const other = await startWorker(invoker, sink, { ...start, taskIds: ['t3'] });
    expect(other?.instanceId).toBe('flex-2');
    expect(sent.map((i) => i.instanceId)).toEqual(['flex-1', 'flex-2']);
    expect((await sink.progress()).invocations).toBe(2);
    // Reserved but never sent (the first attempt died before the Invoke): the repeat sends it, under the same number.
    expect(await sink.reserveInvocation('fixed:w9')).toEqual({ n: 3, sent: false });
    const retried = await startWorker(invoker, sink, { ...start, workerId: 'w9', taskIds: ['t9'] });
    expect(retried?.instanceId).toBe('w9');
    expect((await sink.progress()).invocations).toBe(3);
    await client.del(keys.invocationCount, keys.invocationsByKey);
  });

  it('keys a fixed worker by its id, a flexible one by its tasks, a pre-warm by the task planning it', () => {
    const base = { runId: 'r', resources: resources(1024), preWarm: false };
    expect(invocationKey({ ...base, workerId: 'w1', taskIds: ['b', 'a'] })).toBe('fixed:w1');
    expect(invocationKey({ ...base, workerId: null, taskIds: ['b', 'a'] })).toBe('flex:a,b');
    expect(invocationKey({ ...base, workerId: null, taskIds: [], preWarm: true, forTaskId: 'x' })).toBe('prewarm:x');
  });
});
