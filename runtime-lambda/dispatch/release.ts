import { closeRedis, connectRedis } from '../redis/connection.js';
import { releaseTicket } from './redis-dispatch-queue.js';

/** Releases a dispatched invocation's concurrency slot (`WorkerInvocation.dispatchTicket`) from a worker. */
export async function releaseDispatchTicket(redisUrl: string, dispatchTicket: string): Promise<void> {
  const redis = await connectRedis(redisUrl, 'dispatch-release');
  try {
    await releaseTicket(redis, dispatchTicket);
  } finally {
    await closeRedis(redis);
  }
}
