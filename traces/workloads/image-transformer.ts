import { workflowBuilder } from '../../core/workflow-builder.js';
import { behaviour } from './behaviour.js';
import { param, type WorkloadDefinition } from './workload.js';

const RGB_BYTES_PER_PIXEL = 3;

/**
 * Image transformer: `split_image` cuts an RGB image into `chunks` tiles; one `get_chunk` per tile picks its tile out
 * of the whole split output; each tile fans out to a colour branch (resize → blur → normalize → sepia) and an edge
 * branch (edge_detect → sharpen, greyscale so a third of the bytes); `combine_chunk` joins the two branches and
 * `merge_chunks_grid` reassembles the image. 16 chunks → 130 tasks, depth 8.
 *
 * The reference's `split_image` sleeps 9 s "to influence the planner to assign pre-warm"; the base time keeps it,
 * because that delay is what makes pre-warming the 16 `get_chunk` workers worthwhile.
 */
export const imageTransformer: WorkloadDefinition = {
  name: 'image_transformer',
  description: 'image split into tiles, two filter chains per tile, tiles recombined (data-heavy fan-out/fan-in)',
  source:
    'OctoFlows _examples/original/image_transformer.py: 3000×2001 RGB (≈18 MB raw), 16 tiles of 500×750×3 (1.125 MB); ' +
    'every get_chunk downloads the whole ≈18 MB split output',
  params: [
    { name: 'chunks', description: 'tiles the image is split into', defaultValue: 16, min: 1, max: 4096 },
    { name: 'widthPx', description: 'image width in pixels', defaultValue: 3000, min: 1, max: 100_000 },
    { name: 'heightPx', description: 'image height in pixels', defaultValue: 2001, min: 1, max: 100_000 },
  ],
  instances: { local: { chunks: 4, widthPx: 192, heightPx: 128 }, inProcess: { chunks: 16, widthPx: 192, heightPx: 128 } },
  behaviour: (params) => ({
    split_image: behaviour({ baseExecMs: 9000, execMsPerMiB: 20, execNoiseSigma: 0.02, outputPerInputByte: 1 }),
    get_chunk: behaviour({ baseExecMs: 5, execMsPerMiB: 2, outputPerInputByte: 1 / param(params, 'chunks') }),
    resize: behaviour({ baseExecMs: 10, execMsPerMiB: 40, outputPerInputByte: 1 }),
    blur: behaviour({ baseExecMs: 10, execMsPerMiB: 120, parallelism: 2, outputPerInputByte: 1 }),
    normalize: behaviour({ baseExecMs: 5, execMsPerMiB: 30, outputPerInputByte: 1 }),
    sepia: behaviour({ baseExecMs: 5, execMsPerMiB: 50, outputPerInputByte: 1 }),
    // Edges are greyscale: one byte per pixel instead of three.
    edge_detect: behaviour({ baseExecMs: 10, execMsPerMiB: 90, parallelism: 2, outputPerInputByte: 1 / 3 }),
    sharpen: behaviour({ baseExecMs: 5, execMsPerMiB: 60, outputPerInputByte: 1 }),
    // Reads an RGB tile and its greyscale edges (4/3 of a tile) and writes one RGB tile.
    combine_chunk: behaviour({ baseExecMs: 5, execMsPerMiB: 25, outputPerInputByte: 3 / 4 }),
    merge_chunks_grid: behaviour({ baseExecMs: 20, execMsPerMiB: 15, outputPerInputByte: 1 }),
  }),
  build(params) {
    const chunks = param(params, 'chunks');
    const imageBytes = param(params, 'widthPx') * param(params, 'heightPx') * RGB_BYTES_PER_PIXEL;
    const wf = workflowBuilder('image_transformer');
    const split = wf.fn('split_image').with({ staticInputBytes: imageBytes });
    const getChunk = wf.fn('get_chunk');
    const [resize, blur, normalize, sepia] = ['resize', 'blur', 'normalize', 'sepia'].map((f) => wf.fn(f));
    const [edgeDetect, sharpen] = ['edge_detect', 'sharpen'].map((f) => wf.fn(f));
    const combine = wf.fn('combine_chunk');
    const merge = wf.fn('merge_chunks_grid');

    const tiles = split();
    const combined = [];
    for (let i = 0; i < chunks; i++) {
      const tile = getChunk(tiles);
      const colour = sepia!(normalize!(blur!(resize!(tile))));
      const edges = sharpen!(edgeDetect!(tile));
      combined.push(combine(colour, edges));
    }
    merge(combined);
    return wf.build();
  },
};
