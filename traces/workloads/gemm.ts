import { workflowBuilder } from '../../core/workflow-builder.js';
import { behaviour } from './behaviour.js';
import { param, type WorkloadDefinition } from './workload.js';

const BYTES_PER_INT64 = 8;

/**
 * Blocked matrix multiplication: A (n×n) split into `blocks` row blocks, B into `blocks` column blocks, one
 * `multiply_chunks` per (row block, column block) pair, and one `aggregate_results` that assembles the product.
 * Defaults (n = 2000 int64, 4 blocks) give 17 tasks: each multiply reads two 8 MB blocks (16 MB) and writes a
 * 500×500 int64 block (2 MB); the aggregate reads 32 MB and writes the 2000×2000 float64 result (32 MB).
 */
export const gemm: WorkloadDefinition = {
  name: 'gemm',
  description: 'blocked matrix multiplication: block products fanning into one aggregate',
  source: 'OctoFlows _examples/original/gemm.py: 2000×2000 int64 A and B in 4 row/column blocks, 16 products → 1 aggregate',
  params: [
    { name: 'blocks', description: 'row blocks of A (= column blocks of B); products = blocks²', defaultValue: 4, min: 1, max: 64 },
    { name: 'matrixSize', description: 'n of the n×n input matrices', defaultValue: 2000, min: 1, max: 100_000 },
  ],
  // 200×200: about 1 ms of arithmetic per product in JavaScript.
  instances: { local: { blocks: 2, matrixSize: 200 }, inProcess: { blocks: 4, matrixSize: 200 } },
  behaviour: (params) => ({
    // An int64 numpy matmul does not use BLAS: single-threaded, ~85 ms per MiB of input blocks (≈1.4 s at 16 MiB).
    // A product of two n/b-row blocks is (n/b)² values from 2n²/b input values: output/input = 1/(2b).
    multiply_chunks: behaviour({ baseExecMs: 40, execMsPerMiB: 85, outputPerInputByte: 1 / (2 * param(params, 'blocks')) }),
    // Assembling blocks is a memory copy plus an int64→float64 conversion.
    aggregate_results: behaviour({ baseExecMs: 30, execMsPerMiB: 12, outputPerInputByte: 1 }),
  }),
  build(params) {
    const blocks = param(params, 'blocks');
    const n = param(params, 'matrixSize');
    // Each product reads one row block of A and one column block of B, both n/blocks × n int64.
    const blockBytes = Math.round((n * n * BYTES_PER_INT64) / blocks);
    const wf = workflowBuilder('gemm');
    const multiply = wf.fn('multiply_chunks').with({ staticInputBytes: 2 * blockBytes });
    const aggregate = wf.fn('aggregate_results');
    const products = [];
    for (let i = 0; i < blocks; i++) {
      for (let j = 0; j < blocks; j++) products.push(multiply.with({ id: `multiply_chunks-${i}-${j}` })());
    }
    aggregate(products);
    return wf.build();
  },
};
