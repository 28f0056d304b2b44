import TinyQueue from 'tinyqueue';
import { ConfigError } from '../errors.js';
import { isAdaptive, type AnyDispatchStrategy, type DispatchStrategy } from './strategy.js';
import type { DispatchView, WaitingInvocation } from './waiting-invocation.js';

/** Options of a dispatch queue. */
export interface DispatchQueueOptions {
  readonly strategy: AnyDispatchStrategy;
  /**
   * Starvation guard: an invocation that has waited this long goes before any other (the longest-waiting first).
   * Undefined: no guard, and a strategy other than FIFO may keep an invocation waiting as long as shorter, earlier
   * or cheaper work keeps arriving.
   */
  readonly maxWaitMs?: number;
}

/** What the queue hands out for a freed slot. */
export type DispatchDecision<T> =
  | { readonly kind: 'dispatch'; readonly invocation: WaitingInvocation; readonly payload: T; readonly starved: boolean }
  | { readonly kind: 'refuse'; readonly invocation: WaitingInvocation; readonly payload: T; readonly reason: string };

interface Entry<T> {
  readonly invocation: WaitingInvocation;
  readonly payload: T;
  key: number;
  taken: boolean;
}

const byKeyThenSeq = (a: Entry<unknown>, b: Entry<unknown>): number => a.key - b.key || a.invocation.seq - b.invocation.seq;

/**
 * The waiting invocations of one account, ordered by a dispatch strategy (`strategy.ts`). One heap per function
 * (`resourcesKey`) by the strategy's fixed key; at a freed slot the first invocations of the functions are compared
 * by the strategy's `headKey` (which may look at the moment: a warm environment, the clock). A queue-ordered list
 * beside the heaps serves the starvation guard; an entry taken through one structure is skipped in the other when
 * it surfaces there. A pure data structure: the simulator's platform and the runtime's dispatcher both use it, each
 * carrying its own `payload` with an invocation.
 */
export class DispatchQueue<T> {
  readonly #strategy: AnyDispatchStrategy;
  readonly #maxWaitMs: number | undefined;
  readonly #byFunction = new Map<string, TinyQueue<Entry<T>>>();
  // Every entry in queue order, read from `#head`, compacted when half of it has been read.
  #inOrder: Entry<T>[] = [];
  #head = 0;
  #size = 0;
  #active: 0 | 1 = 0;
  #switches = 0;
  #lastSeq = -Infinity;

  constructor(options: DispatchQueueOptions) {
    if (options.maxWaitMs !== undefined && !(options.maxWaitMs >= 0 && Number.isFinite(options.maxWaitMs))) {
      throw new ConfigError(`dispatch: maxWaitMs must be a finite number ≥ 0 (got ${options.maxWaitMs})`);
    }
    this.#strategy = options.strategy;
    this.#maxWaitMs = options.maxWaitMs;
  }

  /** Invocations waiting. */
  get size(): number {
    return this.#size;
  }

  /** The strategy ordering the queue now (for an adaptive strategy, the one it has chosen). */
  get activeStrategy(): DispatchStrategy {
    return isAdaptive(this.#strategy) ? this.#strategy.strategies[this.#active] : this.#strategy;
  }

  /** Times an adaptive strategy switched so far. */
  get switches(): number {
    return this.#switches;
  }

  /** Queues an invocation; `payload` comes back with it when it is dispatched or refused. */
  push(invocation: WaitingInvocation, payload: T): void {
    if (!(invocation.seq > this.#lastSeq)) {
      throw new RangeError(`dispatch queue: invocation seq ${invocation.seq} is not above the last queued (${this.#lastSeq})`);
    }
    this.#lastSeq = invocation.seq;
    const key = this.activeStrategy.key(invocation);
    if (Number.isNaN(key)) throw new RangeError(`dispatch strategy '${this.activeStrategy.name}' gave no key (NaN) for request ${invocation.requestId}`);
    const entry: Entry<T> = { invocation, payload, key, taken: false };
    let heap = this.#byFunction.get(invocation.resourcesKey);
    if (!heap) {
      heap = new TinyQueue<Entry<T>>([], byKeyThenSeq);
      this.#byFunction.set(invocation.resourcesKey, heap);
    }
    heap.push(entry);
    this.#inOrder.push(entry);
    this.#size++;
  }

  /** Hands out the invocation that gets a freed slot, or undefined when none waits. */
  take(view: DispatchView): DispatchDecision<T> | undefined {
    if (this.#size === 0) return undefined;
    this.#adapt(view);
    const oldest = this.#oldest();
    const starved = oldest !== undefined && this.#maxWaitMs !== undefined && view.nowMs - oldest.invocation.queuedAtMs >= this.#maxWaitMs;
    const entry = starved ? oldest : this.#best(view);
    entry.taken = true;
    this.#size--;
    const strategy = this.activeStrategy;
    const reason = strategy.refuse?.(entry.invocation, view);
    if (reason !== undefined) return { kind: 'refuse', invocation: entry.invocation, payload: entry.payload, reason };
    return { kind: 'dispatch', invocation: entry.invocation, payload: entry.payload, starved };
  }

  /** Every waiting invocation, in the order the strategy would dispatch them if nothing changed meanwhile. */
  peekOrder(view: DispatchView): WaitingInvocation[] {
    const entries = this.#inOrder.slice(this.#head).filter((entry) => !entry.taken);
    const strategy = this.activeStrategy;
    const ordered: Entry<T>[] = [];
    const byFunction = new Map<string, Entry<T>[]>();
    for (const entry of entries) {
      const list = byFunction.get(entry.invocation.resourcesKey);
      if (list) list.push(entry);
      else byFunction.set(entry.invocation.resourcesKey, [entry]);
    }
    for (const list of byFunction.values()) list.sort(byKeyThenSeq);
    while (ordered.length < entries.length) {
      let best: Entry<T>[] | undefined;
      for (const list of byFunction.values()) {
        if (list.length > 0 && (!best || compareHeads(strategy, list[0]!, best[0]!, view) < 0)) best = list;
      }
      ordered.push(best!.shift()!);
    }
    return ordered.map((entry) => entry.invocation);
  }

  #oldest(): Entry<T> | undefined {
    while (this.#head < this.#inOrder.length && this.#inOrder[this.#head]!.taken) this.#head++;
    if (this.#head > 1024 && this.#head * 2 > this.#inOrder.length) {
      this.#inOrder = this.#inOrder.slice(this.#head);
      this.#head = 0;
    }
    return this.#inOrder[this.#head];
  }

  #best(view: DispatchView): Entry<T> {
    const strategy = this.activeStrategy;
    let best: { heap: TinyQueue<Entry<T>>; entry: Entry<T> } | undefined;
    for (const heap of this.#byFunction.values()) {
      while (heap.length > 0 && heap.peek()!.taken) heap.pop();
      const head = heap.peek();
      if (head && (!best || compareHeads(strategy, head, best.entry, view) < 0)) best = { heap, entry: head };
    }
    // The size says something waits, so some heap has a head.
    best!.heap.pop();
    return best!.entry;
  }

  #adapt(view: DispatchView): void {
    if (!isAdaptive(this.#strategy)) return;
    const next = this.#strategy.choose(view, this.#active);
    if (next === this.#active) return;
    this.#active = next;
    this.#switches++;
    const strategy = this.activeStrategy;
    for (const [resourcesKey, heap] of this.#byFunction) {
      const entries: Entry<T>[] = [];
      while (heap.length > 0) {
        const entry = heap.pop()!;
        if (entry.taken) continue;
        entry.key = strategy.key(entry.invocation);
        entries.push(entry);
      }
      this.#byFunction.set(resourcesKey, new TinyQueue(entries, byKeyThenSeq));
    }
  }
}

function compareHeads(strategy: DispatchStrategy, a: Entry<unknown>, b: Entry<unknown>, view: DispatchView): number {
  if (!strategy.headKey) return byKeyThenSeq(a, b);
  return strategy.headKey(a.invocation, view) - strategy.headKey(b.invocation, view) || a.invocation.seq - b.invocation.seq;
}
