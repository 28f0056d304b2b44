import { ConfigError } from '../../core/errors.js';
import { predictTaskSizes } from '../../core/predictions/task-sizes.js';
import type { ResourceConfig } from '../../core/resources.js';
import type { Workflow } from '../../core/workflow.js';
import type { Planner } from '../planner.js';
import { fixedTaskPlans } from '../worker-assignment.js';
import { FAASFLOW_PARTITION_CONFIG, partitionFunctions, partitionWorkflow, type PartitionConfig } from './partition.js';

/**
 * FaaSFlow's WorkerSP + FaaStore (`partition.ts`) as a planner on the Lambda profile: the workflow is partitioned
 * once, on the predictions (each task's predicted run time at the strongest offered configuration and its predicted
 * output), and each group becomes one fixed worker, so an edge inside a group passes its data in the worker's memory
 * (FaaStore's MEM) and an edge between groups through the storage server (DB); a producer with both kinds of
 * consumers does both, as the scheduler core does for any fixed worker.
 *
 * What changes on Lambda: a FaaSFlow group runs on one node in as many containers as it needs; a Lambda worker has
 * the vCPUs of its memory size. Each group therefore gets the smallest offered configuration with as many vCPUs as
 * the group has tasks on one level of the DAG (its widest parallel step), or the strongest offered one. The node and
 * slot constants stay FaaSFlow's cluster's (7 nodes of 96 slots), so the grouping is the published algorithm's.
 */
export function createFaasflowPlanner(config: PartitionConfig = FAASFLOW_PARTITION_CONFIG): Planner {
  return {
    name: 'faasflow',
    description: "FaaSFlow's graph partitioner (WorkerSP + FaaStore): critical-path groups, one fixed worker per group, data inside a group in memory",
    defaultMemoryMb: [8192, 4096, 2048],
    plan(workflow, ctx) {
      const strongest = ctx.resources[0];
      if (!strongest) throw new ConfigError("planner 'faasflow' needs at least one resource configuration");
      const sizes = predictTaskSizes(workflow, ctx.predictions, ctx.sla);
      const partition = partitionWorkflow(
        partitionFunctions(
          workflow,
          (id) => ctx.predictions.execMs(workflow.tasks.get(id)!.functionName, sizes.get(id)!.inputBytes, strongest, ctx.sla),
          (id) => sizes.get(id)!.outputBytes,
        ),
        config,
      );
      const workerOf = new Map([...partition.groupOf].map(([taskId, group]) => [taskId, `faasflow-g${group}`]));
      const widths = groupWidths(workflow, partition.groupOf);
      const resourcesOf = new Map(partition.groups.map((_, group) => [`faasflow-g${group}`, configFor(widths[group]!, ctx.resources)]));
      const tasks = fixedTaskPlans(workflow, workerOf, (workerId) => resourcesOf.get(workerId)!);
      const plan = { workflow: workflow.name, planner: 'faasflow', sla: ctx.sla, tasks };
      return { ...plan, predictedMakespanMs: ctx.estimate(plan).makespanMs };
    },
  };
}

/** The planner with FaaSFlow's constants. */
export const faasflowPlanner: Planner = createFaasflowPlanner();

/** Per group, the most of its tasks in one generation of the DAG (tasks whose upstreams all come earlier). */
function groupWidths(workflow: Workflow, groupOf: ReadonlyMap<string, number>): number[] {
  const widths: number[] = [];
  for (const generation of workflow.generations) {
    const perGroup = new Map<number, number>();
    for (const taskId of generation) {
      const group = groupOf.get(taskId)!;
      const count = (perGroup.get(group) ?? 0) + 1;
      perGroup.set(group, count);
      widths[group] = Math.max(widths[group] ?? 0, count);
    }
  }
  return widths;
}

/** The smallest offered configuration (they come strongest first) with at least `width` vCPUs, else the strongest. */
function configFor(width: number, offered: readonly ResourceConfig[]): ResourceConfig {
  for (let i = offered.length - 1; i >= 0; i--) if (offered[i]!.vCpus >= width) return offered[i]!;
  return offered[0]!;
}
