import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { Redis } from 'ioredis';
import { isAdaptive, type AnyDispatchStrategy, type DispatchStrategy, type DispatchView, type WaitingInvocation } from '../../core/dispatch/index.js';
import { startInvokeApi, type InvokeApiServer, type InvokeRequest, type InvokeResponse } from '../gateway/invoke-api.js';
import { closeRedis, connectRedis } from '../redis/connection.js';
import { parseInvocation, type WorkerInvocation } from '../worker/invocation.js';
import { dispatchKeys, RedisDispatchQueue, ticketOf } from './redis-dispatch-queue.js';

/**
 * A dispatcher in front of a Lambda-compatible platform: it speaks the Invoke API, so workers and the client invoke
 * through it unchanged (`OCTOPLAN_LAMBDA_ENDPOINT` points at it); it accepts every `Event` invocation into its Redis
 * queue (`redis-dispatch-queue.ts`) and forwards one to the platform whenever a slot of the account is free, in the
 * order a dispatch strategy chooses (`core/dispatch`, the simulator's strategies). A forwarded invocation carries a
 * `dispatchTicket`; its worker releases the slot when it ends (`releaseDispatchTicket`), and the release is
 * published, so the next invocation goes at once.
 *
 * What the real dispatcher cannot do as the simulator's does: compare functions by `headKey` (the `cost` strategy's
 * warm-first), because a Lambda client cannot see which environments are warm (it orders by `key` alone), and refuse
 * invocations (a strategy with `refuse` is rejected at start). A request's completed work is the plan's estimate of
 * it (the work the estimate finished before the invocation's tasks start), where the simulator counts what completed.
 */

/** What the dispatcher knows of an invocation when it arrives: its strategy description, or undefined (FIFO order). */
export type DescribeInvocation = (invocation: WorkerInvocation, seq: number, nowMs: number) => Omit<WaitingInvocation, 'seq' | 'queuedAtMs'> | undefined;

/** Options of `Dispatcher.start`. */
export interface DispatcherOptions {
  readonly redisUrl: string;
  /** Names the dispatcher's Redis keys; dispatchers of one name share one queue and one slot count. */
  readonly name: string;
  /** The platform the dispatcher forwards to (the local gateway's endpoint). */
  readonly platformEndpoint: string;
  readonly region?: string;
  /** The account's concurrency limit the dispatcher keeps to. */
  readonly concurrencyLimit: number;
  readonly strategy: AnyDispatchStrategy;
  /** Starvation guard (ms): an invocation that waited this long goes first. */
  readonly maxWaitMs?: number;
  readonly describe: DescribeInvocation;
  readonly host?: string;
  readonly port?: number;
}

/** One forwarded invocation, in dispatch order (what a test or report checks the order on). */
export interface DispatchLogEntry {
  readonly ticket: string;
  readonly runId: string;
  readonly taskIds: readonly string[];
  /** The strategy key it had when it was taken. */
  readonly key: number;
  readonly starved: boolean;
  readonly queuedAtMs: number;
  /** When its enqueue had completed (it was in the queue from then on). */
  readonly enqueuedAtMs: number;
  /** When the take that took it began (whatever was in the queue by then was compared with it). */
  readonly takenAtMs: number;
  readonly dispatchedAtMs: number;
}

interface StoredInvocation {
  readonly functionName: string;
  readonly payload: string;
  readonly desc: WaitingInvocation;
}

const nowEpochMs = (): number => performance.timeOrigin + performance.now();

/** See the module's doc. */
export class Dispatcher {
  readonly log: DispatchLogEntry[] = [];
  #api!: InvokeApiServer;
  #pumping: Promise<void> | undefined;
  #pumpAgain = false;
  #active: 0 | 1 = 0;
  #switches = 0;
  readonly #recent: boolean[] = [];
  #closed = false;
  #lastError: Error | undefined;
  #waited = 0;
  // When each ticket's enqueue completed, until it is dispatched (for the log).
  readonly #enqueuedAtMs = new Map<string, number>();

  private constructor(
    private readonly options: DispatcherOptions,
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    private readonly queue: RedisDispatchQueue,
    private readonly platform: LambdaClient,
  ) {}

  /** Connects to Redis, listens, and forwards whatever a dispatcher of the same name left unsent. */
  static async start(options: DispatcherOptions): Promise<Dispatcher> {
    if (!(Number.isInteger(options.concurrencyLimit) && options.concurrencyLimit >= 1)) {
      throw new Error(`dispatcher: concurrencyLimit must be a whole number >= 1, got ${options.concurrencyLimit}`);
    }
    for (const strategy of isAdaptive(options.strategy) ? options.strategy.strategies : [options.strategy]) {
      if (strategy.refuse) throw new Error(`dispatcher: strategy '${strategy.name}' refuses invocations, which only the simulator carries out (a real request would wait for its timeout)`);
    }
    const redis = await connectRedis(options.redisUrl, `dispatcher-${options.name}`);
    const subscriber = await connectRedis(options.redisUrl, `dispatcher-${options.name}-releases`);
    const keys = dispatchKeys(options.name);
    const platform = new LambdaClient({
      region: options.region ?? 'us-east-1',
      endpoint: options.platformEndpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const dispatcher = new Dispatcher(options, redis, subscriber, new RedisDispatchQueue(redis, keys), platform);
    await subscriber.subscribe(keys.released);
    subscriber.on('message', () => dispatcher.#pump());
    dispatcher.#api = await startInvokeApi(
      { invoke: (request) => dispatcher.#accept(request), maxSyncPayloadBytes: 6 * 1024 * 1024, maxAsyncPayloadBytes: 256 * 1024 },
      options.host ?? '127.0.0.1',
      options.port ?? 0,
    );
    for (const [ticket, stored] of await dispatcher.queue.unsent()) await dispatcher.#forward(ticket, stored, false, nowEpochMs());
    dispatcher.#pump();
    return dispatcher;
  }

  /** The Invoke API endpoint workers and the client invoke through. */
  get endpoint(): string {
    return this.#api.endpoint;
  }

  /** The strategy ordering the queue now (an adaptive strategy's current choice). */
  get activeStrategy(): DispatchStrategy {
    const { strategy } = this.options;
    return isAdaptive(strategy) ? strategy.strategies[this.#active] : strategy;
  }

  /** Invocations that arrived to find every slot taken or others waiting, and waited in the queue (throttles). */
  get waited(): number {
    return this.#waited;
  }

  /** Times an adaptive strategy switched. */
  get switches(): number {
    return this.#switches;
  }

  /** The last error forwarding an invocation, if any (the invocation stays queued in flight for a retry). */
  get lastError(): Error | undefined {
    return this.#lastError;
  }

  /** A request ended; `slaMet` feeds an adaptive strategy's recent attainment (the last 50 requests). */
  recordRequestOutcome(slaMet: boolean): void {
    this.#recent.push(slaMet);
    if (this.#recent.length > 50) this.#recent.shift();
  }

  /** Invocations waiting and slots taken. */
  counts(): Promise<{ waiting: number; slots: number }> {
    return this.queue.counts();
  }

  /** Deletes the dispatcher's keys (after its runs: nothing is left in Redis). */
  async clear(): Promise<void> {
    await this.queue.clear();
  }

  /** Stops listening and closes its connections; what is queued stays in Redis for another dispatcher. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#api.close();
    await this.#pumping;
    this.platform.destroy();
    await closeRedis(this.subscriber);
    await closeRedis(this.redis);
  }

  async #accept(request: InvokeRequest): Promise<InvokeResponse> {
    if (request.invocationType !== 'Event') {
      return { kind: 'api-error', status: 400, errorType: 'InvalidParameterValueException', message: `the dispatcher forwards Event invocations only, not ${request.invocationType}` };
    }
    let invocation: WorkerInvocation;
    try {
      invocation = parseInvocation(request.payload.toString('utf8'));
    } catch (error) {
      return { kind: 'api-error', status: 400, errorType: 'InvalidRequestContentException', message: `dispatcher: ${(error as Error).message}` };
    }
    const seq = await this.queue.nextSeq();
    const queuedAtMs = nowEpochMs();
    const described = this.options.describe(invocation, seq, queuedAtMs);
    const desc: WaitingInvocation = described ? { ...described, seq, queuedAtMs } : anonymous(invocation, seq, queuedAtMs);
    const stored: StoredInvocation = { functionName: request.functionName, payload: request.payload.toString('utf8'), desc };
    const ticket = ticketOf(seq);
    if (await this.queue.enqueue(ticket, this.activeStrategy.key(desc), queuedAtMs, JSON.stringify(stored), JSON.stringify(desc), this.options.concurrencyLimit)) this.#waited++;
    this.#enqueuedAtMs.set(ticket, nowEpochMs());
    this.#pump();
    return { kind: 'accepted', requestId: `dispatch-${ticket}` };
  }

  // One pump at a time; a call while one runs makes it go round once more (a release or an arrival meanwhile).
  #pump(): void {
    if (this.#closed) return;
    if (this.#pumping) {
      this.#pumpAgain = true;
      return;
    }
    this.#pumping = (async () => {
      do {
        this.#pumpAgain = false;
        await this.#adapt();
        for (;;) {
          const takenAtMs = nowEpochMs();
          const taken = await this.queue.take(this.options.concurrencyLimit, takenAtMs, this.options.maxWaitMs);
          if (!taken) break;
          await this.#forward(taken.ticket, taken.payload, taken.starved, takenAtMs);
        }
      } while (this.#pumpAgain && !this.#closed);
    })()
      .catch((error: unknown) => {
        this.#lastError = error as Error;
      })
      .finally(() => {
        this.#pumping = undefined;
      });
  }

  async #forward(ticket: string, storedJson: string, starved: boolean, takenAtMs: number): Promise<void> {
    const stored = JSON.parse(storedJson) as StoredInvocation;
    const invocation = JSON.parse(stored.payload) as WorkerInvocation;
    const payload = JSON.stringify({ ...invocation, dispatchTicket: `${this.options.name}|${ticket}` });
    const response = await this.platform.send(new InvokeCommand({ FunctionName: stored.functionName, InvocationType: 'Event', Payload: Buffer.from(payload) }));
    if (response.StatusCode !== 202) throw new Error(`dispatcher: the platform answered ${response.StatusCode} to an Event invocation of ${stored.functionName}`);
    await this.queue.markSent(ticket);
    this.log.push({
      ticket,
      runId: invocation.runId,
      taskIds: invocation.taskIds,
      key: this.activeStrategy.key(stored.desc),
      starved,
      queuedAtMs: stored.desc.queuedAtMs,
      enqueuedAtMs: this.#enqueuedAtMs.get(ticket) ?? stored.desc.queuedAtMs,
      takenAtMs,
      dispatchedAtMs: nowEpochMs(),
    });
    this.#enqueuedAtMs.delete(ticket);
  }

  async #adapt(): Promise<void> {
    const { strategy } = this.options;
    if (!isAdaptive(strategy)) return;
    const { waiting } = await this.queue.counts();
    const recent = this.#recent;
    const view: DispatchView = {
      nowMs: nowEpochMs(),
      waiting,
      warmAvailable: () => false,
      recentSlaAttainment: () => (recent.length === 0 ? undefined : recent.filter(Boolean).length / recent.length),
    };
    const next = strategy.choose(view, this.#active);
    if (next === this.#active) return;
    this.#active = next;
    this.#switches++;
    const active = this.activeStrategy;
    await this.queue.rescore((desc) => active.key(JSON.parse(desc) as WaitingInvocation));
  }
}

/** An invocation of a run the dispatcher was not told about: every key is its queue time (FIFO among them). */
function anonymous(invocation: WorkerInvocation, seq: number, queuedAtMs: number): WaitingInvocation {
  return {
    seq,
    requestId: invocation.runId,
    workflow: '',
    taskIds: invocation.taskIds,
    resourcesKey: String(invocation.resources.memoryMb),
    memoryMb: invocation.resources.memoryMb,
    requestArrivalMs: queuedAtMs,
    queuedAtMs,
    priorityClass: 0,
    deadlineMs: queuedAtMs,
    predictedExecMs: queuedAtMs,
    predictedRemainingPathMs: 0,
    predictedRemainingWorkMs: queuedAtMs,
    predictedColdGbSeconds: queuedAtMs,
    predictedWarmGbSeconds: queuedAtMs,
  };
}
