import type { Context, Handler } from 'aws-lambda';
import { releaseDispatchTicket } from '../dispatch/release.js';
import { resolveRedisUrl } from '../redis/connection.js';
import { AwsLambdaInvoker } from './aws-invoker.js';
import { parseInvocation } from './invocation.js';
import type { Invoker } from './invoker.js';
import { runWorker, type WorkerObservation, type WorkerOutcome } from './run-worker.js';

/** Options of `createHandler`. */
export interface HandlerOptions {
  /** How this worker starts others; default an `AwsLambdaInvoker` configured from the environment. */
  readonly invoker?: Invoker;
  /** Default: the invocation's `redisUrl`, else `$OCTOPLAN_REDIS_URL`. */
  readonly redisUrl?: string;
  readonly observe?: (observation: WorkerObservation) => void;
}

/**
 * Builds a worker handler. Each handler counts the invocations it served, which is how it tells a cold start (the
 * first one in its execution environment) from a warm one; nothing else survives between invocations.
 */
export function createHandler(options: HandlerOptions = {}): Handler<unknown, WorkerOutcome> {
  let served = 0;
  let defaultInvoker: Invoker | undefined;
  return async (event: unknown, context?: Context) => {
    const coldStart = served++ === 0;
    // Lambda would otherwise keep the invocation open until every socket (Redis, SDK keep-alive) is closed.
    if (context) context.callbackWaitsForEmptyEventLoop = false;
    const invocation = parseInvocation(event);
    const invoker = options.invoker ?? (defaultInvoker ??= new AwsLambdaInvoker());
    const redisUrl = resolveRedisUrl(options.redisUrl ?? invocation.redisUrl);
    try {
      return await runWorker(invocation, {
        invoker,
        redisUrl,
        coldStart,
        ...(context?.awsRequestId ? { requestId: context.awsRequestId } : {}),
        ...(options.observe ? { observe: options.observe } : {}),
      });
    } finally {
      // The dispatcher's slot is this invocation's until it ends, however it ends (a SIGKILLed worker never gets
      // here: the platform's retry of the same event releases it).
      if (invocation.dispatchTicket !== undefined) await releaseDispatchTicket(redisUrl, invocation.dispatchTicket);
    }
  };
}

/**
 * The Lambda entry point: a worker that carries out the scheduler core's commands for one invocation. Configured by
 * the event (run id, worker, resources, tasks) and the environment: `OCTOPLAN_REDIS_URL` (unless the event names
 * Redis), `OCTOPLAN_LAMBDA_ENDPOINT` (a Lambda-compatible endpoint for the workers it invokes), `AWS_REGION`,
 * `OCTOPLAN_FUNCTION_PREFIX` (default `octoplan-worker`, functions `<prefix>-<memoryMb>`).
 */
export const handler: Handler<unknown, WorkerOutcome> = createHandler();
