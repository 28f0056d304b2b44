import { ConfigError } from '../../core/errors.js';
import type { Seed } from '../../core/random.js';
import { resources as makeResources } from '../../core/resources.js';
import { MEDIAN } from '../../core/sla.js';
import { loadMetrics, type LoadMetrics } from '../../simulator/load-metrics.js';
import { simulateLoad, type LoadWorkflow } from '../../simulator/load-simulation.js';
import { loadPlatformModel, withOverrides } from '../../simulator/platform-config.js';
import { DEFAULT_PLATFORM_MODEL } from '../../simulator/platform-defaults.js';
import type { PlatformModel } from '../../simulator/platform-model.js';
import { familyDag, type DagFamily } from '../../traces/synthetic/dag-families.js';
import { buildCompareMatrix } from '../compare/build-matrix.js';
import { toolkitVersion } from '../compare/version.js';
import { planLoadMixes } from '../load/load-mix.js';
import { syntheticLoadWorkflow } from './synthetic-mix.js';

/**
 * The seed harness's four scalability sweeps (`../shared/seeds/002_*`), each along one dimension, every point a batch
 * of requests that arrive together on one simulated platform:
 * - `tasks`: tasks per workflow (generated DAG families, 10 → 10,000), `concurrent` requests per point;
 * - `workflows`: concurrent workflows (a built-in workload, 10 → 10,000 requests at once);
 * - `resources`: memory per worker (every worker of the plan at that size), `concurrent` requests;
 * - `limit`: the account's concurrency limit (10 → 10,000), `concurrent` requests.
 *
 * Scaling efficiency against linear: (rate(x) / rate(x₀)) / (x / x₀), x₀ the first value of the sweep, where the rate
 * is what the dimension should scale: tasks completed per second (tasks), requests completed per second (workflows,
 * limit), and the inverse of the median latency (resources). 1 is linear scaling; below 1, sub-linear.
 */
export const SCALE_DIMENSIONS = ['tasks', 'workflows', 'resources', 'limit'] as const;
export type ScaleDimension = (typeof SCALE_DIMENSIONS)[number];

/** The default values of each dimension. */
export const DEFAULT_SCALE_VALUES: Readonly<Record<ScaleDimension, readonly number[]>> = {
  tasks: [10, 100, 1000, 10_000],
  workflows: [10, 100, 1000, 10_000],
  resources: [256, 512, 1024, 2048, 4096, 10_240],
  limit: [10, 100, 1000, 10_000],
};

/** Requests per point of the dimensions that do not set it. */
export const DEFAULT_SCALE_CONCURRENT: Readonly<Record<ScaleDimension, number>> = { tasks: 10, workflows: 0, resources: 100, limit: 1000 };

/** What a scale sweep runs. */
export interface ScaleSpec {
  readonly dimension: ScaleDimension;
  readonly values?: readonly number[];
  readonly planner?: string;
  /** Built-in workload of the workflows, resources and limit sweeps (default gemm). */
  readonly workload?: string;
  /** DAG family of the tasks sweep (default layered). */
  readonly family?: DagFamily;
  /** Requests arriving together per point (not for `workflows`, where it is the value). */
  readonly concurrent?: number;
  readonly seed?: Seed;
  /** Platform overrides file. */
  readonly platform?: string;
  readonly onProgress?: (done: number, total: number, what: string) => void;
}

/** One point of a scale sweep. */
export interface ScalePoint {
  readonly value: number;
  readonly requests: number;
  readonly tasksPerRequest: number;
  readonly metrics: LoadMetrics;
  /** Tasks completed per second of the batch. */
  readonly tasksPerS: number;
  readonly costPerRequestUsd: number;
  readonly efficiency: number;
  readonly peakLiveInvocations: number;
  readonly wallMs: number;
}

/** The results of a scale sweep. */
export interface ScaleResults {
  readonly toolkit: { readonly name: string; readonly version: string };
  readonly dimension: ScaleDimension;
  readonly planner: string;
  readonly workload: string;
  readonly seed: Seed;
  readonly points: readonly ScalePoint[];
}

/** Runs a scale sweep (see the module's doc). */
export async function runScaleSweep(spec: ScaleSpec): Promise<ScaleResults> {
  const { dimension } = spec;
  const values = spec.values && spec.values.length > 0 ? spec.values : DEFAULT_SCALE_VALUES[dimension];
  for (const value of values) {
    if (!(Number.isInteger(value) && value >= 1)) throw new ConfigError(`--values: each ${dimension} value must be a whole number >= 1, got ${value}`);
  }
  if (spec.concurrent !== undefined && !(Number.isInteger(spec.concurrent) && spec.concurrent >= 1)) {
    throw new ConfigError(`--concurrent must be a whole number >= 1, got ${spec.concurrent}`);
  }
  const planner = spec.planner ?? 'wukong';
  const seed = spec.seed ?? 1;
  const base: PlatformModel = spec.platform ? await loadPlatformModel(spec.platform) : DEFAULT_PLATFORM_MODEL;
  const workload = dimension === 'tasks' ? `${spec.family ?? 'layered'} DAG` : (spec.workload ?? 'gemm');
  const points: ScalePoint[] = [];
  let first: { value: number; rate: number } | undefined;
  for (const [i, value] of values.entries()) {
    spec.onProgress?.(i, values.length, `${dimension} = ${value}`);
    let entry: LoadWorkflow;
    let platform = base;
    if (dimension === 'tasks') {
      entry = await syntheticLoadWorkflow(familyDag(spec.family ?? 'layered', value, seed), planner, MEDIAN, base, seed);
    } else {
      const built = await buildCompareMatrix({
        workloads: [workload],
        planners: [planner],
        optimizations: ['none'],
        runs: 1,
        seed,
        ...(spec.platform ? { platform: spec.platform } : {}),
        ...(dimension === 'resources' ? { resources: [makeResources(value)] } : {}),
      });
      entry = (await planLoadMixes(built.matrix, { workflowSources: built.workflowSources })).variants[0]!.mix[0]!;
      if (dimension === 'limit') platform = withOverrides(base, { concurrency: { accountLimit: value } });
    }
    const requests = dimension === 'workflows' ? value : (spec.concurrent ?? DEFAULT_SCALE_CONCURRENT[dimension]);
    const startMs = performance.now();
    // All at once: one burst of `requests`, its interval longer than any batch takes.
    const result = simulateLoad({ platform, mix: [entry], arrivals: { kind: 'burst', size: requests, everyMs: 1e12 }, requests, seed });
    const metrics = loadMetrics(result.requests, 0);
    const tasksPerRequest = entry.workflow.tasks.size;
    const tasksPerS = (metrics.throughputPerS * tasksPerRequest) || 0;
    const rate = dimension === 'tasks' ? tasksPerS : dimension === 'resources' ? 1000 / metrics.latencyP50Ms : metrics.throughputPerS;
    first ??= { value, rate };
    points.push({
      value,
      requests,
      tasksPerRequest,
      metrics,
      tasksPerS,
      costPerRequestUsd: metrics.costPer1000Usd / 1000,
      efficiency: rate / first.rate / (value / first.value),
      peakLiveInvocations: result.peakLiveInvocations,
      wallMs: performance.now() - startMs,
    });
  }
  spec.onProgress?.(values.length, values.length, 'done');
  return { toolkit: toolkitVersion(), dimension, planner, workload, seed, points };
}
