import { rngFor } from '../../core/random.js';
import { getWorkload } from '../../traces/workloads/registry.js';
import { resolveParams } from '../../traces/workloads/workload.js';
import { decodeMatrix, encodeMatrix, packParts, unpackParts, zeros, type Matrix } from './encoding.js';
import { expectInputs, requireStatic, type RuntimeWorkload, type TaskCall } from './task-function.js';

/** The row (or column) range of block `index` of `blocks` over `n`: as even as integer division allows. */
function blockRange(n: number, blocks: number, index: number): [number, number] {
  return [Math.floor((index * n) / blocks), Math.floor(((index + 1) * n) / blocks)];
}

/** C = A·B for row-major matrices (i-k-j order: the inner loop streams rows of B and C). */
export function multiply(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.rows) throw new Error(`cannot multiply ${a.rows}×${a.cols} by ${b.rows}×${b.cols}`);
  const c = zeros(a.rows, b.cols, a.rowOffset, b.colOffset);
  for (let i = 0; i < a.rows; i++) {
    const cRow = i * b.cols;
    for (let k = 0; k < a.cols; k++) {
      const aik = a.data[i * a.cols + k]!;
      if (aik === 0) continue;
      const bRow = k * b.cols;
      for (let j = 0; j < b.cols; j++) c.data[cRow + j]! += aik * b.data[bRow + j]!;
    }
  }
  return c;
}

/** `multiply_chunks`: the static input holds a row block of A and a column block of B; the output is their block of C. */
function multiplyChunks(call: TaskCall): Buffer {
  expectInputs(call, 0);
  const parts = unpackParts(requireStatic(call), `task '${call.taskId}' static input`);
  if (parts.length !== 2) throw new Error(`task '${call.taskId}': static input must hold 2 blocks, has ${parts.length}`);
  const a = decodeMatrix(parts[0]!, `task '${call.taskId}' block of A`);
  const b = decodeMatrix(parts[1]!, `task '${call.taskId}' block of B`);
  return encodeMatrix(multiply(a, b));
}

/** `aggregate_results`: places every block of C at its offsets. */
function aggregateResults(call: TaskCall): Buffer {
  expectInputs(call, 'at-least-one');
  const blocks = call.inputs.map((bytes, i) => decodeMatrix(bytes, `task '${call.taskId}' input ${i}`));
  const rows = Math.max(...blocks.map((b) => b.rowOffset + b.rows));
  const cols = Math.max(...blocks.map((b) => b.colOffset + b.cols));
  const c = zeros(rows, cols);
  for (const block of blocks) {
    for (let i = 0; i < block.rows; i++) {
      c.data.set(block.data.subarray(i * block.cols, (i + 1) * block.cols), (block.rowOffset + i) * cols + block.colOffset);
    }
  }
  return encodeMatrix(c);
}

/** The seeded input matrices A and B (n×n, small integers so every product and sum is exact in float64). */
export function gemmMatrices(params: Readonly<Record<string, number>>, seed: number | string): { a: Matrix; b: Matrix } {
  const n = params.matrixSize!;
  const rng = rngFor(seed, 'runtime/gemm');
  const fill = () => {
    const m = zeros(n, n);
    for (let i = 0; i < m.data.length; i++) m.data[i] = rng.int(19) - 9;
    return m;
  };
  return { a: fill(), b: fill() };
}

function rowBlock(m: Matrix, from: number, to: number): Matrix {
  return { rows: to - from, cols: m.cols, rowOffset: from, colOffset: 0, data: m.data.slice(from * m.cols, to * m.cols) };
}

function colBlock(m: Matrix, from: number, to: number): Matrix {
  const block = zeros(m.rows, to - from, 0, from);
  for (let i = 0; i < m.rows; i++) block.data.set(m.data.subarray(i * m.cols + from, i * m.cols + to), i * (to - from));
  return block;
}

/** GEMM for real (sizes: the workload's `local` and `inProcess` instances, e.g. 200×200 in 4×4 blocks, 17 tasks). */
export const gemmRuntime: RuntimeWorkload = {
  name: 'gemm',
  functions: { multiply_chunks: multiplyChunks, aggregate_results: aggregateResults },
  staticInputs(params, seed) {
    const definition = getWorkload('gemm');
    const resolved = resolveParams(definition, params);
    const workflow = definition.build(resolved);
    const { a, b } = gemmMatrices(resolved, seed);
    const n = resolved.matrixSize!;
    const blocks = resolved.blocks!;
    const inputs = new Map<string, Buffer>();
    for (const task of workflow.tasks.values()) {
      const match = /^multiply_chunks-(\d+)-(\d+)$/.exec(task.id);
      if (!match) continue;
      const [r0, r1] = blockRange(n, blocks, Number(match[1]));
      const [c0, c1] = blockRange(n, blocks, Number(match[2]));
      inputs.set(task.id, packParts([encodeMatrix(rowBlock(a, r0, r1)), encodeMatrix(colBlock(b, c0, c1))]));
    }
    return inputs;
  },
};
