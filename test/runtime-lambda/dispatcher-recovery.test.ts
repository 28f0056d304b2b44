import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edfStrategy } from '../../core/dispatch/index.js';
import { Dispatcher } from '../../runtime-lambda/dispatch/dispatcher.js';
import { dispatchKeys, RedisDispatchQueue, releaseTicket } from '../../runtime-lambda/dispatch/redis-dispatch-queue.js';
import { startInvokeApi, type InvokeApiServer } from '../../runtime-lambda/gateway/invoke-api.js';
import { closeRedis, connectRedis } from '../../runtime-lambda/redis/connection.js';
import { AwsLambdaInvoker } from '../../runtime-lambda/worker/aws-invoker.js';
import type { WorkerInvocation } from '../../runtime-lambda/worker/invocation.js';
import { startTestRedis } from '../support/redis-server.js';

// A dispatcher that dies loses no invocation: what waited in its queue, and what it had taken a slot for but not yet
// forwarded, go out through the next dispatcher on the same keys. The platform behind it here is an Invoke API that
// records what reaches it (the dispatcher's side is what is tested; the worker side is in dispatch.test.ts).

let redis: { url: string; stop: () => Promise<void> };
let platform: InvokeApiServer;
const received: WorkerInvocation[] = [];
beforeAll(async () => {
  redis = await startTestRedis();
  platform = await startInvokeApi(
    {
      invoke: async (request) => {
        received.push(JSON.parse(request.payload.toString('utf8')) as WorkerInvocation);
        return { kind: 'accepted', requestId: `r${received.length}` };
      },
      maxSyncPayloadBytes: 1 << 20,
      maxAsyncPayloadBytes: 1 << 18,
    },
    '127.0.0.1',
    0,
  );
}, 30_000);
afterAll(async () => {
  await platform?.close();
  await redis?.stop();
});

const invocation = (runId: string): WorkerInvocation => ({ runId, workerId: null, instanceId: 'flex-0', resources: { memoryMb: 1024, vCpus: 1 }, taskIds: ['t'], invokedAtEpochMs: 0 });
const until = async (check: () => boolean, timeoutMs = 5000) => {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('the real dispatcher survives being killed', () => {
  it('invocations queued and taken-but-unsent under a dead dispatcher reach the platform through the next one, each once', { timeout: 30_000 }, async () => {
    const name = 'recovery-test';
    const options = { redisUrl: redis.url, name, platformEndpoint: platform.endpoint, concurrencyLimit: 1, strategy: edfStrategy, describe: () => undefined };
    const first = await Dispatcher.start(options);
    const invoker = new AwsLambdaInvoker({ endpoint: first.endpoint, functionName: () => 'octoplan-worker-1024' });
    // Three invocations: the first takes the one slot and is forwarded, two wait.
    for (const runId of ['a', 'b', 'c']) await invoker.invoke(invocation(runId));
    invoker.close();
    await until(() => received.length === 1);
    expect(await first.counts()).toEqual({ waiting: 2, slots: 1 });
    await first.close();

    // Meanwhile (the dispatcher is gone) a slot frees and a take happens that is never forwarded: the state a
    // dispatcher killed between taking a slot and forwarding leaves behind.
    const client = await connectRedis(redis.url, 'recovery-test');
    try {
      expect(await releaseTicket(client, received[0]!.dispatchTicket!)).toBe(true);
      const queue = new RedisDispatchQueue(client, dispatchKeys(name));
      const taken = await queue.take(1, Date.now(), undefined);
      expect(taken).toBeDefined();
      expect(await queue.counts()).toEqual({ waiting: 1, slots: 1 });

      // The next dispatcher forwards the taken one at once, then the last one when its slot is released.
      const second = await Dispatcher.start(options);
      await until(() => received.length === 2);
      expect(JSON.parse(JSON.parse(taken!.payload).payload).runId).toBe(received[1]!.runId);
      expect(await releaseTicket(client, received[1]!.dispatchTicket!)).toBe(true);
      // A release repeated (a retried worker) frees nothing more.
      expect(await releaseTicket(client, received[1]!.dispatchTicket!)).toBe(false);
      await until(() => received.length === 3);
      expect(await releaseTicket(client, received[2]!.dispatchTicket!)).toBe(true);
      expect(received.map((r) => r.runId).sort()).toEqual(['a', 'b', 'c']);
      expect(await second.counts()).toEqual({ waiting: 0, slots: 0 });
      await second.clear();
      await second.close();
      expect(await client.keys('octoplan:dispatch:*')).toEqual([]);
    } finally {
      await closeRedis(client);
    }
  });
});
