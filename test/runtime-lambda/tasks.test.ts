import { describe, expect, it } from 'vitest';
import { getWorkload } from '../../traces/workloads/registry.js';
import { decodeMatrix, encodeMatrix, packParts, unpackParts, zeros } from '../../runtime-lambda/tasks/encoding.js';
import { evaluateDirectly } from '../../runtime-lambda/tasks/evaluate.js';
import { gemmMatrices, multiply } from '../../runtime-lambda/tasks/gemm.js';
import { decodeImage } from '../../runtime-lambda/tasks/image-transformer.js';
import { buildRuntimeWorkload, getTaskFunction, RUNTIME_WORKLOADS } from '../../runtime-lambda/tasks/registry.js';
import { textAnalysisText } from '../../runtime-lambda/tasks/text-analysis.js';
import { countWords, words } from '../../runtime-lambda/tasks/text.js';
import { decodeSum, treeReductionExpectedSum } from '../../runtime-lambda/tasks/tree-reduction.js';
import { wordcountReport, wordcountText, type WordcountReport } from '../../runtime-lambda/tasks/wordcount.js';

describe('runtime task code', () => {
  it('covers every function of every built-in workload', () => {
    expect(RUNTIME_WORKLOADS.map((w) => w.name).sort()).toEqual(
      ['gemm', 'image_transformer', 'montage', 'text_analysis', 'tree_reduction', 'wordcount'].sort(),
    );
    for (const runtime of RUNTIME_WORKLOADS) {
      const { workflow } = buildRuntimeWorkload(runtime.name, 1);
      for (const task of workflow.tasks.values()) expect(() => getTaskFunction(workflow.name, task.functionName)).not.toThrow();
    }
  });

  it('keeps the DAG shape of the default workloads (only data sizes shrink)', () => {
    for (const runtime of RUNTIME_WORKLOADS) {
      const defaults = getWorkload(runtime.name).build({ ...Object.fromEntries(getWorkload(runtime.name).params.map((p) => [p.name, p.defaultValue])) });
      const { workflow } = buildRuntimeWorkload(runtime.name, 1);
      expect(workflow.tasks.size, runtime.name).toBe(defaults.tasks.size);
      expect(workflow.generations.length, runtime.name).toBe(defaults.generations.length);
    }
  });

  it('generates the same inputs for the same seed and different ones for another', () => {
    for (const runtime of RUNTIME_WORKLOADS) {
      const a = buildRuntimeWorkload(runtime.name, 1).staticInputs;
      const b = buildRuntimeWorkload(runtime.name, 1).staticInputs;
      const c = buildRuntimeWorkload(runtime.name, 2).staticInputs;
      for (const [id, bytes] of a) expect(bytes.equals(b.get(id)!), `${runtime.name} ${id}`).toBe(true);
      expect([...a].some(([id, bytes]) => !bytes.equals(c.get(id)!)), runtime.name).toBe(true);
    }
  });

  it('records the real static input sizes in the workflow', () => {
    const { workflow, staticInputs } = buildRuntimeWorkload('gemm', 1);
    for (const [id, bytes] of staticInputs) expect(workflow.tasks.get(id)!.staticInputBytes).toBe(bytes.length);
  });

  it('tree_reduction sums every leaf pair', () => {
    const { workflow, staticInputs } = buildRuntimeWorkload('tree_reduction', 4);
    const [result] = evaluateDirectly(workflow, staticInputs).values();
    expect(decodeSum(result!)).toBe(treeReductionExpectedSum(staticInputs));
  });

  it('gemm assembles A·B exactly', () => {
    const { workflow, staticInputs, params } = buildRuntimeWorkload('gemm', 4);
    const [result] = evaluateDirectly(workflow, staticInputs).values();
    const { a, b } = gemmMatrices(params, 4);
    const product = decodeMatrix(result!, 'result');
    expect(product.rows).toBe(params.matrixSize);
    expect([...product.data]).toEqual([...multiply(a, b).data]);
  });

  it('wordcount reports the counts of the whole text', () => {
    const { workflow, staticInputs, params } = buildRuntimeWorkload('wordcount', 4);
    const [result] = evaluateDirectly(workflow, staticInputs).values();
    const report = JSON.parse(result!.toString('utf8')) as WordcountReport;
    expect(report).toEqual(wordcountReport(countWords(words(wordcountText(params, 4)))));
    expect(report.totalWords).toBeGreaterThan(5000);
  });

  it('text_analysis counts every word of the text across its segments', () => {
    const { workflow, staticInputs, params } = buildRuntimeWorkload('text_analysis', 4);
    const [result] = evaluateDirectly(workflow, staticInputs).values();
    const report = JSON.parse(result!.toString('utf8')) as { metrics: { totalWords: number; segments: number } };
    expect(report.metrics.segments).toBe(params.segments);
    expect(report.metrics.totalWords).toBe(words(textAnalysisText(params, 4)).length);
  });

  it('image_transformer returns an image of the input size', () => {
    const { workflow, staticInputs, params } = buildRuntimeWorkload('image_transformer', 4);
    const [result] = evaluateDirectly(workflow, staticInputs).values();
    const image = decodeImage(result!, 'result');
    expect([image.width, image.height, image.channels]).toEqual([params.widthPx, params.heightPx, 3]);
  });

  it('montage co-adds background-free exposures into one mosaic', () => {
    const { workflow, staticInputs } = buildRuntimeWorkload('montage', 4);
    const [result] = evaluateDirectly(workflow, staticInputs).values();
    const mosaic = decodeMatrix(result!, 'result');
    expect(mosaic.rows).toBeGreaterThan(48);
    // Backgrounds of 10–40 are fitted away: what is left is stars on a sky near zero.
    const sorted = [...mosaic.data].sort((x, y) => x - y);
    expect(Math.abs(sorted[Math.floor(sorted.length / 2)]!)).toBeLessThan(10);
  });

  it('names the task at fault on bad input', () => {
    const fn = getTaskFunction('gemm', 'multiply_chunks');
    expect(() => fn({ taskId: 'multiply_chunks-0-0', inputs: [], staticInput: undefined })).toThrow(/multiply_chunks-0-0.*static input is missing/);
    const getChunk = getTaskFunction('image_transformer', 'get_chunk');
    expect(() => getChunk({ taskId: 'get_chunk-99', inputs: [packParts([])], staticInput: undefined })).toThrow(/get_chunk-99.*tile 99/);
    expect(() => getTaskFunction('gemm', 'nope')).toThrow(/gemm.*nope/);
  });

  it('encodes matrices and parts losslessly, also from unaligned buffers', () => {
    const m = zeros(2, 3, 4, 5);
    m.data.set([1, 2, 3, 4, 5, 6.5]);
    const bytes = encodeMatrix(m);
    const unaligned = Buffer.concat([Buffer.alloc(1), bytes]).subarray(1);
    expect(decodeMatrix(unaligned, 'm')).toMatchObject({ rows: 2, cols: 3, rowOffset: 4, colOffset: 5 });
    expect([...decodeMatrix(unaligned, 'm').data]).toEqual([1, 2, 3, 4, 5, 6.5]);
    const parts = unpackParts(packParts([Buffer.from('a'), Buffer.alloc(0), Buffer.from('xyz')]), 'p');
    expect(parts.map((p) => p.toString())).toEqual(['a', '', 'xyz']);
  });
});
