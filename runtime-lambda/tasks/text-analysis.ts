import { getWorkload } from '../../traces/workloads/registry.js';
import { resolveParams } from '../../traces/workloads/workload.js';
import { decodeJson, encodeJson, packParts, taskIndex, unpackParts } from './encoding.js';
import { expectInputs, requireStatic, type RuntimeWorkload, type TaskCall } from './task-function.js';
import { countWords, generateText, mergeCounts, sentences, slice, topWords, words, type Counts } from './text.js';

interface Merged {
  readonly counts: Counts;
  readonly text: string;
  readonly segments: number;
}
interface Segments {
  readonly segments: string[];
}
interface Statistics {
  readonly totalWords: number;
  readonly distinctWords: number;
  readonly sentences: number;
  readonly characters: number;
}

const POSITIVE = new Set(['good', 'great', 'fair', 'sweet', 'joy', 'love', 'peace', 'happy', 'bright', 'noble', 'true', 'gentle', 'honest', 'brave', 'hope', 'grace', 'honour']);
const NEGATIVE = new Set(['death', 'sorrow', 'war', 'storm', 'sad', 'dark', 'false', 'cruel', 'bitter', 'fear', 'shame']);

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** Static inputs of the two functions that read the text: a small JSON header, then the text. */
function staticParts(call: TaskCall): { header: Record<string, number>; text: string } {
  const [header, text] = unpackParts(requireStatic(call), `task '${call.taskId}' static input`);
  return { header: decodeJson(header!, `task '${call.taskId}' static header`), text: text!.toString('utf8') };
}

function input<T>(call: TaskCall, index: number): T {
  const bytes = call.inputs[index];
  if (!bytes) throw new Error(`task '${call.taskId}': input ${index} is missing`);
  return decodeJson<T>(bytes, `task '${call.taskId}' input ${index}`);
}

/** `word_count_chunk`: counts the words of slice `index` of `chunks` of the whole text it receives. */
function wordCountChunk(call: TaskCall): Buffer {
  expectInputs(call, 0);
  const { header, text } = staticParts(call);
  return encodeJson(countWords(slice(words(text), header.chunks!, header.index!)));
}

/** `merge_word_counts`: sums the slice counts and passes the text on (and how many segments to cut it into). */
function mergeWordCounts(call: TaskCall): Buffer {
  const { header, text } = staticParts(call);
  const merged: Merged = { counts: mergeCounts(call.inputs.map((_, i) => input<Counts>(call, i))), text, segments: header.segments! };
  return encodeJson(merged);
}

/** `create_text_segments`: cuts the text into segments of whole sentences. */
function createTextSegments(call: TaskCall): Buffer {
  expectInputs(call, 1);
  const merged = input<Merged>(call, 0);
  const list = sentences(merged.text);
  const segments: Segments = { segments: Array.from({ length: merged.segments }, (_, i) => slice(list, merged.segments, i).join('. ')) };
  return encodeJson(segments);
}

/** `compute_text_statistics`: totals over the whole text. */
function computeTextStatistics(call: TaskCall): Buffer {
  expectInputs(call, 1);
  const merged = input<Merged>(call, 0);
  const stats: Statistics = {
    totalWords: Object.values(merged.counts).reduce((a, b) => a + b, 0),
    distinctWords: Object.keys(merged.counts).length,
    sentences: sentences(merged.text).length,
    characters: merged.text.length,
  };
  return encodeJson(stats);
}

/** `analyze_segment-<n>`: words, sentences and frequent words of segment n. */
function analyzeSegment(call: TaskCall): Buffer {
  expectInputs(call, 1);
  const index = taskIndex(call.taskId);
  const segment = input<Segments>(call, 0).segments[index];
  if (segment === undefined) throw new Error(`task '${call.taskId}': segment ${index} does not exist`);
  const list = words(segment);
  const sentenceCount = sentences(segment).length;
  return encodeJson({
    kind: 'segment',
    index,
    words: list.length,
    sentences: sentenceCount,
    avgSentenceWords: sentenceCount > 0 ? round3(list.length / sentenceCount) : 0,
    top: topWords(countWords(list), 5),
  });
}

function overallInputs(call: TaskCall): { all: string[]; stats: Statistics; segments: string[] } {
  expectInputs(call, 2);
  const segments = input<Segments>(call, 0).segments;
  return { all: words(segments.join(' ')), stats: input<Statistics>(call, 1), segments };
}

/** `overall_sentiment`: positive and negative lexicon hits over all segments. */
function overallSentiment(call: TaskCall): Buffer {
  const { all, stats } = overallInputs(call);
  const positive = all.filter((w) => POSITIVE.has(w)).length;
  const negative = all.filter((w) => NEGATIVE.has(w)).length;
  return encodeJson({ kind: 'sentiment', positive, negative, score: round3((positive - negative) / Math.max(1, stats.totalWords)) });
}

/** Syllables as vowel groups: crude, deterministic, enough for a readability score. */
function syllables(word: string): number {
  return Math.max(1, (word.match(/[aeiouy]+/g) ?? []).length);
}

/** `overall_readability`: Flesch reading ease. */
function overallReadability(call: TaskCall): Buffer {
  const { all, stats } = overallInputs(call);
  const wordsPerSentence = all.length / Math.max(1, stats.sentences);
  const syllablesPerWord = all.reduce((s, w) => s + syllables(w), 0) / Math.max(1, all.length);
  return encodeJson({
    kind: 'readability',
    wordsPerSentence: round3(wordsPerSentence),
    syllablesPerWord: round3(syllablesPerWord),
    fleschReadingEase: round3(206.835 - 1.015 * wordsPerSentence - 84.6 * syllablesPerWord),
  });
}

/** `overall_vocabulary`: type-token ratio, words seen once, longest words. */
function overallVocabulary(call: TaskCall): Buffer {
  const { all } = overallInputs(call);
  const counts = countWords(all);
  const distinct = Object.keys(counts);
  return encodeJson({
    kind: 'vocabulary',
    typeTokenRatio: round3(distinct.length / Math.max(1, all.length)),
    hapaxLegomena: distinct.filter((w) => counts[w] === 1).length,
    longest: [...distinct].sort((a, b) => b.length - a.length || (a < b ? -1 : 1)).slice(0, 5),
  });
}

/** `overall_structure`: segment lengths and their spread. */
function overallStructure(call: TaskCall): Buffer {
  const { segments, stats } = overallInputs(call);
  const lengths = segments.map((s) => words(s).length);
  const mean = lengths.reduce((a, b) => a + b, 0) / Math.max(1, lengths.length);
  return encodeJson({
    kind: 'structure',
    segmentWords: lengths,
    meanSegmentWords: round3(mean),
    sentencesPerSegment: round3(stats.sentences / Math.max(1, segments.length)),
  });
}

/** `merge_segment_analyses`: every analysis in one list, in upstream order. */
function mergeSegmentAnalyses(call: TaskCall): Buffer {
  expectInputs(call, 'at-least-one');
  return encodeJson({ analyses: call.inputs.map((_, i) => input<unknown>(call, i)) });
}

interface MergedAnalyses {
  readonly analyses: { kind: string; words?: number; sentences?: number; positive?: number; negative?: number }[];
}

/** `calculate_text_metrics`: totals over the segment analyses. */
function calculateTextMetrics(call: TaskCall): Buffer {
  expectInputs(call, 1);
  const segments = input<MergedAnalyses>(call, 0).analyses.filter((a) => a.kind === 'segment');
  const totalWords = segments.reduce((s, a) => s + (a.words ?? 0), 0);
  const totalSentences = segments.reduce((s, a) => s + (a.sentences ?? 0), 0);
  return encodeJson({ segments: segments.length, totalWords, totalSentences, wordsPerSentence: round3(totalWords / Math.max(1, totalSentences)) });
}

/** `generate_text_summary`: a one-line summary of the analyses. */
function generateTextSummary(call: TaskCall): Buffer {
  expectInputs(call, 1);
  const analyses = input<MergedAnalyses>(call, 0).analyses;
  const sentiment = analyses.find((a) => a.kind === 'sentiment');
  const mood = sentiment && (sentiment.positive ?? 0) >= (sentiment.negative ?? 0) ? 'mostly positive' : 'mostly negative';
  return encodeJson({ summary: `${analyses.filter((a) => a.kind === 'segment').length} segments analysed; the text is ${mood}.` });
}

/** `final_comprehensive_report`: the merged analyses, metrics and summary in one document. */
function finalComprehensiveReport(call: TaskCall): Buffer {
  expectInputs(call, 3);
  return encodeJson({ analyses: input<unknown>(call, 0), metrics: input<unknown>(call, 1), summary: input<unknown>(call, 2) });
}

/** The text of a text-analysis run, for direct checks. */
export function textAnalysisText(params: Readonly<Record<string, number>>, seed: number | string): string {
  return generateText(params.textBytes!, seed, 'runtime/text_analysis');
}

/** Text analysis for real (sizes: the workload's instances, e.g. 32 counts and 16 segments over a 48 kB text, 59 tasks). */
export const textAnalysisRuntime: RuntimeWorkload = {
  name: 'text_analysis',
  functions: {
    word_count_chunk: wordCountChunk,
    merge_word_counts: mergeWordCounts,
    create_text_segments: createTextSegments,
    compute_text_statistics: computeTextStatistics,
    analyze_segment: analyzeSegment,
    overall_sentiment: overallSentiment,
    overall_readability: overallReadability,
    overall_vocabulary: overallVocabulary,
    overall_structure: overallStructure,
    merge_segment_analyses: mergeSegmentAnalyses,
    calculate_text_metrics: calculateTextMetrics,
    generate_text_summary: generateTextSummary,
    final_comprehensive_report: finalComprehensiveReport,
  },
  staticInputs(params, seed) {
    const definition = getWorkload('text_analysis');
    const resolved = resolveParams(definition, params);
    const workflow = definition.build(resolved);
    const text = Buffer.from(textAnalysisText(resolved, seed), 'utf8');
    const inputs = new Map<string, Buffer>();
    for (const task of workflow.tasks.values()) {
      if (task.functionName === 'word_count_chunk') {
        inputs.set(task.id, packParts([encodeJson({ chunks: resolved.chunks, index: taskIndex(task.id) }), text]));
      } else if (task.functionName === 'merge_word_counts') {
        inputs.set(task.id, packParts([encodeJson({ segments: resolved.segments }), text]));
      }
    }
    return inputs;
  },
};
