import { ConfigError } from '../../core/errors.js';
import type { TraceRun } from '../../core/trace-records.js';
import type { Workflow } from '../../core/workflow.js';
import { formatParams, otherInstanceLines, runsOnOtherInstances } from '../../traces/workloads/instance.js';
import { getWorkload } from '../../traces/workloads/registry.js';
import { resolveParams } from '../../traces/workloads/workload.js';
import type { CompareMatrix } from './matrix.js';

/**
 * Refuses a history read with `--history` whose runs of a built-in workload were recorded on another instance than
 * the one compared (`traces/workloads/instance.ts`): its predictions would be extrapolated from another DAG and its
 * held-out runs replayed on the wrong one. `params` are the compared instance's given or recorded parameters.
 * @throws ConfigError naming the history, the workload, the runs and both instances
 */
export function checkHistoryInstances(
  matrix: CompareMatrix,
  runsOf: (workload: string) => readonly TraceRun[],
  workflowOf: (workload: string) => Workflow,
  paramsOf: (workload: string) => Readonly<Record<string, number>>,
): void {
  if (matrix.history.kind !== 'dir') return;
  for (const spec of matrix.workloads) {
    if (spec.workflow) continue;
    const definition = getWorkload(spec.name);
    const params = resolveParams(definition, paramsOf(spec.name));
    const workflow = workflowOf(spec.name);
    const others = runsOnOtherInstances(definition, params, workflow, runsOf(spec.name));
    if (others.length === 0) continue;
    const given = Object.keys(spec.params).length > 0;
    throw new ConfigError(
      `--history '${matrix.history.path}': ${otherInstanceLines(definition, params, workflow, others).join('; ')}; a comparison plans and grades one instance, so ` +
        (given ? `give the parameters the history was recorded with (not ${formatParams(spec.params)})` : 'give a history of one instance (e.g. one `bench traces collect` directory)'),
    );
  }
}
