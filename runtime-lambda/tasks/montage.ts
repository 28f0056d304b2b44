import { rngFor } from '../../core/random.js';
import { getWorkload } from '../../traces/workloads/registry.js';
import { resolveParams } from '../../traces/workloads/workload.js';
import { decodeJson, decodeMatrix, encodeJson, encodeMatrix, packParts, unpackParts, zeros, type Matrix } from './encoding.js';
import { expectInputs, requireStatic, type RuntimeWorkload, type TaskCall } from './task-function.js';

/** How an exposure sits on the sky: a sub-pixel shift to undo when reprojecting onto the mosaic's pixel grid. */
interface Pointing {
  readonly shiftX: number;
  readonly shiftY: number;
}

/** Bilinear sample of `m` at fractional (y, x); outside the image reads the nearest border pixel. */
function sample(m: Matrix, y: number, x: number): number {
  const cy = Math.min(m.rows - 1, Math.max(0, y));
  const cx = Math.min(m.cols - 1, Math.max(0, x));
  const y0 = Math.floor(cy);
  const x0 = Math.floor(cx);
  const y1 = Math.min(m.rows - 1, y0 + 1);
  const x1 = Math.min(m.cols - 1, x0 + 1);
  const fy = cy - y0;
  const fx = cx - x0;
  const at = (r: number, c: number) => m.data[r * m.cols + c]!;
  return (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x1)) + fy * ((1 - fx) * at(y1, x0) + fx * at(y1, x1));
}

/** `extract_and_reproject`: resamples the exposure (bilinear) onto the mosaic grid, undoing its sub-pixel shift. */
function extractAndReproject(call: TaskCall): Buffer {
  expectInputs(call, 0);
  const [pointingBytes, imageBytes] = unpackParts(requireStatic(call), `task '${call.taskId}' static input`);
  const pointing = decodeJson<Pointing>(pointingBytes!, `task '${call.taskId}' pointing`);
  const image = decodeMatrix(imageBytes!, `task '${call.taskId}' image`);
  const out = zeros(image.rows, image.cols, image.rowOffset, image.colOffset);
  for (let y = 0; y < image.rows; y++) {
    for (let x = 0; x < image.cols; x++) out.data[y * image.cols + x] = sample(image, y + pointing.shiftY, x + pointing.shiftX);
  }
  return encodeMatrix(out);
}

/** `background_correct`: fits a plane a + b·x + c·y by least squares and subtracts it. */
function backgroundCorrect(call: TaskCall): Buffer {
  expectInputs(call, 1);
  const m = decodeMatrix(call.inputs[0]!, `task '${call.taskId}' input`);
  // Normal equations of the plane fit, solved by Cramer's rule (3×3).
  let n = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0, sz = 0, sxz = 0, syz = 0;
  for (let y = 0; y < m.rows; y++) {
    for (let x = 0; x < m.cols; x++) {
      const z = m.data[y * m.cols + x]!;
      n++; sx += x; sy += y; sxx += x * x; syy += y * y; sxy += x * y; sz += z; sxz += x * z; syz += y * z;
    }
  }
  const det3 = (a: number[]) => a[0]! * (a[4]! * a[8]! - a[5]! * a[7]!) - a[1]! * (a[3]! * a[8]! - a[5]! * a[6]!) + a[2]! * (a[3]! * a[7]! - a[4]! * a[6]!);
  const matrix = [n, sx, sy, sx, sxx, sxy, sy, sxy, syy];
  const det = det3(matrix);
  if (det === 0) throw new Error(`task '${call.taskId}': cannot fit a background plane to a ${m.rows}×${m.cols} image`);
  const a = det3([sz, sx, sy, sxz, sxx, sxy, syz, sxy, syy]) / det;
  const b = det3([n, sz, sy, sx, sxz, sxy, sy, syz, syy]) / det;
  const c = det3([n, sx, sz, sx, sxx, sxz, sy, sxy, syz]) / det;
  const out = zeros(m.rows, m.cols, m.rowOffset, m.colOffset);
  for (let y = 0; y < m.rows; y++) for (let x = 0; x < m.cols; x++) out.data[y * m.cols + x] = m.data[y * m.cols + x]! - (a + b * x + c * y);
  return encodeMatrix(out);
}

/** `coadd`: averages the corrected exposures where they overlap into one mosaic. */
function coadd(call: TaskCall): Buffer {
  expectInputs(call, 'at-least-one');
  const images = call.inputs.map((bytes, i) => decodeMatrix(bytes, `task '${call.taskId}' input ${i}`));
  const rows = Math.max(...images.map((m) => m.rowOffset + m.rows));
  const cols = Math.max(...images.map((m) => m.colOffset + m.cols));
  const sum = zeros(rows, cols);
  const coverage = new Float64Array(rows * cols);
  for (const m of images) {
    for (let y = 0; y < m.rows; y++) {
      for (let x = 0; x < m.cols; x++) {
        const at = (m.rowOffset + y) * cols + m.colOffset + x;
        sum.data[at]! += m.data[y * m.cols + x]!;
        coverage[at]! += 1;
      }
    }
  }
  for (let i = 0; i < sum.data.length; i++) if (coverage[i]! > 0) sum.data[i]! /= coverage[i]!;
  return encodeMatrix(sum);
}

/** Exposure side in pixels: 48×48 float64 (18 kB), a few ms of resampling each. */
const EXPOSURE_PX = 48;

/** Montage for real: exposures of a seeded star field, each with its own background (how many: the workload's instances). */
export const montageRuntime: RuntimeWorkload = {
  name: 'montage',
  functions: { extract_and_reproject: extractAndReproject, background_correct: backgroundCorrect, coadd },
  staticInputs(params, seed) {
    const definition = getWorkload('montage');
    const resolved = resolveParams(definition, params);
    const workflow = definition.build(resolved);
    const rng = rngFor(seed, 'runtime/montage');
    const stars = Array.from({ length: 60 }, () => ({ y: rng.uniform(0, 3 * EXPOSURE_PX), x: rng.uniform(0, 3 * EXPOSURE_PX), flux: rng.uniform(50, 500) }));
    const sky = (y: number, x: number) => stars.reduce((s, st) => s + st.flux * Math.exp(-((y - st.y) ** 2 + (x - st.x) ** 2) / 4), 0);
    const inputs = new Map<string, Buffer>();
    for (const task of workflow.tasks.values()) {
      if (task.functionName !== 'extract_and_reproject') continue;
      // Exposures overlap on a 3×3-exposure field; each has a sub-pixel pointing error and a tilted background.
      const rowOffset = rng.int(2 * EXPOSURE_PX);
      const colOffset = rng.int(2 * EXPOSURE_PX);
      const pointing: Pointing = { shiftY: rng.uniform(-0.5, 0.5), shiftX: rng.uniform(-0.5, 0.5) };
      const [a, b, c] = [rng.uniform(10, 40), rng.uniform(-0.2, 0.2), rng.uniform(-0.2, 0.2)];
      const image = zeros(EXPOSURE_PX, EXPOSURE_PX, rowOffset, colOffset);
      for (let y = 0; y < EXPOSURE_PX; y++) {
        for (let x = 0; x < EXPOSURE_PX; x++) {
          const skyValue = sky(rowOffset + y - pointing.shiftY, colOffset + x - pointing.shiftX);
          image.data[y * EXPOSURE_PX + x] = skyValue + a + b * x + c * y + rng.normal();
        }
      }
      inputs.set(task.id, packParts([encodeJson(pointing), encodeMatrix(image)]));
    }
    return inputs;
  },
};
