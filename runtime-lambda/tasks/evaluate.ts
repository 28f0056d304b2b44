import type { Workflow } from '../../core/workflow.js';
import { getTaskFunction } from './registry.js';

/**
 * The direct, in-process computation of a workflow: every task's code called in topological order with its upstream
 * outputs and static input, no scheduler, no Redis. Returns every sink's output. A real run must produce the same
 * bytes (the task code is deterministic), which checks that the runtime moved every input to the right task.
 */
export function evaluateDirectly(workflow: Workflow, staticInputs: ReadonlyMap<string, Buffer>): Map<string, Buffer> {
  const outputs = new Map<string, Buffer>();
  for (const id of workflow.topologicalOrder) {
    const task = workflow.tasks.get(id)!;
    const fn = getTaskFunction(workflow.name, task.functionName);
    outputs.set(id, fn({ taskId: id, inputs: task.upstream.map((u) => outputs.get(u)!), staticInput: staticInputs.get(id) }));
  }
  return new Map(workflow.sinks.map((s) => [s, outputs.get(s)!]));
}
