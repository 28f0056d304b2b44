import { workflowBuilder, type TaskHandle } from '../../core/workflow-builder.js';
import { behaviour } from './behaviour.js';
import { param, type WorkloadDefinition } from './workload.js';

/**
 * Tree reduction: `leaves` `add` tasks over pairs of integers, then a binary tree of `add`s down to one result
 * (32 leaves → 63 tasks, 6 levels of fan-in 2). Data is tiny and execution takes microseconds, so the workflow
 * measures scheduling overhead: invocations, start-ups, counters and notifications.
 */
export const treeReduction: WorkloadDefinition = {
  name: 'tree_reduction',
  description: 'binary tree of additions over pairs of integers (overhead-dominated)',
  source: 'OctoFlows _examples/original/tree_reduction.py: 32 add roots over pairs from range(64), then 32→16→8→4→2→1',
  params: [{ name: 'leaves', description: 'number of leaf additions', defaultValue: 32, min: 1, max: 65_536 }],
  instances: { local: { leaves: 8 }, inProcess: { leaves: 32 } },
  behaviour: () => ({
    // A pickled pair of small ints is ~30 bytes and adding them takes well under a millisecond in Python.
    add: behaviour({ baseExecMs: 0.2, execNoiseSigma: 0.3, outputFixedBytes: 16 }),
  }),
  build(params) {
    const wf = workflowBuilder('tree_reduction');
    const leaf = wf.fn('add').with({ staticInputBytes: 32 });
    const add = wf.fn('add');
    let level: TaskHandle[] = Array.from({ length: param(params, 'leaves') }, () => leaf());
    while (level.length > 1) {
      const next: TaskHandle[] = [];
      for (let i = 0; i + 1 < level.length; i += 2) next.push(add(level[i]!, level[i + 1]!));
      // An odd task out is carried to the next level unchanged, so any leaf count reduces to one result.
      if (level.length % 2 === 1) next.push(level[level.length - 1]!);
      level = next;
    }
    return wf.build();
  },
};
