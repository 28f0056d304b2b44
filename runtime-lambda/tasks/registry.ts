import { ConfigError } from '../../core/errors.js';
import { createWorkflow, type Workflow } from '../../core/workflow.js';
import { getWorkload } from '../../traces/workloads/registry.js';
import { resolveParams } from '../../traces/workloads/workload.js';
import { gemmRuntime } from './gemm.js';
import { imageTransformerRuntime } from './image-transformer.js';
import { montageRuntime } from './montage.js';
import { overheadProbeRuntime } from './overhead-probe.js';
import type { RuntimeWorkload, TaskFunction } from './task-function.js';
import { textAnalysisRuntime } from './text-analysis.js';
import { treeReductionRuntime } from './tree-reduction.js';
import { wordcountRuntime } from './wordcount.js';

/** The six built-in workloads' real code, in the order `traces/workloads` lists them. */
export const RUNTIME_WORKLOADS: readonly RuntimeWorkload[] = [
  treeReductionRuntime,
  gemmRuntime,
  imageTransformerRuntime,
  textAnalysisRuntime,
  montageRuntime,
  wordcountRuntime,
];

/** Workflows the runtime can execute: the built-ins plus the overhead probe. */
const BY_WORKFLOW = new Map<string, RuntimeWorkload>([...RUNTIME_WORKLOADS, overheadProbeRuntime].map((w) => [w.name, w]));

/** The runtime side of a workload by name (`-` and `_` interchangeable); unknown names list the valid ones. */
export function getRuntimeWorkload(name: string): RuntimeWorkload {
  const found = BY_WORKFLOW.get(name.replaceAll('-', '_'));
  if (!found) throw new ConfigError(`no task code for workflow '${name}' (known: ${[...BY_WORKFLOW.keys()].join(', ')})`);
  return found;
}

/** The code of `functionName` in workflow `workflowName`; an error names both when there is none. */
export function getTaskFunction(workflowName: string, functionName: string): TaskFunction {
  const fn = getRuntimeWorkload(workflowName).functions[functionName];
  if (!fn) throw new ConfigError(`workflow '${workflowName}' has no task code for function '${functionName}'`);
  return fn;
}

/** A built-in workload ready to run for real: the DAG of one of its small instances and its static inputs. */
export interface RuntimeWorkloadInstance {
  readonly workflow: Workflow;
  readonly params: Readonly<Record<string, number>>;
  readonly staticInputs: Map<string, Buffer>;
}

/**
 * Builds workload `name` for a real run: its `inProcess` instance (`traces/workloads`) overridden by `params` (the
 * local gateway's runs pass the `local` instance), and its static inputs generated from `seed`. The workflow's
 * declared static sizes are replaced by the real ones, so planners and traces see the bytes that actually move.
 */
export function buildRuntimeWorkload(name: string, seed: number | string, params: Readonly<Record<string, number>> = {}): RuntimeWorkloadInstance {
  const runtime = getRuntimeWorkload(name);
  const definition = getWorkload(runtime.name);
  const resolved = resolveParams(definition, { ...definition.instances.inProcess, ...params });
  const declared = definition.build(resolved);
  const staticInputs = runtime.staticInputs(resolved, seed);
  for (const task of declared.tasks.values()) {
    if (task.staticInputBytes > 0 && !staticInputs.has(task.id)) {
      throw new Error(`workload '${name}': the generator made no static input for task '${task.id}'`);
    }
  }
  const workflow = createWorkflow(
    declared.name,
    [...declared.tasks.values()].map((t) => ({ ...t, staticInputBytes: staticInputs.get(t.id)?.length ?? 0 })),
  );
  return { workflow, params: resolved, staticInputs };
}
