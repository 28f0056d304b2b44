import TinyQueue from 'tinyqueue';
import { DispatchQueue, type DispatchQueueOptions, type DispatchView, type WaitingInvocation as DispatchInvocation } from '../core/dispatch/index.js';
import type { EventOwner, SimEngine } from './engine.js';
import { isWarm, type PlatformModel } from './platform-model.js';
import { SharedLink } from './shared-link.js';

/**
 * The simulated platform: what every run on one engine shares. That is the account's concurrency slots (and the
 * invocations waiting for one, first come first served, as Lambda's async queue retries throttled events), the idle
 * execution environments that serve warm starts (an environment left by one run serves another run of the same
 * deployed function, here one function per memory size and vCPUs), the scaling rate of each function (a token bucket
 * of `scalingBurst` new environments refilled at `scalingRefillPerS`: a cold start without a token waits for one),
 * the storage server's bandwidth and operation rate (`SharedLink`s: max-min fair shares among concurrent transfers
 * and operations), and the shared host CPU of a local profile (`cpu.hostCores`). Runs ask it for slots,
 * environments and server capacity; it never decides what a worker does.
 */

/** An invocation that waits for a concurrency slot, with the run that will carry it out. */
export interface WaitingInvocation<I> {
  readonly owner: InvocationOwner<I>;
  readonly invocation: I;
  /** When it began to wait. */
  readonly queuedAtMs: number;
}

/** The run that carries out an invocation once it gets a slot, or fails when the dispatcher refuses it. */
export interface InvocationOwner<I> {
  admit(invocation: I): void;
  refuse?(invocation: I, reason: string): void;
}

/** Describes a waiting invocation to the dispatch queue, given its queue order. */
export type DescribeWaiting = (seq: number) => DispatchInvocation;

// SLA outcomes an adaptive strategy's recent attainment is taken over.
const RECENT_REQUESTS = 50;

/** Work on the shared host: done when the host has given it `aloneMs` of progress. */
export interface HostWork<J> {
  /** The process told when the work is done. */
  readonly owner: { hostWorkDone(job: J): void };
  readonly job: J;
}

/**
 * The platform's own event: the first job on the shared host is done, if the host's schedule is still the version the
 * event was tagged with. One object, pushed again (with the new version) whenever the schedule changes.
 */
export interface HostDoneEvent {
  readonly owner: EventOwner<HostDoneEvent>;
  readonly kind: 'host-done';
}

interface QueuedHostWork extends HostWork<unknown> {
  readonly doneAtVirtualMs: number;
  readonly seq: number;
}

/** The platform's event: a scaling token of `key` is due for the invocations waiting for one. */
export interface TokenDueEvent {
  readonly owner: EventOwner<TokenDueEvent>;
  readonly kind: 'token-due';
  readonly key: string;
}

/** A function's scaling token bucket. */
interface ScalingBucket {
  tokens: number;
  updatedAtMs: number;
  readonly waiting: WaitingInvocation<unknown>[];
  eventQueued: boolean;
}


/** Shared platform state of one simulation (see the module's doc). */
export class PlatformState implements EventOwner<HostDoneEvent | TokenDueEvent> {
  readonly model: PlatformModel;
  readonly #engine: SimEngine;
  /** The storage server's network (bytes per ms), shared by every transfer of every run. */
  readonly bandwidth: SharedLink;
  /** The storage server's operation rate (operations per ms), shared by every small operation and counter update. */
  readonly operations: SharedLink;
  readonly #buckets = new Map<string, ScalingBucket>();
  #live = 0;
  #peakLive = 0;
  #throttled = 0;
  // A FIFO of invocations waiting for a slot: an array read from `#waitingHead` (Array.shift moves every element, and
  // under load thousands wait), compacted when half of it has been read.
  #waiting: WaitingInvocation<unknown>[] = [];
  #waitingHead = 0;
  // With a dispatch strategy, waiting invocations queue here instead, in the strategy's order (`core/dispatch`).
  readonly #dispatch: DispatchQueue<WaitingInvocation<unknown>> | undefined;
  #dispatchSeq = 0;
  readonly #recentSlaMet: boolean[] = [];
  #recentSlaMetCount = 0;
  #recentSlaNext = 0;
  #refused = 0;
  #maxSlotWaitMs = 0;
  // Per function (resources): when each idle environment turned idle, in that order (the clock never goes back), so
  // the last is the most recently idle, and when it is past the keep-alive every earlier one is too.
  readonly #idleSinceMs = new Map<string, number[]>();
  /** Cores of the shared host; undefined when every instance has its own CPU (Lambda). */
  readonly hostCores: number | undefined;
  /** Other programs' always-runnable processes on the shared host (`cpu.otherHostJobs`). */
  readonly #otherHostJobs: number;
  // Processor sharing by virtual time: every job under way progresses at the same rate min(1, cores / n), so the
  // host's virtual clock (ms of progress each job has had) is enough, and only the job that finishes first needs an
  // event, rescheduled whenever n changes.
  readonly #hostJobs = new TinyQueue<QueuedHostWork>([], (a, b) => a.doneAtVirtualMs - b.doneAtVirtualMs || a.seq - b.seq);
  #hostSeq = 0;
  #hostVirtualMs = 0;
  #hostUpdatedAtMs = 0;
  #hostVersion = 0;
  readonly #hostDone: HostDoneEvent = { owner: this, kind: 'host-done' };

  /**
   * `dispatch`: a strategy ordering the invocations that wait for a slot (`core/dispatch`); without it they wait
   * first come, first served. With no contention nothing waits, and every strategy is FIFO.
   */
  constructor(engine: SimEngine, model: PlatformModel, dispatch?: DispatchQueueOptions) {
    this.#engine = engine;
    this.model = model;
    this.#dispatch = dispatch && new DispatchQueue(dispatch);
    this.hostCores = model.cpu.hostCores;
    this.#otherHostJobs = model.cpu.otherHostJobs ?? 0;
    const { serverBurstBandwidthBytesPerMs: burstPerMs, serverBurstCreditBytes: creditBytes } = model.storage;
    this.bandwidth = new SharedLink(
      engine,
      model.storage.serverBandwidthBytesPerMs,
      burstPerMs !== undefined && creditBytes !== undefined ? { capacityPerMs: burstPerMs, creditAmount: creditBytes } : undefined,
    );
    this.operations = new SharedLink(engine, model.storage.serverOpsPerS / 1000);
  }

  /** Most invocations that held a slot at once so far. */
  get peakLiveInvocations(): number {
    return this.#peakLive;
  }

  /** Times an invocation could not start when it asked so far: no concurrency slot, or no scaling token. */
  get throttles(): number {
    return this.#throttled;
  }

  /** Invocations waiting for a slot now. */
  get waitingInvocations(): number {
    return this.#dispatch ? this.#dispatch.size : this.#waiting.length - this.#waitingHead;
  }

  /** Longest time an invocation waited for a slot so far. */
  get maxSlotWaitMs(): number {
    return this.#maxSlotWaitMs;
  }

  /** Invocations the dispatch strategy refused so far (their requests failed). */
  get refusedInvocations(): number {
    return this.#refused;
  }

  /** A request ended: whether it met its SLA, for strategies that adapt to recent attainment. */
  recordRequestOutcome(slaMet: boolean): void {
    if (this.#recentSlaMet.length < RECENT_REQUESTS) this.#recentSlaMet.push(slaMet);
    else {
      if (this.#recentSlaMet[this.#recentSlaNext]) this.#recentSlaMetCount--;
      this.#recentSlaMet[this.#recentSlaNext] = slaMet;
      this.#recentSlaNext = (this.#recentSlaNext + 1) % RECENT_REQUESTS;
    }
    if (slaMet) this.#recentSlaMetCount++;
  }

  /** Invocations holding a concurrency slot now. */
  get liveInvocations(): number {
    return this.#live;
  }

  /** Whether an invocation can start now; when not, `wait` it. */
  hasFreeSlot(): boolean {
    return this.#live < this.model.concurrency.accountLimit;
  }

  /**
   * Queues an invocation until a slot frees; `owner.admit` is called with it then (or `owner.refuse`, when the
   * dispatch strategy refuses it). `describe` tells a dispatch strategy what the invocation is; without it (or
   * without a strategy) the invocation is ordered first come, first served.
   */
  wait<I>(owner: InvocationOwner<I>, invocation: I, describe?: DescribeWaiting): void {
    this.#throttled++;
    const waiting = { owner, invocation, queuedAtMs: this.#engine.nowMs } as WaitingInvocation<unknown>;
    if (!this.#dispatch) return void this.#waiting.push(waiting);
    const seq = this.#dispatchSeq++;
    this.#dispatch.push(describe ? describe(seq) : anonymousInvocation(seq, this.#engine.nowMs), waiting);
  }

  /**
   * Takes a slot and, when an environment of `resources` has been idle within the keep-alive, that environment (the
   * most recently idle one: most-recently-used routing): 'warm'. Otherwise a new environment, which takes a scaling
   * token of the function: 'cold'. Without a token nothing is taken: 'throttled', and the caller `waitForToken`s.
   */
  startInvocation(resources: string): 'warm' | 'cold' | 'throttled' {
    const idle = this.#idleSinceMs.get(resources);
    if (idle !== undefined && idle.length > 0) {
      if (isWarm(this.model, idle[idle.length - 1]!, this.#engine.nowMs)) {
        idle.pop();
        this.#takeSlot();
        return 'warm';
      }
      // Every idle environment of this function is past the keep-alive: reclaimed.
      idle.length = 0;
    }
    const bucket = this.#bucket(resources);
    if (bucket.tokens < 1) return 'throttled';
    bucket.tokens -= 1;
    this.#takeSlot();
    return 'cold';
  }

  /** Queues an invocation until a scaling token of `resources` is due; `owner.admit` is called with it then. */
  waitForToken<I>(resources: string, owner: { admit(invocation: I): void }, invocation: I): void {
    this.#throttled++;
    const bucket = this.#bucket(resources);
    bucket.waiting.push({ owner, invocation, queuedAtMs: this.#engine.nowMs } as WaitingInvocation<unknown>);
    this.#scheduleToken(resources, bucket);
  }

  /** An invocation ended: its environment turns idle, its slot goes to the waiting invocations in order. */
  endInvocation(resources: string): void {
    const idle = this.#idleSinceMs.get(resources);
    if (idle === undefined) this.#idleSinceMs.set(resources, [this.#engine.nowMs]);
    else idle.push(this.#engine.nowMs);
    this.releaseSlot();
  }

  /**
   * Frees a slot without leaving an environment behind (a failed request's invocation) and admits waiting
   * invocations while slots are free: an admitted invocation may not take its slot (its run failed, it failed to
   * start, it waits for a token), so the next one is asked.
   */
  releaseSlot(): void {
    this.#live--;
    if (this.#dispatch) return this.#dispatchWaiting(this.#dispatch);
    while (this.#waitingHead < this.#waiting.length && this.#live < this.model.concurrency.accountLimit) {
      const next = this.#waiting[this.#waitingHead++]!;
      if (this.#waitingHead > 1024 && this.#waitingHead * 2 > this.#waiting.length) {
        this.#waiting = this.#waiting.slice(this.#waitingHead);
        this.#waitingHead = 0;
      }
      this.#maxSlotWaitMs = Math.max(this.#maxSlotWaitMs, this.#engine.nowMs - next.queuedAtMs);
      next.owner.admit(next.invocation);
    }
  }

  #dispatchWaiting(queue: DispatchQueue<WaitingInvocation<unknown>>): void {
    const view = this.#dispatchView(queue);
    while (queue.size > 0 && this.#live < this.model.concurrency.accountLimit) {
      const decision = queue.take(view)!;
      this.#maxSlotWaitMs = Math.max(this.#maxSlotWaitMs, this.#engine.nowMs - decision.payload.queuedAtMs);
      if (decision.kind === 'dispatch') decision.payload.owner.admit(decision.payload.invocation);
      else {
        this.#refused++;
        decision.payload.owner.refuse?.(decision.payload.invocation, decision.reason);
      }
    }
  }

  #dispatchView(queue: DispatchQueue<unknown>): DispatchView {
    return {
      nowMs: this.#engine.nowMs,
      get waiting() {
        return queue.size;
      },
      warmAvailable: (resourcesKey) => {
        const idle = this.#idleSinceMs.get(resourcesKey);
        return idle !== undefined && idle.length > 0 && isWarm(this.model, idle[idle.length - 1]!, this.#engine.nowMs);
      },
      recentSlaAttainment: () => (this.#recentSlaMet.length === 0 ? undefined : this.#recentSlaMetCount / this.#recentSlaMet.length),
    };
  }

  #takeSlot(): void {
    this.#live++;
    if (this.#live > this.#peakLive) this.#peakLive = this.#live;
  }

  #bucket(key: string): ScalingBucket {
    let bucket = this.#buckets.get(key);
    const now = this.#engine.nowMs;
    const { scalingBurst, scalingRefillPerS } = this.model.concurrency;
    if (!bucket) {
      bucket = { tokens: scalingBurst, updatedAtMs: now, waiting: [], eventQueued: false };
      this.#buckets.set(key, bucket);
    } else if (bucket.tokens < scalingBurst) {
      bucket.tokens = Math.min(scalingBurst, bucket.tokens + ((now - bucket.updatedAtMs) * scalingRefillPerS) / 1000);
    }
    bucket.updatedAtMs = now;
    return bucket;
  }

  #scheduleToken(key: string, bucket: ScalingBucket): void {
    if (bucket.eventQueued || bucket.waiting.length === 0) return;
    bucket.eventQueued = true;
    const dueInMs = Math.max(0, ((1 - bucket.tokens) * 1000) / this.model.concurrency.scalingRefillPerS);
    this.#engine.after(dueInMs, { owner: this, kind: 'token-due', key });
  }

  /** Adds work of `aloneMs` to the shared host; its owner hears when it is done. */
  addHostWork<J>(work: HostWork<J>, aloneMs: number): void {
    this.#advanceHost();
    this.#hostJobs.push({ ...(work as HostWork<unknown>), doneAtVirtualMs: this.#hostVirtualMs + aloneMs, seq: this.#hostSeq++ });
    this.#scheduleHost();
  }

  /** The platform's events: a job on the shared host is done, or a scaling token is due. */
  handle(event: HostDoneEvent | TokenDueEvent, tag: number): void {
    if (event.kind === 'token-due') return this.#tokenDue(event.key);
    if (tag !== this.#hostVersion) return;
    this.#advanceHost();
    const work = this.#hostJobs.pop()!;
    this.#scheduleHost();
    work.owner.hostWorkDone(work.job);
  }

  // The first waiting invocation goes back through the run's invoke path (slot, failure draw, start); it finds the
  // token, unless a warm environment serves it first. Tokens are handed out in arrival order.
  #tokenDue(key: string): void {
    const bucket = this.#bucket(key);
    bucket.eventQueued = false;
    // The event was set for when the bucket reaches a whole token; rounding can leave it a hair short, and a delay of
    // that hair does not move the clock (the event would come back at the same time, forever).
    if (bucket.tokens < 1 && bucket.tokens > 1 - 1e-9) bucket.tokens = 1;
    // Taken out first: an admitted invocation that finds no token after all queues again behind the others.
    for (const next of bucket.waiting.splice(0)) {
      if (bucket.tokens < 1) bucket.waiting.push(next);
      else next.owner.admit(next.invocation);
    }
    this.#scheduleToken(key, bucket);
  }

  #hostRate(): number {
    return Math.min(1, this.hostCores! / Math.max(1, this.#hostJobs.length + this.#otherHostJobs));
  }

  #advanceHost(): void {
    const now = this.#engine.nowMs;
    if (this.#hostJobs.length > 0) this.#hostVirtualMs += (now - this.#hostUpdatedAtMs) * this.#hostRate();
    this.#hostUpdatedAtMs = now;
  }

  #scheduleHost(): void {
    this.#hostVersion++;
    const next = this.#hostJobs.peek();
    if (next) this.#engine.after(Math.max(0, next.doneAtVirtualMs - this.#hostVirtualMs) / this.#hostRate(), this.#hostDone, this.#hostVersion);
  }
}

/** A waiting invocation no run described (a caller without dispatch information): every strategy key is its queue time. */
function anonymousInvocation(seq: number, nowMs: number): DispatchInvocation {
  return {
    seq, requestId: `anonymous-${seq}`, workflow: '', taskIds: [], resourcesKey: '', memoryMb: 0, requestArrivalMs: nowMs, queuedAtMs: nowMs,
    priorityClass: 0, deadlineMs: nowMs, predictedExecMs: nowMs, predictedRemainingPathMs: 0, predictedRemainingWorkMs: nowMs,
    predictedColdGbSeconds: nowMs, predictedWarmGbSeconds: nowMs,
  };
}
