import { mean, median, percentile as statsPercentile } from '../../core/stats.js';

/** Signed relative error of a prediction in %: (predicted − measured) / measured × 100. */
export function percentError(predicted: number, measured: number): number {
  if (!(measured > 0)) throw new RangeError(`percentError: measured value must be > 0, got ${measured}`);
  return ((predicted - measured) / measured) * 100;
}

/**
 * The `p`-th percentile (0–100) of `values`: `core/stats.ts` (type 7, linear interpolation between closest ranks, so
 * p90 of a short list lies between its two largest values instead of being the largest); NaN for no values.
 */
export const percentile = statsPercentile;

/** Simulated against measured for one workload × planner: means over the runs of each side, errors in %. */
export interface CaseComparison {
  readonly workload: string;
  readonly planner: string;
  readonly measuredMakespanMs: number;
  readonly simulatedMakespanMs: number;
  readonly makespanErrorPct: number;
  readonly measuredGbSeconds: number;
  readonly simulatedGbSeconds: number;
  readonly gbSecondsErrorPct: number;
}

/** Compares the simulated runs of a case with its measured runs (each side's mean makespan and GB-s). */
export function compareCase(
  workload: string,
  planner: string,
  measured: readonly { makespanMs: number; gbSeconds: number }[],
  simulated: readonly { makespanMs: number; gbSeconds: number }[],
): CaseComparison {
  if (measured.length === 0 || simulated.length === 0) throw new RangeError(`${workload} × ${planner}: no measured or no simulated run to compare`);
  const measuredMakespanMs = mean(measured.map((r) => r.makespanMs));
  const simulatedMakespanMs = mean(simulated.map((r) => r.makespanMs));
  const measuredGbSeconds = mean(measured.map((r) => r.gbSeconds));
  const simulatedGbSeconds = mean(simulated.map((r) => r.gbSeconds));
  return {
    workload,
    planner,
    measuredMakespanMs,
    simulatedMakespanMs,
    makespanErrorPct: percentError(simulatedMakespanMs, measuredMakespanMs),
    measuredGbSeconds,
    simulatedGbSeconds,
    gbSecondsErrorPct: percentError(simulatedGbSeconds, measuredGbSeconds),
  };
}

/** Median and p90 of the absolute makespan and GB-s errors over every case. */
export interface ErrorSummary {
  readonly cases: number;
  readonly medianAbsMakespanErrorPct: number;
  readonly p90AbsMakespanErrorPct: number;
  readonly medianAbsGbSecondsErrorPct: number;
  readonly p90AbsGbSecondsErrorPct: number;
}

/** Summarizes the cases' absolute errors (median and p90, `percentile`). */
export function summarizeErrors(cases: readonly CaseComparison[]): ErrorSummary {
  const makespan = cases.map((c) => Math.abs(c.makespanErrorPct));
  const gbSeconds = cases.map((c) => Math.abs(c.gbSecondsErrorPct));
  return {
    cases: cases.length,
    medianAbsMakespanErrorPct: percentile(makespan, 50),
    p90AbsMakespanErrorPct: percentile(makespan, 90),
    medianAbsGbSecondsErrorPct: percentile(gbSeconds, 50),
    p90AbsGbSecondsErrorPct: percentile(gbSeconds, 90),
  };
}

/** Per-task prediction errors: predicted against measured execution time of each executed task. */
export interface TaskPredictionErrors {
  readonly tasks: number;
  /** Median of |predicted − measured| / measured × 100 over tasks whose measured time is at least `floorMs`. */
  readonly medianAbsErrorPct: number;
  /** Tasks left out of the % median because they ran under `floorMs` (a % of a few µs says nothing). */
  readonly belowFloor: number;
  readonly floorMs: number;
  /** Median of |predicted − measured| in ms over every task. */
  readonly medianAbsErrorMs: number;
}

/** The errors of per-task execution-time predictions (`pairs`: one per executed task record). */
export function taskPredictionErrors(pairs: readonly { predictedMs: number; measuredMs: number }[], floorMs = 1): TaskPredictionErrors {
  const counted = pairs.filter((p) => p.measuredMs >= floorMs);
  return {
    tasks: pairs.length,
    medianAbsErrorPct: median(counted.map((p) => Math.abs(percentError(p.predictedMs, p.measuredMs)))),
    belowFloor: pairs.length - counted.length,
    floorMs,
    medianAbsErrorMs: median(pairs.map((p) => Math.abs(p.predictedMs - p.measuredMs))),
  };
}
