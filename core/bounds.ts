/**
 * Physical bounds on the numbers octoplan reads from files and flags (traces, WfFormat instances, imported workflows,
 * plans, platform overrides, command-line counts). A sign check alone lets through values that are finite but absurd
 * — a runtime of 1e308 s, a file of 1e300 bytes, a bandwidth of 1e-300 bytes/ms — which then overflow inside the
 * simulator (an event "at NaN ms", a bill of Infinity) or print a makespan of 3.47e300. Every input is checked against
 * these bounds where it is read, so the error names the file and the field instead.
 *
 * Each bound is far beyond anything real (so no real input is refused) and small enough that sums and products of
 * many such values stay finite and exact enough to print: 10^6 tasks × 1 year × 10,240 MB is about 3e20 MB-ms, far
 * inside a double's range and its 15 significant digits.
 */

/** One year in ms: no FaaS run, task, transfer or start-up takes longer (Lambda stops a function at 15 minutes; the
 * longest batch workflows in WfCommons' instances run for days). Bounds every duration, time stamp and delay. */
export const MAX_DURATION_MS = 365 * 24 * 3600 * 1000;

/** One year in seconds, the same bound for WfFormat's `runtimeInSeconds` and `makespanInSeconds`. */
export const MAX_DURATION_S = MAX_DURATION_MS / 1000;

/** One nanosecond in ms: the smallest positive latency a platform can be given (0 stays allowed). No clock measures
 * less, and a subnormal one (5e-324 ms) turned into NaN in the storage server's rate arithmetic (found by the
 * property test in test/simulator/bounded-input.property.test.ts). */
export const MIN_POSITIVE_LATENCY_MS = 1e-6;

/** One hour in ms: a latency (an API call, a dispatch, a storage or metadata round trip, a cold start's part) is at
 * most this; real ones are milliseconds to seconds, and a latency of hours is a unit mistake (s or µs for ms). */
export const MAX_LATENCY_MS = 3600 * 1000;

/** One petabyte (10^15 bytes): no file, transfer or function input of a FaaS workflow is larger (Lambda's payload
 * limit is 6 MB, its temporary storage 10 GB; the largest WfCommons instances move terabytes in total). */
export const MAX_SIZE_BYTES = 1e15;

/** One byte per second, in bytes per ms: a slower link is no link (1 PB at this rate takes 3e7 years, still finite). */
export const MIN_BANDWIDTH_BYTES_PER_MS = 0.001;

/** 10^15 bytes per ms (an exabyte per second): far above any network (the fastest NICs are 800 Gbit/s, 10^8 bytes
 * per ms), high enough to stand for "unbounded" in what-if studies and tests; only the lower bound keeps times finite. */
export const MAX_BANDWIDTH_BYTES_PER_MS = 1e15;

/** Spread (sigma) of a log-normal latency: at 5 its 99th percentile is 10^5 times the median, far wider than any
 * measured latency (Lambda's cold starts have sigma ≈ 0.1–0.5); e^(sigma × z) overflows long before sigma = 1e300. */
export const MAX_LOG_SIGMA = 5;

/** vCPUs of one worker on any platform modelled: a 1,024-core host is beyond the largest cloud machines (Lambda: 6). */
export const MAX_VCPUS = 1024;

/** Memory of one worker in MB on any platform modelled: 24 TB, the largest cloud machines (Lambda: 10,240 MB). */
export const MAX_HOST_MEMORY_MB = 24 * 1024 * 1024;

/** Concurrent workers, scaling burst and refill rate of one account: 10^9, a million times Lambda's default quota
 * (what-if studies and tests use it as "no limit"). */
export const MAX_CONCURRENCY = 1_000_000_000;

/** Storage operations per second of one server: 10^18, "unbounded" for what-if studies (a Redis node does 10^5). */
export const MAX_OPS_PER_S = 1e18;

/** Retries of one invocation: Lambda makes at most 2; 100 is any retry policy a study would model. */
export const MAX_RETRIES = 100;

/** Price of one GB-s or one request in USD: 1 USD is 60,000 times Lambda's GB-s price and 5 million times its
 * request price; a larger figure is a unit mistake (cents or micro-dollars for dollars). */
export const MAX_PRICE_USD = 1;

/** Runs, requests or tasks a command generates or simulates at once: 10^6 keeps a command within hours here and
 * its records within memory (a million runs of a 17-task workflow are 36 million records). */
export const MAX_COUNT = 1_000_000;

/** What a failed bound check says: `expected a number <= 31536000000 (1 year in ms)`. */
export function atMost(max: number, what: string): string {
  return `expected a number <= ${max} (${what})`;
}

/** What a failed lower bound says: `expected a number >= 0.001 (1 byte/s in bytes per ms)`. */
export function atLeast(min: number, what: string): string {
  return `expected a number >= ${min} (${what})`;
}

/** Human names of the bounds, for messages. */
export const BOUND_NAMES = {
  duration: '1 year in ms',
  durationS: '1 year in s',
  latency: '1 hour in ms',
  size: '1 PB in bytes',
  minBandwidth: '1 byte/s in bytes per ms',
  maxBandwidth: '1 EB/s in bytes per ms',
  sigma: 'a log-normal spread of 10^5 between median and p99',
  vCpus: 'vCPUs of the largest host modelled',
  memory: 'MB of the largest host modelled',
  concurrency: 'a million times Lambda\'s default quota',
  ops: 'operations per second of any storage server',
  retries: 'retries of any retry policy',
  price: 'USD, a unit mistake above this',
  count: 'a million',
} as const;

/**
 * Checks `value` against [min, max] and returns a message naming the bound broken, or undefined when it holds. For
 * code that checks by hand rather than through a zod schema (the WfFormat reader, the CLI's flags).
 */
export function outOfBounds(value: number, max: number, maxName: string, min = 0, minName = '0'): string | undefined {
  if (!Number.isFinite(value)) return `expected a finite number, got ${value}`;
  if (value < min) return `expected a number >= ${min} (${minName}), got ${value}`;
  if (value > max) return `expected a number <= ${max} (${maxName}), got ${value}`;
  return undefined;
}

/** A rate (tokens, operations) of one per year, per second: slower is no rate at all, and one per 1e-300 s waits
 * 1e300 s for its first token. */
export const MIN_RATE_PER_S = 1 / MAX_DURATION_S;

/** Billing granularity of one µs, in ms: finer than any provider bills (Lambda: 1 ms); 1e-300 ms overflows the
 * rounding up of a bill (duration / granularity). */
export const MIN_BILLING_GRANULARITY_MS = 0.001;
