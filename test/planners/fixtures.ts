import type { Predictions } from '../../core/predictions/index.js';
import { rngFor } from '../../core/random.js';
import type { ResourceConfig } from '../../core/resources.js';
import { slaQuantile, type Sla } from '../../core/sla.js';

/**
 * Predictions with a closed form, for planner tests on DAGs that have no history: per function a base time and an
 * output ratio drawn from the seed; times scale with input, shrink with vCPUs up to one, and grow with the SLA's
 * quantile. Only the four prediction methods are real; a planner needs nothing else.
 */
export function formulaPredictions(seed: number, overrides: { execMs?: (fn: string) => number; outputBytes?: (fn: string) => number } = {}): Predictions {
  const baseMs = new Map<string, number>();
  const ratio = new Map<string, number>();
  const draw = (fn: string) => {
    if (!baseMs.has(fn)) {
      const rng = rngFor(seed, `fn/${fn}`);
      baseMs.set(fn, 20 + rng.int(400));
      ratio.set(fn, 0.2 + rng.next() * 1.5);
    }
  };
  const slaFactor = (sla: Sla) => 0.8 + 0.4 * slaQuantile(sla);
  const speed = (r: ResourceConfig) => Math.min(1, r.vCpus);
  const predictions = {
    execMs: (fn: string, inputBytes: number, r: ResourceConfig, sla: Sla) => {
      draw(fn);
      const base = overrides.execMs ? overrides.execMs(fn) : baseMs.get(fn)! * (1 + inputBytes / 4e6);
      return (base * slaFactor(sla)) / speed(r);
    },
    outputBytes: (fn: string, inputBytes: number) => {
      draw(fn);
      return overrides.outputBytes ? overrides.outputBytes(fn) : Math.round(1024 + ratio.get(fn)! * inputBytes * 0.5);
    },
    startupMs: (_r: ResourceConfig, start: 'cold' | 'warm', sla: Sla) => (start === 'cold' ? 400 : 40) * slaFactor(sla),
    transferMs: (_d: 'upload' | 'download', sizeBytes: number, r: ResourceConfig, sla: Sla) =>
      sizeBytes === 0 ? 0 : (1 + sizeBytes / (75_000 * Math.min(1, r.memoryMb / 1024))) * slaFactor(sla),
  };
  return predictions as unknown as Predictions;
}
