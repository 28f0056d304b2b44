import { workflowBuilder, type TaskHandle } from '../../core/workflow-builder.js';
import { behaviour } from './behaviour.js';
import { param, type WorkloadDefinition } from './workload.js';

/**
 * Word count: `chunks` `count_words` roots each count one slice of a text, a binary tree of `merge_counts` combines
 * the counts pairwise, and `final_report` formats the result. 16 chunks → 16 + 15 + 1 = 32 tasks.
 */
export const wordcount: WorkloadDefinition = {
  name: 'wordcount',
  description: 'word counts over text slices merged by a binary tree',
  source: 'OctoFlows _examples/original/_wordcount.py: 16 chunk counts → binary merge tree of 15 → final_report',
  params: [
    { name: 'chunks', description: 'text slices counted in parallel', defaultValue: 16, min: 1, max: 65_536 },
    { name: 'textBytes', description: 'bytes of the whole text (each root gets one slice)', defaultValue: 5_500_000, min: 1, max: 1_000_000_000 },
  ],
  instances: { local: { chunks: 4, textBytes: 64_000 }, inProcess: { chunks: 16, textBytes: 64_000 } },
  behaviour: () => ({
    count_words: behaviour({ baseExecMs: 5, execMsPerMiB: 600, outputPerInputByte: 0.4, outputNoiseSigma: 0.05 }),
    // Merged dictionaries share most words, so a merge is not much bigger than either input.
    merge_counts: behaviour({ baseExecMs: 3, execMsPerMiB: 40, outputPerInputByte: 0.6, outputNoiseSigma: 0.05 }),
    final_report: behaviour({ baseExecMs: 10, execMsPerMiB: 20, outputFixedBytes: 4_096, outputNoiseSigma: 0.05 }),
  }),
  build(params) {
    const chunks = param(params, 'chunks');
    const wf = workflowBuilder('wordcount');
    const count = wf.fn('count_words').with({ staticInputBytes: Math.ceil(param(params, 'textBytes') / chunks) });
    const merge = wf.fn('merge_counts');
    const report = wf.fn('final_report');
    let level: TaskHandle[] = Array.from({ length: chunks }, () => count());
    while (level.length > 1) {
      const next: TaskHandle[] = [];
      for (let i = 0; i + 1 < level.length; i += 2) next.push(merge(level[i]!, level[i + 1]!));
      if (level.length % 2 === 1) next.push(level[level.length - 1]!);
      level = next;
    }
    report(level[0]!);
    return wf.build();
  },
};
