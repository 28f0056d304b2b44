import { getWorkload } from '../../traces/workloads/registry.js';
import { resolveParams } from '../../traces/workloads/workload.js';
import { decodeJson, encodeJson, taskIndex } from './encoding.js';
import { expectInputs, requireStatic, type RuntimeWorkload, type TaskCall } from './task-function.js';
import { countWords, generateText, mergeCounts, slice, topWords, words, type Counts } from './text.js';

/** What `final_report` returns. */
export interface WordcountReport {
  readonly totalWords: number;
  readonly distinctWords: number;
  readonly top: [string, number][];
}

/** `count_words`: counts the words of its slice of the text (its static input). */
function countWordsTask(call: TaskCall): Buffer {
  expectInputs(call, 0);
  return encodeJson(countWords(words(requireStatic(call).toString('utf8'))));
}

/** `merge_counts`: sums its upstream counts. */
function mergeCountsTask(call: TaskCall): Buffer {
  expectInputs(call, 'at-least-one');
  return encodeJson(mergeCounts(call.inputs.map((b, i) => decodeJson<Counts>(b, `task '${call.taskId}' input ${i}`))));
}

/** `final_report`: totals and the ten most frequent words. */
function finalReport(call: TaskCall): Buffer {
  expectInputs(call, 1);
  return encodeJson(wordcountReport(decodeJson<Counts>(call.inputs[0]!, `task '${call.taskId}' input`)));
}

/** The report of a set of counts (also the direct computation over the whole text). */
export function wordcountReport(counts: Counts): WordcountReport {
  return {
    totalWords: Object.values(counts).reduce((a, b) => a + b, 0),
    distinctWords: Object.keys(counts).length,
    top: topWords(counts, 10),
  };
}

/** The whole text of a wordcount run (the roots' slices joined), for the direct computation. */
export function wordcountText(params: Readonly<Record<string, number>>, seed: number | string): string {
  return generateText(params.textBytes!, seed, 'runtime/wordcount');
}

/** Word count for real (sizes: the workload's instances, e.g. 16 slices of a 64 kB text, 32 tasks). */
export const wordcountRuntime: RuntimeWorkload = {
  name: 'wordcount',
  functions: { count_words: countWordsTask, merge_counts: mergeCountsTask, final_report: finalReport },
  staticInputs(params, seed) {
    const definition = getWorkload('wordcount');
    const resolved = resolveParams(definition, params);
    const workflow = definition.build(resolved);
    // Sliced by words, so no word is cut in two and the slices' counts sum to the whole text's.
    const all = wordcountText(resolved, seed).split(/\s+/);
    const inputs = new Map<string, Buffer>();
    for (const task of workflow.tasks.values()) {
      if (task.functionName !== 'count_words') continue;
      inputs.set(task.id, Buffer.from(slice(all, resolved.chunks!, taskIndex(task.id)).join(' '), 'utf8'));
    }
    return inputs;
  },
};
