import type { Sla } from '../sla.js';
import type { Workflow } from '../workflow.js';
import type { Predictions } from './engine.js';

/** Predicted data sizes of one task. */
export interface PredictedSizes {
  /** Static input plus the predicted outputs of every upstream task. */
  readonly inputBytes: number;
  readonly outputBytes: number;
}

/**
 * Predicts every task's input and output size by walking the DAG in topological order (thesis §3.4.1): a root's
 * input is its static input, any other task's is its static input plus its upstream tasks' predicted outputs, and the
 * output is predicted from the input. Sizes do not depend on resources, only on the SLA.
 */
export function predictTaskSizes(workflow: Workflow, predictions: Predictions, sla: Sla): Map<string, PredictedSizes> {
  const sizes = new Map<string, PredictedSizes>();
  for (const id of workflow.topologicalOrder) {
    const task = workflow.tasks.get(id)!;
    let inputBytes = task.staticInputBytes;
    for (const up of task.upstream) inputBytes += sizes.get(up)!.outputBytes;
    sizes.set(id, { inputBytes, outputBytes: predictions.outputBytes(task.functionName, inputBytes, sla) });
  }
  return sizes;
}
