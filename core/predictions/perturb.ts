import { ConfigError } from '../errors.js';
import type { SampleSet } from './samples.js';

/**
 * A sample set whose execution-time samples of each function are multiplied by `factorOf(functionName)`: a belief
 * that is wrong in a controlled way (prediction-error sensitivity, a deliberately mispredicted function). Everything
 * else (output sizes, transfers, start-ups) is left as observed, so only execution-time beliefs move.
 * @throws ConfigError when a factor is not a positive finite number, naming the function
 */
export function scaleExecSamples(samples: SampleSet, factorOf: (functionName: string) => number): SampleSet {
  const functions = new Map(
    [...samples.functions].map(([name, fn]) => {
      const factor = factorOf(name);
      if (!(Number.isFinite(factor) && factor > 0)) throw new ConfigError(`execution-time factor of function '${name}' must be a positive number, got ${factor}`);
      return [name, factor === 1 ? fn : { ...fn, exec: fn.exec.map((s) => ({ ...s, valueMs: s.valueMs * factor })) }] as const;
    }),
  );
  return { ...samples, functions };
}
