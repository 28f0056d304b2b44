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

/** Identifies one simulated run of the matrix. */
export interface RunKey {
  readonly workload: string;
  readonly sla: string;
  readonly variant: string;
  readonly run: number;
}

/**
 * The stream-name pattern of a run's truth draw, documented in the results. It names the workload and the run index
 * only, not the SLA, prediction-error level or variant: every plan of a workload is graded on the same draws
 * (common random numbers), so two identical plans give identical runs.
 */
export const RUN_STREAM_PATTERN = 'compare/<workload>/truth/run-<i>/<tasks|startup|transfer|platform>';

function truthComponent(workload: string, run: number, stream: string): string {
  return `compare/${workload}/truth/run-${run}/${stream}`;
}

/** The truth streams of simulated run `run` of a workload: per-task draws, start-up and transfer noise. */
export function truthRngs(seed: Seed, workload: string, run: number): { tasks: Rng; startup: Rng; transfer: Rng } {
  const rng = (stream: string) => rngFor(seed, truthComponent(workload, run, stream));
  return { tasks: rng('tasks'), startup: rng('startup'), transfer: rng('transfer') };
}

/** The seed of the simulator's own platform noise (counter, notification and storage latencies) for one run. */
export function truthPlatformSeed(seed: Seed, workload: string, run: number): number {
  return rngFor(seed, truthComponent(workload, run, 'platform')).int(SEED_RANGE);
}

/** The stream that chooses a workload's held-out runs. */
export function splitRng(seed: Seed, workload: string): Rng {
  return rngFor(seed, `compare/${workload}/split`);
}

/**
 * The stream of a function's belief error: one standard normal per function, shared by every error level, so the
 * levels scale one perturbation rather than drawing a new one each.
 */
export function beliefErrorRng(seed: Seed, workload: string, functionName: string): Rng {
  return rngFor(seed, `compare/${workload}/belief-error/${functionName}`);
}
