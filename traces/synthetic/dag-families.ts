import { ConfigError } from '../../core/errors.js';
import { createWorkflow, type TaskSpec, type Workflow } from '../../core/workflow.js';
import { randomLayeredDag } from './random-dag.js';

/**
 * The DAG families of the seed harness's task-count sweep, each at (close to) a given number of tasks:
 * - `fanout`: one root, N − 2 parallel tasks, one sink gathering them (fan-out/fan-in, map-reduce's shape);
 * - `tree`: a binary reduction tree whose leaves are the roots (tree_reduction's shape), ⌈N/2⌉ leaves;
 * - `layered`: the seeded random layered DAG of `random-dag.ts` (width √N, up to 3 upstream tasks each);
 * - `chain`: N tasks one after the other (no parallelism at all).
 * Functions are named by role (`split`, `work`, `join`, `leaf`, `reduce`, `step`, `f<layer mod 8>`), so a history
 * gives each role its own predictions.
 */
export const DAG_FAMILIES = ['fanout', 'tree', 'layered', 'chain'] as const;
export type DagFamily = (typeof DAG_FAMILIES)[number];

/** A DAG of `family` with about `tasks` tasks (exactly, except a tree: 2·⌈tasks/2⌉ − 1). */
export function familyDag(family: DagFamily, tasks: number, seed: number | string = 1): Workflow {
  if (!(Number.isInteger(tasks) && tasks >= 1)) throw new ConfigError(`the number of tasks must be a whole number >= 1, got ${tasks}`);
  const specs: TaskSpec[] = [];
  switch (family) {
    case 'fanout': {
      if (tasks < 3) return familyDag('chain', tasks, seed);
      specs.push({ id: 'split', functionName: 'split', upstream: [], staticInputBytes: 1024 });
      const work = Array.from({ length: tasks - 2 }, (_, i) => `work-${i}`);
      for (const id of work) specs.push({ id, functionName: 'work', upstream: ['split'] });
      specs.push({ id: 'join', functionName: 'join', upstream: work });
      break;
    }
    case 'tree': {
      let level = Array.from({ length: Math.ceil(tasks / 2) }, (_, i) => `leaf-${i}`);
      for (const id of level) specs.push({ id, functionName: 'leaf', upstream: [], staticInputBytes: 1024 });
      let depth = 0;
      while (level.length > 1) {
        const next: string[] = [];
        for (let i = 0; i + 1 < level.length; i += 2) {
          const id = `reduce-${depth}-${i / 2}`;
          specs.push({ id, functionName: 'reduce', upstream: [level[i]!, level[i + 1]!] });
          next.push(id);
        }
        // An odd one out moves up a level unreduced, so every reduce adds two inputs: 2L − 1 tasks in all.
        if (level.length % 2 === 1) next.push(level[level.length - 1]!);
        level = next;
        depth++;
      }
      break;
    }
    case 'layered':
      return randomLayeredDag({ tasks, seed });
    case 'chain':
      for (let i = 0; i < tasks; i++) specs.push({ id: `step-${i}`, functionName: 'step', upstream: i === 0 ? [] : [`step-${i - 1}`], ...(i === 0 ? { staticInputBytes: 1024 } : {}) });
      break;
  }
  return createWorkflow(`${family}-${tasks}`, specs);
}

/** Checks a family name; a ConfigError lists the valid ones. */
export function parseDagFamily(name: string): DagFamily {
  if (!(DAG_FAMILIES as readonly string[]).includes(name)) throw new ConfigError(`unknown DAG family '${name}' (families: ${DAG_FAMILIES.join(', ')})`);
  return name as DagFamily;
}
