import { workflowBuilder } from '../../core/workflow-builder.js';
import { behaviour } from './behaviour.js';
import { param, type WorkloadDefinition } from './workload.js';

/**
 * Montage (astronomical mosaic): each input image is reprojected (`extract_and_reproject`), background-corrected
 * (`background_correct`), and all are co-added into one mosaic (`coadd`). 10 images → 21 tasks. Compute-heavy: the
 * reference ran it on 8–16 GB workers, so the functions here use several vCPUs.
 */
export const montage: WorkloadDefinition = {
  name: 'montage',
  description: 'astronomy mosaic: reproject and correct each image, co-add all (compute-heavy)',
  source: 'OctoFlows _examples/original/montage.py: 10 2MASS FITS files of ≈1.6 MB, 10 → 10 → coadd (fan-in 10)',
  params: [
    { name: 'images', description: 'input FITS images', defaultValue: 10, min: 1, max: 10_000 },
    { name: 'imageBytes', description: 'bytes per input FITS image', defaultValue: 1_600_000, min: 1, max: 1_000_000_000 },
  ],
  // 48×48 float64 exposures (18,432 bytes), a few ms of resampling each.
  instances: { local: { images: 4, imageBytes: 18_432 }, inProcess: { images: 10, imageBytes: 18_432 } },
  behaviour: () => ({
    // Reprojection resamples onto a common, slightly larger grid.
    extract_and_reproject: behaviour({ baseExecMs: 300, execMsPerMiB: 2500, parallelism: 4, outputPerInputByte: 1.25 }),
    background_correct: behaviour({ baseExecMs: 100, execMsPerMiB: 600, parallelism: 2, outputPerInputByte: 1 }),
    // Neighbouring images overlap, so the mosaic is smaller than the images it sums (assumed 60 %).
    coadd: behaviour({ baseExecMs: 200, execMsPerMiB: 400, parallelism: 4, outputPerInputByte: 0.6 }),
  }),
  build(params) {
    const wf = workflowBuilder('montage');
    const reproject = wf.fn('extract_and_reproject').with({ staticInputBytes: param(params, 'imageBytes') });
    const correct = wf.fn('background_correct');
    const coadd = wf.fn('coadd');
    const corrected = Array.from({ length: param(params, 'images') }, () => correct(reproject()));
    coadd(corrected);
    return wf.build();
  },
};
