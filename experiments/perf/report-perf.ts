/**
 * Prints how long a report's Gantt chart of a 10,000-task run takes: building the Vega-Lite spec, rendering it to SVG
 * (vega, headless) and rasterizing the SVG to PNG (resvg), for a run on fixed workers (16 tasks each) and a run on
 * flexible workers (one per ready task, so many more rows). The run is simulated first, untimed. Run with
 * `npm run bench:perf -- report-perf` once registered.
 */
import { flexiblePlan } from '../../core/plan.js';
import { resources } from '../../core/resources.js';
import { MEDIAN } from '../../core/sla.js';
import type { TraceRun } from '../../core/trace-records.js';
import { renderPng, renderSvg } from '../../reports/render.js';
import { ganttData, ganttSpec } from '../../reports/specs/gantt.js';
import { DEFAULT_PLATFORM_MODEL } from '../../simulator/platform-defaults.js';
import { simulate } from '../../simulator/simulate.js';
import { randomLayeredDag } from '../../traces/synthetic/random-dag.js';
import { fixedPlan, PERF_DURATIONS } from './perf-fixtures.js';

const durations = PERF_DURATIONS;

async function time(run: TraceRun): Promise<{ specMs: number; svgMs: number; pngMs: number; bars: number; rows: number; svgBytes: number; pngBytes: number }> {
  let t = performance.now();
  const spec = ganttSpec(run);
  const specMs = performance.now() - t;
  t = performance.now();
  const svg = await renderSvg(spec);
  const svgMs = performance.now() - t;
  t = performance.now();
  const png = renderPng(svg);
  const pngMs = performance.now() - t;
  const { workers, bars } = ganttData(run);
  return { specMs, svgMs, pngMs, bars: bars.length, rows: workers.length, svgBytes: svg.length, pngBytes: png.length };
}

console.log('Gantt chart of a simulated 10,000-task run (random layered DAG): spec, SVG (vega) and PNG (resvg, 2x) times');
// Warm-up on a small run, so the first measured size does not pay for loading and compiling vega.
{
  const small = randomLayeredDag({ tasks: 200, seed: 2 });
  await time(simulate(small, fixedPlan(small, 16), { platform: DEFAULT_PLATFORM_MODEL, durations, seed: 2 }).run);
}
const workflow = randomLayeredDag({ tasks: 10_000, seed: 1 });
for (const [name, plan] of [
  ['fixed/16', fixedPlan(workflow, 16)],
  ['flexible', flexiblePlan(workflow, 'flexible', MEDIAN, resources(2048))],
] as const) {
  const { run } = simulate(workflow, plan, { platform: DEFAULT_PLATFORM_MODEL, durations, seed: 1 });
  const r = await time(run);
  const total = r.specMs + r.svgMs + r.pngMs;
  console.log(
    `  10000 tasks  ${name.padEnd(9)} ${String(r.rows).padStart(5)} worker rows  ${String(r.bars).padStart(6)} bars  ` +
      `spec ${r.specMs.toFixed(0).padStart(4)} ms  SVG ${r.svgMs.toFixed(0).padStart(5)} ms  PNG ${r.pngMs.toFixed(0).padStart(5)} ms  ` +
      `total ${(total / 1000).toFixed(2)} s  (SVG ${(r.svgBytes / 1e6).toFixed(1)} MB, PNG ${(r.pngBytes / 1e6).toFixed(1)} MB)`,
  );
}
