import { ConfigError } from '../../core/errors.js';
import { rngFor, type Rng, type Seed } from '../../core/random.js';
import { checkArrivals, nextGapMs, type ArrivalPattern, type TraceArrival } from '../../simulator/arrivals.js';

/**
 * The arrival schedule of a load point, drawn from the seed exactly as the load simulation draws it
 * (`simulator/load-simulation.ts`: gaps from the stream `load/arrivals`, the workflow of each request from `load/mix`
 * by weight), so a real load run at seed S sends the requests the simulation at seed S sends, at the same offsets.
 * The real driver (`real-load.ts`) uses this; `test/experiments/arrival-schedule.test.ts` holds the two together.
 */

/** A workflow of the mix as far as arrivals are concerned: its name and weight. */
export interface WeightedName {
  readonly name: string;
  readonly weight: number;
}

/**
 * Picks the workflow of each request by weight from the stream `load/mix` of `seed`, one draw per request in sending
 * order (none with a one-workflow mix), as the load simulation does.
 */
export function mixPicker(mix: readonly WeightedName[], seed: Seed): () => string {
  if (mix.length === 0) throw new ConfigError('the load mix has no workflows');
  const totalWeight = mix.reduce((sum, entry) => sum + entry.weight, 0);
  if (!(totalWeight > 0)) throw new ConfigError('the weights of the load mix must sum to a positive number');
  const rng: Rng = rngFor(seed, 'load/mix');
  return () => {
    if (mix.length === 1) return mix[0]!.name;
    let u = rng.next() * totalWeight;
    for (const entry of mix) {
      u -= entry.weight;
      if (u < 0) return entry.name;
    }
    return mix[mix.length - 1]!.name;
  };
}

/**
 * The arrivals of an open-loop pattern (Poisson, per minute, bursts, a trace) until `requests` have been sent or
 * `durationMs` has passed: times in ms from the start of the point and the workflow of each. A closed loop has no
 * schedule (its arrivals depend on latencies): undefined.
 */
export function openLoopSchedule(
  pattern: ArrivalPattern,
  mix: readonly WeightedName[],
  options: { readonly seed: Seed; readonly requests?: number; readonly durationMs?: number },
): TraceArrival[] | undefined {
  checkArrivals(pattern);
  if (pattern.kind === 'closed') return undefined;
  if (pattern.kind === 'trace') return [...pattern.arrivals];
  if (options.requests === undefined && options.durationMs === undefined) throw new ConfigError('a load point needs a number of requests or a duration');
  const pick = mixPicker(mix, options.seed);
  const gapRng = rngFor(options.seed, 'load/arrivals');
  const maxRequests = options.requests ?? Infinity;
  const stopAtMs = options.durationMs ?? Infinity;
  const arrivals: TraceArrival[] = [];
  // As the simulation's driver: the first gap, then per sent request the gap to the next, drawn only while another
  // request may still go (so the streams advance alike).
  let atMs = nextGapMs(pattern, 0, gapRng);
  while (arrivals.length < maxRequests && atMs < stopAtMs) {
    arrivals.push({ timeMs: atMs, workflow: pick() });
    if (!(arrivals.length < maxRequests && atMs < stopAtMs)) break;
    atMs += nextGapMs(pattern, arrivals.length, gapRng);
  }
  return arrivals;
}
