import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.js';
import { resources } from '../../core/resources.js';
import { medianExecMs, medianOutputBytes } from '../../traces/workloads/behaviour.js';
import { buildWorkload, getWorkload, WORKLOADS, workloadNames } from '../../traces/workloads/registry.js';
import { resolveParams } from '../../traces/workloads/workload.js';

describe('built-in workloads', () => {
  it('reproduce the reference shapes by default (tasks, depth, sinks)', () => {
    const expected: Record<string, { tasks: number; depth: number }> = {
      tree_reduction: { tasks: 63, depth: 6 },
      gemm: { tasks: 17, depth: 2 },
      image_transformer: { tasks: 130, depth: 8 },
      text_analysis: { tasks: 59, depth: 7 },
      montage: { tasks: 21, depth: 3 },
      wordcount: { tasks: 32, depth: 6 },
    };
    expect(workloadNames()).toEqual(Object.keys(expected));
    for (const [name, shape] of Object.entries(expected)) {
      const workflow = buildWorkload(name);
      expect({ name, tasks: workflow.tasks.size, depth: workflow.generations.length }).toEqual({ name, ...shape });
      expect(workflow.sinks).toHaveLength(1);
    }
  });

  it('gemm: 16 products of two 8 MB blocks into one aggregate; 2 MB per product, 32 MB out', () => {
    const workflow = buildWorkload('gemm');
    const products = [...workflow.tasks.values()].filter((t) => t.functionName === 'multiply_chunks');
    expect(products).toHaveLength(16);
    for (const p of products) expect(p.staticInputBytes).toBe(16_000_000);
    const [sink] = workflow.sinks;
    expect(workflow.tasks.get(sink!)!.upstream).toHaveLength(16);
    const behaviour = getWorkload('gemm').behaviour(resolveParams(getWorkload('gemm')));
    expect(medianOutputBytes(behaviour.multiply_chunks!, 16_000_000)).toBe(2_000_000);
    expect(medianOutputBytes(behaviour.aggregate_results!, 16 * 2_000_000)).toBe(32_000_000);
  });

  it('image_transformer: every get_chunk reads the whole split output; fan-outs of 2 and fan-ins of 2 and 16', () => {
    const workflow = buildWorkload('image_transformer');
    const tasks = [...workflow.tasks.values()];
    const split = tasks.find((t) => t.functionName === 'split_image')!;
    expect(split.downstream).toHaveLength(16);
    for (const t of tasks.filter((t) => t.functionName === 'get_chunk')) expect(t.downstream).toHaveLength(2);
    for (const t of tasks.filter((t) => t.functionName === 'combine_chunk')) expect(t.upstream).toHaveLength(2);
    expect(tasks.find((t) => t.functionName === 'merge_chunks_grid')!.upstream).toHaveLength(16);
    expect(split.staticInputBytes).toBe(3000 * 2001 * 3);
  });

  it('text_analysis: fan-in of 32, 20 and 3 as in the reference', () => {
    const tasks = [...buildWorkload('text_analysis').tasks.values()];
    const fanIn = (fn: string) => tasks.find((t) => t.functionName === fn)!.upstream.length;
    expect(fanIn('merge_word_counts')).toBe(32);
    expect(fanIn('merge_segment_analyses')).toBe(20);
    expect(fanIn('final_comprehensive_report')).toBe(3);
  });

  it('parameters change the shape, and bad ones are errors naming workload and parameter', () => {
    expect(buildWorkload('tree_reduction', { leaves: 64 }).tasks.size).toBe(127);
    expect(buildWorkload('tree_reduction', { leaves: 5 }).tasks.size).toBe(9);
    expect(buildWorkload('gemm', { blocks: 2 }).tasks.size).toBe(5);
    expect(buildWorkload('image_transformer', { chunks: 4 }).tasks.size).toBe(34);
    expect(() => buildWorkload('gemm', { block: 2 })).toThrow(/workload 'gemm' has no parameter 'block' \(parameters: blocks, matrixSize\)/);
    expect(() => buildWorkload('gemm', { blocks: 0 })).toThrow(/'blocks' must be an integer in \[1, 64\], got 0/);
    expect(() => buildWorkload('gemm', { blocks: 1.5 })).toThrow(ConfigError);
    expect(() => getWorkload('nope')).toThrow(/unknown workload 'nope' \(workloads: tree_reduction, gemm, image_transformer/);
    expect(getWorkload('tree-reduction').name).toBe('tree_reduction');
  });

  it('every function of every workload has a behaviour', () => {
    for (const workload of WORKLOADS) {
      const params = resolveParams(workload);
      const behaviour = workload.behaviour(params);
      for (const task of workload.build(params).tasks.values()) expect(behaviour[task.functionName], `${workload.name}/${task.functionName}`).toBeDefined();
    }
  });

  test.prop([fc.constantFrom(...WORKLOADS), fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 0, max: 1e9 }), fc.constantFrom(128, 1024, 1769, 4096, 10240)])(
    'behaviour models are monotone: more input never runs faster or produces less; more memory never runs slower',
    (workload, a, b, memoryMb) => {
      const [small, large] = [Math.min(a, b), Math.max(a, b)];
      for (const behaviour of Object.values(workload.behaviour(resolveParams(workload)))) {
        const config = resources(memoryMb);
        expect(medianExecMs(behaviour, large, config)).toBeGreaterThanOrEqual(medianExecMs(behaviour, small, config));
        expect(medianOutputBytes(behaviour, large)).toBeGreaterThanOrEqual(medianOutputBytes(behaviour, small));
        expect(medianExecMs(behaviour, small, resources(10240))).toBeLessThanOrEqual(medianExecMs(behaviour, small, config));
      }
    },
  );
});
