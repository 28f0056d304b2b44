import type { DispatchView, WaitingInvocation } from './waiting-invocation.js';

/**
 * A dispatch strategy: the order in which a saturated account's waiting invocations get the slots that free up.
 *
 * The order is a number per invocation (`key`, smaller first, ties in queue order) that does not change while the
 * invocation waits. That keeps a queue of thousands cheap (a heap in the simulator, a sorted set's score in Redis) and
 * makes the order the same in both. What depends on the moment of dispatch goes into `headKey` (compared only between
 * the first invocations of different functions) or `refuse`.
 */
export interface DispatchStrategy {
  readonly name: string;
  /** One line for `--help` and reports: what goes first. */
  readonly description: string;
  /** Order of an invocation: smaller goes first; equal keys go in queue order. Fixed while it waits. */
  key(invocation: WaitingInvocation): number;
  /**
   * Compares the first waiting invocations of different functions (`resourcesKey`s) at the moment of dispatch:
   * smaller goes first. Among the invocations of one function it must order as `key` does. Default: `key`.
   */
  headKey?(invocation: WaitingInvocation, view: DispatchView): number;
  /**
   * Admission control: called when the invocation's slot comes; a reason refuses it (its request fails, counted),
   * undefined dispatches it. Default: every invocation is dispatched.
   */
  refuse?(invocation: WaitingInvocation, view: DispatchView): string | undefined;
}

/**
 * Two strategies and a rule for which one orders the queue now. When the rule switches, the queue re-keys what
 * waits (in Redis: rewrites the scores), so the rule should switch rarely (hysteresis).
 */
export interface AdaptiveDispatchStrategy {
  readonly kind: 'adaptive';
  readonly name: string;
  readonly description: string;
  readonly strategies: readonly [DispatchStrategy, DispatchStrategy];
  /** Which of the two strategies orders the queue now, given which one does (0 at the start). */
  choose(view: DispatchView, current: 0 | 1): 0 | 1;
}

/** Either kind of strategy a dispatch queue takes. */
export type AnyDispatchStrategy = DispatchStrategy | AdaptiveDispatchStrategy;

/** Whether `strategy` is an adaptive one. */
export function isAdaptive(strategy: AnyDispatchStrategy): strategy is AdaptiveDispatchStrategy {
  return (strategy as AdaptiveDispatchStrategy).kind === 'adaptive';
}

// Priority classes are whole numbers below this, so that class × span + queue time stays an exact double
// (99 × 1e13 + 1e13 < 2^53): one number per invocation, usable as a Redis score.
export const MAX_PRIORITY_CLASS = 99;
const PRIORITY_SPAN_MS = 1e13;

/** First come, first served: today's behaviour and the default. Never starves an invocation. */
export const fifoStrategy: DispatchStrategy = {
  name: 'fifo',
  description: 'first queued, first dispatched (the platform default)',
  key: (invocation) => invocation.queuedAtMs,
};

/** The workflow's priority class first (smaller first), first come first served within a class. */
export const priorityStrategy: DispatchStrategy = {
  name: 'priority',
  description: "the mix's priority class first (0 before 1), FIFO within a class",
  key: (invocation) => invocation.priorityClass * PRIORITY_SPAN_MS + invocation.queuedAtMs,
};

/** Shortest job first: the invocation whose own tasks have the least predicted execution time. */
export const sjfStrategy: DispatchStrategy = {
  name: 'sjf',
  description: "shortest predicted execution of the invocation's tasks first",
  key: (invocation) => invocation.predictedExecMs,
};

/** Shortest remaining processing time: the request with the least predicted work left goes first. */
export const srptStrategy: DispatchStrategy = {
  name: 'srpt',
  description: 'least predicted remaining work of the whole request first',
  key: (invocation) => invocation.predictedRemainingWorkMs,
};

// Offset that puts every invocation that can start warm before every one that cannot (GB-s of one invocation are
// far below it: 10 GB for 900 s is 9,000).
const COLD_TIER_GB_SECONDS = 1e9;

/**
 * Cost-optimised: invocations that find a warm environment of their function first, then the cheapest predicted
 * GB-s. Within one function warm and cold GB-s differ by the same start-up, so `key` (warm GB-s) orders it.
 */
export const costStrategy: DispatchStrategy = {
  name: 'cost',
  description: 'invocations that find a warm environment first, then cheapest predicted GB-s',
  key: (invocation) => invocation.predictedWarmGbSeconds,
  headKey: (invocation, view) =>
    view.warmAvailable(invocation.resourcesKey) ? invocation.predictedWarmGbSeconds : COLD_TIER_GB_SECONDS + invocation.predictedColdGbSeconds,
};

/** Earliest deadline first (deadline: the request's arrival plus its SLA). */
export const edfStrategy: DispatchStrategy = {
  name: 'edf',
  description: "earliest request deadline first (arrival + the workflow's SLA)",
  key: (invocation) => invocation.deadlineMs,
};

/**
 * Least slack first: slack = deadline − now − predicted remaining path. `now` is the same for every waiting
 * invocation, so the order is that of deadline − remaining path, fixed while they wait. The remaining path comes from
 * the prediction engine, which learns from recorded runs: this is the "learned" strategy.
 */
export const leastSlackStrategy: DispatchStrategy = {
  name: 'least-slack',
  description: 'least predicted slack first (deadline − now − predicted remaining critical path), learned from the history',
  key: (invocation) => invocation.deadlineMs - invocation.predictedRemainingPathMs,
};

/** Thresholds of `adaptiveStrategy`. */
export interface AdaptiveThresholds {
  /** Switch to the overload strategy when recent SLA attainment falls below this... */
  readonly overloadBelowAttainment: number;
  /** ...or the queue grows beyond this many invocations. */
  readonly overloadQueueLength: number;
  /** Switch back when attainment is at least this and the queue at most half of `overloadQueueLength`. */
  readonly recoverAtAttainment: number;
}

/** Defaults of the built-in `adaptive` strategy. */
export const DEFAULT_ADAPTIVE_THRESHOLDS: AdaptiveThresholds = { overloadBelowAttainment: 0.8, overloadQueueLength: 256, recoverAtAttainment: 0.9 };

/**
 * An adaptive strategy: `normal` while deadlines are mostly met and the queue is short, `overload` otherwise, with
 * hysteresis (it switches back only once attainment has recovered above the higher threshold and the queue has
 * halved).
 */
export function adaptiveStrategy(
  name: string,
  normal: DispatchStrategy,
  overload: DispatchStrategy,
  thresholds: AdaptiveThresholds = DEFAULT_ADAPTIVE_THRESHOLDS,
): AdaptiveDispatchStrategy {
  return {
    kind: 'adaptive',
    name,
    description: `${normal.name} while SLA attainment ≥ ${thresholds.overloadBelowAttainment} and ≤ ${thresholds.overloadQueueLength} wait, else ${overload.name} until attainment ≥ ${thresholds.recoverAtAttainment} and the queue has halved`,
    strategies: [normal, overload],
    choose(view, current) {
      const attainment = view.recentSlaAttainment();
      if (current === 0) {
        const missing = attainment !== undefined && attainment < thresholds.overloadBelowAttainment;
        return missing || view.waiting > thresholds.overloadQueueLength ? 1 : 0;
      }
      const recovered = (attainment === undefined || attainment >= thresholds.recoverAtAttainment) && view.waiting <= thresholds.overloadQueueLength / 2;
      return recovered ? 0 : 1;
    },
  };
}

/**
 * EDF while deadlines can mostly be met (where it minimises the maximum lateness), SRPT once they cannot: under
 * overload EDF serves the requests that are already late first and lets the others become late too (the domino
 * effect), while SRPT finishes the most requests per unit of work.
 */
export const adaptiveEdfSrptStrategy: AdaptiveDispatchStrategy = adaptiveStrategy('adaptive', edfStrategy, srptStrategy);

/** The built-in strategies, the default first. */
export const DISPATCH_STRATEGIES: readonly AnyDispatchStrategy[] = [
  fifoStrategy,
  priorityStrategy,
  sjfStrategy,
  srptStrategy,
  costStrategy,
  edfStrategy,
  leastSlackStrategy,
  adaptiveEdfSrptStrategy,
];
