import { ConfigError } from '../../core/errors.js';
import type { Workflow } from '../../core/workflow.js';
import { gemm } from './gemm.js';
import { imageTransformer } from './image-transformer.js';
import { montage } from './montage.js';
import { textAnalysis } from './text-analysis.js';
import { treeReduction } from './tree-reduction.js';
import { resolveParams, type WorkloadDefinition } from './workload.js';
import { wordcount } from './wordcount.js';

/** The built-in workloads, in the order the reference system's evaluation lists them. */
export const WORKLOADS: readonly WorkloadDefinition[] = [treeReduction, gemm, imageTransformer, textAnalysis, montage, wordcount];

/** The default workload of commands that take one: GEMM, small and data-heavy enough to exercise every prediction. */
export const DEFAULT_WORKLOAD = 'gemm';

/** Names of the built-in workloads. */
export function workloadNames(): string[] {
  return WORKLOADS.map((w) => w.name);
}

/** Looks a workload up by name (`-` and `_` are interchangeable); an unknown name is an error listing the valid ones. */
export function getWorkload(name: string): WorkloadDefinition {
  const wanted = name.replaceAll('-', '_');
  const found = WORKLOADS.find((w) => w.name === wanted);
  if (!found) throw new ConfigError(`unknown workload '${name}' (workloads: ${workloadNames().join(', ')})`);
  return found;
}

/** Builds a workload's DAG with its defaults overridden by `params`. */
export function buildWorkload(name: string, params: Readonly<Record<string, number>> = {}): Workflow {
  const workload = getWorkload(name);
  return workload.build(resolveParams(workload, params));
}
