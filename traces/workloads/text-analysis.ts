import { workflowBuilder } from '../../core/workflow-builder.js';
import { behaviour } from './behaviour.js';
import { param, type WorkloadDefinition } from './workload.js';

/**
 * Text analysis: `chunks` `word_count_chunk` roots each scan a slice of one shared text (they receive the whole text
 * and a range, as in the reference); `merge_word_counts` merges the counts and passes the text on; it fans out to
 * `create_text_segments` and `compute_text_statistics`; `segments` `analyze_segment` tasks and four `overall_*` tasks
 * read the segments; `merge_segment_analyses` gathers them; `calculate_text_metrics` and `generate_text_summary` run on
 * the merged analyses; `final_comprehensive_report` joins them. 32 chunks and 16 segments → 59 tasks, depth 7.
 *
 * The reference's text blob is missing, so its size is an assumption: 5.5 MB, the size of the complete works of
 * Shakespeare as plain text (Project Gutenberg #100), which is what `shakespeare.txt` names.
 */
export const textAnalysis: WorkloadDefinition = {
  name: 'text_analysis',
  description: 'word counts over text slices, then segment analyses and a report (large text, small results)',
  source: 'OctoFlows _examples/original/text_analysis.py: 32 counts → merge → segments/statistics → 16+4 analyses → merge → 2 → report',
  params: [
    { name: 'chunks', description: 'word-count slices of the text', defaultValue: 32, min: 1, max: 10_000 },
    { name: 'segments', description: 'segments analysed in parallel', defaultValue: 16, min: 1, max: 10_000 },
    { name: 'textBytes', description: 'bytes of the input text', defaultValue: 5_500_000, min: 1, max: 1_000_000_000 },
  ],
  instances: { local: { chunks: 4, segments: 4, textBytes: 48_000 }, inProcess: { chunks: 32, segments: 16, textBytes: 48_000 } },
  behaviour: (params) => {
    const slice = 1 / param(params, 'chunks');
    const small = (baseExecMs: number, outputFixedBytes: number, execMsPerMiB = 0) =>
      behaviour({ baseExecMs, execMsPerMiB, outputFixedBytes, outputNoiseSigma: 0.05 });
    return {
      // Counting one slice: time and the number of distinct words grow with the slice, not the whole text it receives.
      word_count_chunk: behaviour({ baseExecMs: 5, execMsPerMiB: 600 * slice, outputPerInputByte: 0.4 * slice, outputNoiseSigma: 0.05 }),
      // Returns (total counts, text): the output is essentially the text.
      merge_word_counts: behaviour({ baseExecMs: 20, execMsPerMiB: 15, outputPerInputByte: 0.75, outputNoiseSigma: 0.02 }),
      create_text_segments: behaviour({ baseExecMs: 10, execMsPerMiB: 20, outputPerInputByte: 1.02 }),
      compute_text_statistics: small(30, 4_096, 80),
      analyze_segment: small(20, 8_192, 600 / param(params, 'segments')),
      overall_sentiment: small(40, 2_048, 100),
      overall_readability: small(40, 2_048, 120),
      overall_vocabulary: small(30, 16_384, 150),
      overall_structure: small(20, 2_048, 60),
      merge_segment_analyses: small(10, 65_536),
      calculate_text_metrics: small(10, 4_096),
      generate_text_summary: small(15, 8_192),
      final_comprehensive_report: small(10, 32_768),
    };
  },
  build(params) {
    const textBytes = param(params, 'textBytes');
    const wf = workflowBuilder('text_analysis');
    const countChunk = wf.fn('word_count_chunk').with({ staticInputBytes: textBytes });
    const mergeCounts = wf.fn('merge_word_counts').with({ staticInputBytes: textBytes });
    const createSegments = wf.fn('create_text_segments');
    const statistics = wf.fn('compute_text_statistics');
    const analyzeSegment = wf.fn('analyze_segment');
    const overall = ['overall_sentiment', 'overall_readability', 'overall_vocabulary', 'overall_structure'].map((f) => wf.fn(f));
    const mergeAnalyses = wf.fn('merge_segment_analyses');
    const metrics = wf.fn('calculate_text_metrics');
    const summary = wf.fn('generate_text_summary');
    const report = wf.fn('final_comprehensive_report');

    const counts = Array.from({ length: param(params, 'chunks') }, () => countChunk());
    const merged = mergeCounts(counts);
    const segments = createSegments(merged);
    const stats = statistics(merged);
    const analyses = Array.from({ length: param(params, 'segments') }, () => analyzeSegment(segments));
    const overallResults = overall.map((f) => f(segments, stats));
    const mergedAnalyses = mergeAnalyses([...analyses, ...overallResults]);
    report(mergedAnalyses, metrics(mergedAnalyses), summary(mergedAnalyses));
    return wf.build();
  },
};
