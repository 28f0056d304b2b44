import { rngFor, type Rng, type Seed } from '../../core/random.js';

/** Derived seeds are integers in [0, 2^31): readable in trace headers and JSON. */
const SEED_RANGE = 2 ** 31;

/**
 * The seed of a workload's generated history: split from the matrix seed by workload name only, so adding a workload
 * (or a planner) to the matrix never changes another workload's history.
 */
export function historySeed(seed: Seed, workload: string): number {
  return rngFor(seed, `compare/history/${workload}`).int(SEED_RANGE);
}

/** Identifies one simulated run of the matrix; the random streams of the run derive from it alone. */
export interface RunKey {
  readonly workload: string;
  readonly sla: string;
  readonly variant: string;
  readonly run: number;
}

/** The stream-name pattern of a run, documented in the results. */
export const RUN_STREAM_PATTERN = 'compare/<workload>/<sla>/<variant>/run-<i>/<exec|output|startup|transfer|platform>';

function runComponent(key: RunKey, stream: string): string {
  return `compare/${key.workload}/${key.sla}/${key.variant}/run-${key.run}/${stream}`;
}

/**
 * The duration streams of one run, split per (workload, SLA, variant, run): adding a variant or a run never changes
 * the draws of another.
 */
export function runDurationRngs(seed: Seed, key: RunKey): { exec: Rng; output: Rng; startup: Rng; transfer: Rng } {
  const rng = (stream: string) => rngFor(seed, runComponent(key, stream));
  return { exec: rng('exec'), output: rng('output'), startup: rng('startup'), transfer: rng('transfer') };
}

/** The seed of the simulator's own platform noise (counter, notification and storage latencies) for one run. */
export function runPlatformSeed(seed: Seed, key: RunKey): number {
  return rngFor(seed, runComponent(key, 'platform')).int(SEED_RANGE);
}
