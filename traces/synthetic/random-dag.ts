import { ConfigError } from '../../core/errors.js';
import { rngFor } from '../../core/random.js';
import { createWorkflow, type TaskSpec, type Workflow } from '../../core/workflow.js';

/** Options of `randomLayeredDag`. */
export interface RandomDagOptions {
  readonly tasks: number;
  readonly seed: number | string;
  /** Tasks per layer on average (default √tasks, so depth and width grow together). */
  readonly widthMean?: number;
  /** Upstream tasks per non-root task, at most (default 3); each draws from the previous two layers. */
  readonly maxFanIn?: number;
  /** Distinct function names, assigned round-robin by layer (default 8). */
  readonly functions?: number;
  readonly staticInputBytes?: number;
}

/**
 * A seeded random layered DAG, for benchmarks and property tests at sizes the built-in workloads do not reach
 * (1k–100k tasks). Every task of layer i > 0 depends on 1..maxFanIn tasks of layers i−1 and i−2, at least one of
 * layer i−1, so the depth is exactly the layer count.
 */
export function randomLayeredDag(options: RandomDagOptions): Workflow {
  const { tasks, seed } = options;
  if (!Number.isInteger(tasks) || tasks < 1) throw new ConfigError(`tasks must be a positive integer, got ${tasks}`);
  const widthMean = options.widthMean ?? Math.max(1, Math.round(Math.sqrt(tasks)));
  const maxFanIn = options.maxFanIn ?? 3;
  const functions = options.functions ?? 8;
  const rng = rngFor(seed, 'random-dag');
  const specs: TaskSpec[] = [];
  const layers: string[][] = [];
  while (specs.length < tasks) {
    const layerIndex = layers.length;
    const width = Math.min(tasks - specs.length, 1 + rng.int(2 * widthMean - 1 || 1));
    const layer: string[] = [];
    for (let i = 0; i < width; i++) {
      const id = `t${specs.length}`;
      const upstream = new Set<string>();
      const previous = layers[layerIndex - 1];
      if (previous) {
        upstream.add(previous[rng.int(previous.length)]!);
        const pool = [...previous, ...(layers[layerIndex - 2] ?? [])];
        const extra = rng.int(maxFanIn);
        for (let k = 0; k < extra; k++) upstream.add(pool[rng.int(pool.length)]!);
      }
      specs.push({
        id,
        functionName: `f${layerIndex % functions}`,
        upstream: [...upstream],
        ...(layerIndex === 0 ? { staticInputBytes: options.staticInputBytes ?? 1024 } : {}),
      });
      layer.push(id);
    }
    layers.push(layer);
  }
  return createWorkflow(`random-${tasks}-${String(seed)}`, specs);
}
