import type { Redis } from 'ioredis';
import { closeRedis, connectRedis } from '../redis/connection.js';
import { runKeys } from '../redis/keys.js';
import { TraceSink } from '../redis/trace-sink.js';
import { parseInvocation } from '../worker/invocation.js';
import type { AsyncInvocationFailure, LambdaGateway } from './gateway.js';

/**
 * Lambda's on-failure destination for the local runtime: when the gateway gives up on a worker's Event invocation
 * (its retries ran out), the failure goes to the run's error list in Redis, where the client looks for failures, so
 * the run fails at once, naming the worker, its tasks and its attempts, instead of waiting for its timeout. On AWS the
 * same record would go to an SQS queue or EventBridge bus configured as the function's destination.
 */
export class FailureDestination {
  #redis: Promise<Redis> | undefined;
  readonly #listener: (failure: AsyncInvocationFailure) => void;

  constructor(
    private readonly gateway: LambdaGateway,
    private readonly redisUrl: string,
  ) {
    this.#listener = (failure) => void this.#report(failure).catch((error: unknown) => gateway.emit('note', `on-failure destination: ${(error as Error).message}`));
    gateway.on('async-failure', this.#listener);
  }

  /** The line a failed invocation adds to its run's failures. */
  static message(failure: AsyncInvocationFailure, instanceId: string, taskIds: readonly string[]): string {
    const what = taskIds.length > 0 ? `task(s) ${taskIds.join(', ')}` : 'a pre-warm';
    const cause = failure.errorType ? `${failure.outcome}, ${failure.errorType}` : failure.outcome;
    return `worker ${instanceId} for ${what} failed ${failure.attempts} attempt(s) (last: ${cause}); the platform's retries ran out`;
  }

  async #report(failure: AsyncInvocationFailure): Promise<void> {
    let invocation;
    try {
      invocation = parseInvocation(failure.payload.toString('utf8'));
    } catch {
      return; // not a worker's invocation: nothing of a run to fail
    }
    this.#redis ??= connectRedis(invocation.redisUrl ?? this.redisUrl, 'on-failure-destination');
    const sink = new TraceSink(await this.#redis, runKeys(invocation.runId));
    await sink.reportFailure({ instanceId: invocation.instanceId, message: FailureDestination.message(failure, invocation.instanceId, invocation.taskIds) });
  }

  /** Stops listening and closes its connection. */
  async close(): Promise<void> {
    this.gateway.off('async-failure', this.#listener);
    if (!this.#redis) return;
    try {
      await closeRedis(await this.#redis);
    } catch {
      // It never connected: nothing to close.
    }
  }
}
