import { rngFor } from '../../core/random.js';
import { packParts, taskIndex, unpackParts } from './encoding.js';
import { expectInputs, requireStatic, type RuntimeWorkload, type TaskCall } from './task-function.js';

/** An 8-bit image (or a horizontal strip of one, starting at row `yOffset`), `channels` bytes per pixel. */
export interface Image {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly yOffset: number;
  readonly data: Uint8Array;
}

const IMAGE_HEADER_BYTES = 16;

/** Image bytes: uint32 width, height, channels, yOffset, then the pixels row by row. */
export function encodeImage(image: Image): Buffer {
  const out = Buffer.alloc(IMAGE_HEADER_BYTES + image.data.length);
  out.writeUInt32LE(image.width, 0);
  out.writeUInt32LE(image.height, 4);
  out.writeUInt32LE(image.channels, 8);
  out.writeUInt32LE(image.yOffset, 12);
  out.set(image.data, IMAGE_HEADER_BYTES);
  return out;
}

/** Decodes `encodeImage` bytes; `what` names the datum in errors. */
export function decodeImage(bytes: Buffer, what: string): Image {
  if (bytes.length < IMAGE_HEADER_BYTES) throw new Error(`${what}: ${bytes.length} bytes is too short for an image header`);
  const width = bytes.readUInt32LE(0);
  const height = bytes.readUInt32LE(4);
  const channels = bytes.readUInt32LE(8);
  const yOffset = bytes.readUInt32LE(12);
  if (width * height * channels !== bytes.length - IMAGE_HEADER_BYTES) {
    throw new Error(`${what}: header says ${width}×${height}×${channels} but ${bytes.length - IMAGE_HEADER_BYTES} pixel bytes follow`);
  }
  return { width, height, channels, yOffset, data: bytes.subarray(IMAGE_HEADER_BYTES) };
}

const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

function like(image: Image, channels = image.channels): Image {
  return { width: image.width, height: image.height, channels, yOffset: image.yOffset, data: new Uint8Array(image.width * image.height * channels) };
}

/** A 3×3 convolution with edge pixels clamped to the border. */
function convolve3(image: Image, kernel: readonly number[], scale: number): Image {
  const out = like(image);
  const { width: w, height: h, channels: ch } = image;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < ch; c++) {
        let sum = 0;
        for (let ky = -1; ky <= 1; ky++) {
          const yy = Math.min(h - 1, Math.max(0, y + ky));
          for (let kx = -1; kx <= 1; kx++) {
            const xx = Math.min(w - 1, Math.max(0, x + kx));
            sum += kernel[(ky + 1) * 3 + kx + 1]! * image.data[(yy * w + xx) * ch + c]!;
          }
        }
        out.data[(y * w + x) * ch + c] = clamp(sum * scale);
      }
    }
  }
  return out;
}

function single(call: TaskCall): Image {
  expectInputs(call, 1);
  return decodeImage(call.inputs[0]!, `task '${call.taskId}' input`);
}

/** Horizontal strip `index` of `count` over `height` rows. */
function stripRows(height: number, count: number, index: number): [number, number] {
  return [Math.floor((index * height) / count), Math.floor(((index + 1) * height) / count)];
}

/** The number of tiles an image is split into: packed in the static input's first part, so split_image needs no params. */
function splitImage(call: TaskCall): Buffer {
  const [header, imageBytes] = unpackParts(requireStatic(call), `task '${call.taskId}' static input`);
  const tiles = header!.readUInt32LE(0);
  const image = decodeImage(imageBytes!, `task '${call.taskId}' image`);
  const rowBytes = image.width * image.channels;
  const parts: Buffer[] = [];
  for (let t = 0; t < tiles; t++) {
    const [y0, y1] = stripRows(image.height, tiles, t);
    parts.push(encodeImage({ width: image.width, height: y1 - y0, channels: image.channels, yOffset: y0, data: image.data.subarray(y0 * rowBytes, y1 * rowBytes) }));
  }
  return packParts(parts);
}

/** `get_chunk-<n>`: tile n of the split output (the reference passes the whole split output to every get_chunk). */
function getChunk(call: TaskCall): Buffer {
  expectInputs(call, 1);
  const tiles = unpackParts(call.inputs[0]!, `task '${call.taskId}' input`);
  const index = taskIndex(call.taskId);
  const tile = tiles[index];
  if (!tile) throw new Error(`task '${call.taskId}': tile ${index} of ${tiles.length} does not exist`);
  return Buffer.from(tile);
}

/** `resize`: 2×2 box down-sampling, then nearest-neighbour back to the tile's size (a lossy round trip). */
function resize(call: TaskCall): Buffer {
  const image = single(call);
  const out = like(image);
  const { width: w, height: h, channels: ch } = image;
  for (let y = 0; y < h; y++) {
    const y0 = y & ~1;
    const y1 = Math.min(h - 1, y0 + 1);
    for (let x = 0; x < w; x++) {
      const x0 = x & ~1;
      const x1 = Math.min(w - 1, x0 + 1);
      for (let c = 0; c < ch; c++) {
        const at = (yy: number, xx: number) => image.data[(yy * w + xx) * ch + c]!;
        out.data[(y * w + x) * ch + c] = clamp((at(y0, x0) + at(y0, x1) + at(y1, x0) + at(y1, x1)) / 4);
      }
    }
  }
  return encodeImage(out);
}

/** `blur`: 3×3 box blur. */
function blur(call: TaskCall): Buffer {
  return encodeImage(convolve3(single(call), [1, 1, 1, 1, 1, 1, 1, 1, 1], 1 / 9));
}

/** `normalize`: stretches each channel to the full 0–255 range. */
function normalize(call: TaskCall): Buffer {
  const image = single(call);
  const out = like(image);
  const ch = image.channels;
  for (let c = 0; c < ch; c++) {
    let min = 255;
    let max = 0;
    for (let i = c; i < image.data.length; i += ch) {
      min = Math.min(min, image.data[i]!);
      max = Math.max(max, image.data[i]!);
    }
    const scale = max > min ? 255 / (max - min) : 1;
    for (let i = c; i < image.data.length; i += ch) out.data[i] = clamp((image.data[i]! - min) * scale);
  }
  return encodeImage(out);
}

/** `sepia`: the usual sepia colour matrix on RGB. */
function sepia(call: TaskCall): Buffer {
  const image = single(call);
  if (image.channels !== 3) throw new Error(`task '${call.taskId}': sepia needs RGB, got ${image.channels} channel(s)`);
  const out = like(image);
  for (let i = 0; i < image.data.length; i += 3) {
    const r = image.data[i]!;
    const g = image.data[i + 1]!;
    const b = image.data[i + 2]!;
    out.data[i] = clamp(0.393 * r + 0.769 * g + 0.189 * b);
    out.data[i + 1] = clamp(0.349 * r + 0.686 * g + 0.168 * b);
    out.data[i + 2] = clamp(0.272 * r + 0.534 * g + 0.131 * b);
  }
  return encodeImage(out);
}

/** `edge_detect`: greyscale, then Sobel gradient magnitude (one byte per pixel). */
function edgeDetect(call: TaskCall): Buffer {
  const image = single(call);
  const { width: w, height: h, channels: ch } = image;
  const grey = new Float64Array(w * h);
  for (let p = 0; p < w * h; p++) {
    grey[p] = ch >= 3 ? 0.299 * image.data[p * ch]! + 0.587 * image.data[p * ch + 1]! + 0.114 * image.data[p * ch + 2]! : image.data[p * ch]!;
  }
  const out = like(image, 1);
  const at = (y: number, x: number) => grey[Math.min(h - 1, Math.max(0, y)) * w + Math.min(w - 1, Math.max(0, x))]!;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const gx = at(y - 1, x + 1) + 2 * at(y, x + 1) + at(y + 1, x + 1) - at(y - 1, x - 1) - 2 * at(y, x - 1) - at(y + 1, x - 1);
      const gy = at(y + 1, x - 1) + 2 * at(y + 1, x) + at(y + 1, x + 1) - at(y - 1, x - 1) - 2 * at(y - 1, x) - at(y - 1, x + 1);
      out.data[y * w + x] = clamp(Math.hypot(gx, gy) / 4);
    }
  }
  return encodeImage(out);
}

/** `sharpen`: 3×3 sharpening kernel. */
function sharpen(call: TaskCall): Buffer {
  return encodeImage(convolve3(single(call), [0, -1, 0, -1, 5, -1, 0, -1, 0], 1));
}

/** `combine_chunk`: darkens the colour tile along the edges (colour − edges / 2). */
function combineChunk(call: TaskCall): Buffer {
  expectInputs(call, 2);
  const colour = decodeImage(call.inputs[0]!, `task '${call.taskId}' colour input`);
  const edges = decodeImage(call.inputs[1]!, `task '${call.taskId}' edge input`);
  if (colour.width !== edges.width || colour.height !== edges.height) {
    throw new Error(`task '${call.taskId}': colour ${colour.width}×${colour.height} and edges ${edges.width}×${edges.height} differ`);
  }
  const out = like(colour);
  const ch = colour.channels;
  for (let p = 0; p < colour.width * colour.height; p++) {
    for (let c = 0; c < ch; c++) out.data[p * ch + c] = clamp(colour.data[p * ch + c]! - edges.data[p]! / 2);
  }
  return encodeImage(out);
}

/** `merge_chunks_grid`: stacks the tiles back into one image by their row offsets. */
function mergeChunksGrid(call: TaskCall): Buffer {
  expectInputs(call, 'at-least-one');
  const tiles = call.inputs.map((bytes, i) => decodeImage(bytes, `task '${call.taskId}' input ${i}`));
  const width = tiles[0]!.width;
  const channels = tiles[0]!.channels;
  const height = Math.max(...tiles.map((t) => t.yOffset + t.height));
  const out: Image = { width, height, channels, yOffset: 0, data: new Uint8Array(width * height * channels) };
  for (const tile of tiles) {
    if (tile.width !== width || tile.channels !== channels) throw new Error(`task '${call.taskId}': tiles differ in width or channels`);
    out.data.set(tile.data, tile.yOffset * width * channels);
  }
  return encodeImage(out);
}

/** Image transformer for real (sizes: the workload's instances, e.g. a 192×128 RGB image in 16 tiles, 130 tasks). */
export const imageTransformerRuntime: RuntimeWorkload = {
  name: 'image_transformer',
  functions: {
    split_image: splitImage,
    get_chunk: getChunk,
    resize,
    blur,
    normalize,
    sepia,
    edge_detect: edgeDetect,
    sharpen,
    combine_chunk: combineChunk,
    merge_chunks_grid: mergeChunksGrid,
  },
  staticInputs(params, seed) {
    const width = params.widthPx!;
    const height = params.heightPx!;
    const rng = rngFor(seed, 'runtime/image_transformer');
    // Smooth colour gradients plus noise: filters have structure to act on, and every pixel depends on the seed.
    const data = new Uint8Array(width * height * 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const p = (y * width + x) * 3;
        data[p] = clamp((255 * x) / width + rng.uniform(-20, 20));
        data[p + 1] = clamp((255 * y) / height + rng.uniform(-20, 20));
        data[p + 2] = clamp(128 + 100 * Math.sin((x + y) / 9) + rng.uniform(-20, 20));
      }
    }
    const header = Buffer.alloc(4);
    header.writeUInt32LE(params.chunks!, 0);
    return new Map([['split_image-0', packParts([header, encodeImage({ width, height, channels: 3, yOffset: 0, data })])]]);
  },
};
