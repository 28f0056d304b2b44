import { rngFor } from '../../core/random.js';
import { getWorkload } from '../../traces/workloads/registry.js';
import { resolveParams } from '../../traces/workloads/workload.js';
import { float64View } from './encoding.js';
import type { RuntimeWorkload, TaskCall } from './task-function.js';

function encodeNumber(value: number): Buffer {
  return Buffer.from(new Float64Array([value]).buffer);
}

/** `add`: a leaf sums its static pair; an inner node sums its two upstream sums. Integers, so sums are exact. */
function add(call: TaskCall): Buffer {
  const operands = call.staticInput !== undefined ? [...float64View(call.staticInput, `task '${call.taskId}' static input`)] : [];
  for (const [i, input] of call.inputs.entries()) operands.push(...float64View(input, `task '${call.taskId}' input ${i}`));
  if (operands.length < 1) throw new Error(`task '${call.taskId}': nothing to add`);
  return encodeNumber(operands.reduce((a, b) => a + b, 0));
}

/** Tree reduction for real: each leaf adds a seeded pair of integers (how many leaves: the workload's instances). */
export const treeReductionRuntime: RuntimeWorkload = {
  name: 'tree_reduction',
  functions: { add },
  staticInputs(params, seed) {
    const workflow = getWorkload('tree_reduction').build(resolveParams(getWorkload('tree_reduction'), params));
    const rng = rngFor(seed, 'runtime/tree_reduction');
    const inputs = new Map<string, Buffer>();
    for (const task of workflow.tasks.values()) {
      if (task.staticInputBytes > 0) inputs.set(task.id, Buffer.from(new Float64Array([rng.int(1000), rng.int(1000)]).buffer));
    }
    return inputs;
  },
};

/** The closed-form result of a tree reduction: the sum of every leaf's pair. */
export function treeReductionExpectedSum(staticInputs: ReadonlyMap<string, Buffer>): number {
  let sum = 0;
  for (const [id, bytes] of staticInputs) for (const v of float64View(bytes, id)) sum += v;
  return sum;
}

/** Reads an `add` output. */
export function decodeSum(bytes: Buffer): number {
  return float64View(bytes, 'tree_reduction result')[0]!;
}
