import { MAX_DURATION_MS } from '../core/bounds.js';
import { ConfigError } from '../core/errors.js';
import type { Rng } from '../core/random.js';

/**
 * How requests arrive in a load simulation. Open-loop patterns (Poisson, fixed rate per minute, bursts, a trace of
 * arrival times) send requests whatever the system does; the closed loop has N clients that each send a request,
 * wait for its result (or its timeout) and think before the next, so the offered load falls as latency grows.
 */
export type ArrivalPattern =
  /** Open loop, exponential gaps with mean 1000 / `ratePerS` ms. */
  | { readonly kind: 'poisson'; readonly ratePerS: number }
  /** Open loop, one request every 60,000 / `perMinute` ms (FaaSFlow's load generator sends at a fixed rate). */
  | { readonly kind: 'rpm'; readonly perMinute: number }
  /** Open loop, `size` requests at once every `everyMs`. */
  | { readonly kind: 'burst'; readonly size: number; readonly everyMs: number }
  /** Closed loop: `clients` clients, each sending its next request `thinkMs` after its last one ended. */
  | { readonly kind: 'closed'; readonly clients: number; readonly thinkMs: number }
  /** Open loop, the given arrival times (ms from the start) and workflows, e.g. read from a CSV file. */
  | { readonly kind: 'trace'; readonly arrivals: readonly TraceArrival[] };

/** One arrival of a trace: when, and which workflow of the mix (by name). */
export interface TraceArrival {
  readonly timeMs: number;
  readonly workflow: string;
}

/** Checks an arrival pattern's numbers; throws a ConfigError naming the bad one. */
export function checkArrivals(pattern: ArrivalPattern): void {
  const positive = (what: string, value: number) => {
    if (!(Number.isFinite(value) && value > 0)) throw new ConfigError(`${what} must be a number > 0, got ${value}`);
  };
  switch (pattern.kind) {
    case 'poisson':
      return positive('the arrival rate (requests per second)', pattern.ratePerS);
    case 'rpm':
      return positive('the arrival rate (requests per minute)', pattern.perMinute);
    case 'burst':
      positive('the burst interval (ms)', pattern.everyMs);
      if (!(Number.isInteger(pattern.size) && pattern.size >= 1)) throw new ConfigError(`the burst size must be a whole number >= 1, got ${pattern.size}`);
      return;
    case 'closed':
      if (!(Number.isInteger(pattern.clients) && pattern.clients >= 1)) throw new ConfigError(`the number of clients must be a whole number >= 1, got ${pattern.clients}`);
      if (!(Number.isFinite(pattern.thinkMs) && pattern.thinkMs >= 0)) throw new ConfigError(`the think time must be a number of ms >= 0, got ${pattern.thinkMs}`);
      return;
    case 'trace':
      if (pattern.arrivals.length === 0) throw new ConfigError('the arrival trace has no arrivals');
      pattern.arrivals.forEach((a, i) => {
        if (!(Number.isFinite(a.timeMs) && a.timeMs >= 0)) throw new ConfigError(`arrival ${i + 1}: timeMs must be a number >= 0, got ${a.timeMs}`);
        // Bounded as every time is (core/bounds.ts): an arrival at 1e300 ms kept the load sampler stepping forever.
        if (a.timeMs > MAX_DURATION_MS) throw new ConfigError(`arrival ${i + 1}: timeMs ${a.timeMs} is more than a year (${MAX_DURATION_MS} ms)`);
        if (i > 0 && a.timeMs < pattern.arrivals[i - 1]!.timeMs) throw new ConfigError(`arrival ${i + 1}: times must not decrease (${a.timeMs} after ${pattern.arrivals[i - 1]!.timeMs})`);
      });
      return;
  }
}

/**
 * The gap before the next open-loop arrival after arrival `index` (0 = the first, which comes at 0 for every
 * pattern but Poisson, whose first gap is drawn too). Not for closed or trace patterns.
 */
export function nextGapMs(pattern: ArrivalPattern, index: number, rng: Rng): number {
  switch (pattern.kind) {
    case 'poisson':
      // Inverse transform of the exponential; 1 - u is in (0, 1], so the log is finite.
      return (-Math.log(1 - rng.next()) * 1000) / pattern.ratePerS;
    case 'rpm':
      return index === 0 ? 0 : 60_000 / pattern.perMinute;
    case 'burst':
      return index === 0 || index % pattern.size !== 0 ? 0 : pattern.everyMs;
    default:
      throw new Error(`arrivals: no gaps for a ${pattern.kind} pattern`);
  }
}

/** A short label of an offered load, for tables: `2/s`, `6/min`, `10 clients`, `burst 5/10s`, `trace`. */
export function formatArrivals(pattern: ArrivalPattern): string {
  switch (pattern.kind) {
    case 'poisson':
      return `${pattern.ratePerS}/s`;
    case 'rpm':
      return `${pattern.perMinute}/min`;
    case 'burst':
      return `burst ${pattern.size}/${pattern.everyMs / 1000}s`;
    case 'closed':
      return `${pattern.clients} client${pattern.clients === 1 ? '' : 's'}`;
    case 'trace':
      return 'trace';
  }
}

/** The offered load in requests per second, where the pattern fixes one (not for closed loops). */
export function offeredPerS(pattern: ArrivalPattern): number | undefined {
  switch (pattern.kind) {
    case 'poisson':
      return pattern.ratePerS;
    case 'rpm':
      return pattern.perMinute / 60;
    case 'burst':
      return (pattern.size * 1000) / pattern.everyMs;
    case 'trace': {
      const a = pattern.arrivals;
      const spanMs = a.length > 1 ? a[a.length - 1]!.timeMs - a[0]!.timeMs : 0;
      return spanMs > 0 ? ((a.length - 1) * 1000) / spanMs : undefined;
    }
    case 'closed':
      return undefined;
  }
}
