/**
 * Load simulation speed and memory (issue 15's figure): 10,000 requests of `text_analysis` (about 600,000 tasks) on
 * one simulated platform, Poisson arrivals at 0.4/s, just below what the default platform sustains for this workload (about 0.45/s: the storage server saturates), planned once by Uniform. Prints
 * wall time, events/s, tasks simulated and peak heap. Run with `npm run bench:perf` (or `… run-perf.ts load-perf`).
 */
import { buildCompareMatrix } from '../compare/build-matrix.js';
import { planLoadMixes } from '../load/load-mix.js';
import { loadMetrics } from '../../simulator/load-metrics.js';
import { simulateLoad } from '../../simulator/load-simulation.js';

const REQUESTS = Number(process.env.LOAD_PERF_REQUESTS ?? 10_000);
const built = await buildCompareMatrix({ workloads: ['text_analysis'], planners: ['uniform'], optimizations: ['none'] });
const { platform, variants } = await planLoadMixes(built.matrix);
const mix = variants[0]!.mix;
const tasksPerRequest = mix[0]!.workflow.tasks.size;
let peakHeapBytes = 0;
const sampler = setInterval(() => (peakHeapBytes = Math.max(peakHeapBytes, process.memoryUsage().heapUsed)), 50);
for (const ratePerS of [0.4]) {
  const startMs = performance.now();
  const result = simulateLoad({ platform, mix, arrivals: { kind: 'poisson', ratePerS }, requests: REQUESTS, seed: 1 });
  const wallMs = performance.now() - startMs;
  peakHeapBytes = Math.max(peakHeapBytes, process.memoryUsage().heapUsed);
  const m = loadMetrics(result.requests);
  console.log(
    `load: ${REQUESTS.toLocaleString('en-US')} requests of text_analysis (${(REQUESTS * tasksPerRequest).toLocaleString('en-US')} tasks) at ${ratePerS}/s: ` +
      `${(wallMs / 1000).toFixed(1)} s, ${Math.round(result.events / (wallMs / 1000)).toLocaleString('en-US')} events/s, ${result.events.toLocaleString('en-US')} events, ` +
      `peak heap ${(peakHeapBytes / 2 ** 20).toFixed(0)} MiB; p50 ${(m.latencyP50Ms / 1000).toFixed(2)} s, p99 ${(m.latencyP99Ms / 1000).toFixed(2)} s, ` +
      `throughput ${m.throughputPerS.toFixed(2)}/s, peak concurrency ${result.peakLiveInvocations}`,
  );
}
clearInterval(sampler);
