/**
 * Compact binary encodings of task data, so outputs travel through Redis as bytes: JSON for small structured values,
 * Float64 buffers for matrices and images. Every decoder names what it expected, so a bad input points at its task.
 */

/** A small value as UTF-8 JSON bytes. */
export function encodeJson(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

/** Decodes `encodeJson` bytes; `what` names the datum in errors. */
export function decodeJson<T>(bytes: Buffer, what: string): T {
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch (e) {
    throw new Error(`${what}: not JSON (${bytes.length} bytes): ${(e as Error).message}`);
  }
}

/** A dense row-major matrix of float64 values placed at (rowOffset, colOffset) of a larger one (0, 0 when whole). */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly rowOffset: number;
  readonly colOffset: number;
  readonly data: Float64Array;
}

const MATRIX_HEADER = 4;

/** A matrix of zeros. */
export function zeros(rows: number, cols: number, rowOffset = 0, colOffset = 0): Matrix {
  return { rows, cols, rowOffset, colOffset, data: new Float64Array(rows * cols) };
}

/** Matrix bytes: 4 float64 header values (rows, cols, rowOffset, colOffset), then the values. */
export function encodeMatrix(m: Matrix): Buffer {
  const out = new Float64Array(MATRIX_HEADER + m.data.length);
  out[0] = m.rows;
  out[1] = m.cols;
  out[2] = m.rowOffset;
  out[3] = m.colOffset;
  out.set(m.data, MATRIX_HEADER);
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

/** Decodes `encodeMatrix` bytes. */
export function decodeMatrix(bytes: Buffer, what: string): Matrix {
  const values = float64View(bytes, what);
  if (values.length < MATRIX_HEADER) throw new Error(`${what}: ${bytes.length} bytes is too short for a matrix header`);
  const rows = values[0]!;
  const cols = values[1]!;
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows * cols !== values.length - MATRIX_HEADER) {
    throw new Error(`${what}: header says ${rows}×${cols} but ${values.length - MATRIX_HEADER} values follow`);
  }
  return { rows, cols, rowOffset: values[2]!, colOffset: values[3]!, data: values.subarray(MATRIX_HEADER) };
}

/** Several byte strings in one: a uint32 count, the uint32 lengths, then the parts. */
export function packParts(parts: readonly Buffer[]): Buffer {
  const header = Buffer.alloc(4 * (parts.length + 1));
  header.writeUInt32LE(parts.length, 0);
  parts.forEach((p, i) => header.writeUInt32LE(p.length, 4 * (i + 1)));
  return Buffer.concat([header, ...parts]);
}

/** Splits `packParts` bytes back into their parts (views, not copies). */
export function unpackParts(bytes: Buffer, what: string): Buffer[] {
  if (bytes.length < 4) throw new Error(`${what}: ${bytes.length} bytes is too short for a part count`);
  const count = bytes.readUInt32LE(0);
  let offset = 4 * (count + 1);
  if (offset > bytes.length) throw new Error(`${what}: ${count} parts announced but only ${bytes.length} bytes`);
  const parts: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const length = bytes.readUInt32LE(4 * (i + 1));
    if (offset + length > bytes.length) throw new Error(`${what}: part ${i} overruns the ${bytes.length} bytes`);
    parts.push(bytes.subarray(offset, offset + length));
    offset += length;
  }
  return parts;
}

/** A Float64Array over bytes, copying only when Redis handed back a buffer that is not 8-byte aligned. */
export function float64View(bytes: Buffer, what: string): Float64Array {
  if (bytes.length % 8 !== 0) throw new Error(`${what}: ${bytes.length} bytes is not a whole number of float64 values`);
  if (bytes.byteOffset % 8 === 0) return new Float64Array(bytes.buffer, bytes.byteOffset, bytes.length / 8);
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return new Float64Array(copy.buffer);
}

/** The trailing `-<n>` index of a task id built by a workload builder (`get_chunk-3` -> 3). */
export function taskIndex(taskId: string): number {
  const match = /-(\d+)$/.exec(taskId);
  if (!match) throw new Error(`task '${taskId}': expected an id ending in -<index>, as the workload builder names tasks`);
  return Number(match[1]);
}
