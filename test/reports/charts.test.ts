import { describe, expect, it } from 'vitest';
import type { TaskRecord } from '../../core/trace-records.js';
import { compileSpec, PNG_ZOOM, renderPng, renderSvg } from '../../reports/render.js';
import { plannerColours } from '../../reports/palette.js';
import { predictionErrorsFromTraces } from '../../reports/prediction-error.js';
import { WIDTH_PT } from '../../reports/specs/common.js';
import { errorSensitivitySpec } from '../../reports/specs/error-sensitivity.js';
import { ganttData, ganttSpec, taskPhases } from '../../reports/specs/gantt.js';
import { GB_SECONDS_BARS, MAKESPAN_BARS, metricBarsSpec } from '../../reports/specs/metric-bars.js';
import { paretoData, paretoPositions, paretoSpec } from '../../reports/specs/pareto.js';
import { predictionCdfSpec } from '../../reports/specs/prediction-cdf.js';
import { labelField, levelsCompareResults, marksOfRole, singleRun, tinyCompareResults } from './fixtures.js';

/** Width and height from a PNG's IHDR chunk, after checking the 8-byte signature. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

function svgSize(svg: string): { width: number; height: number } {
  const match = /<svg[^>]* width="(\d+(?:\.\d+)?)" height="(\d+(?:\.\d+)?)"/.exec(svg)!;
  return { width: Number(match[1]), height: Number(match[2]) };
}

const count = (values: readonly string[]) => values.reduce((m, v) => m.set(v, (m.get(v) ?? 0) + 1), new Map<string, number>());

describe('report charts', () => {
  it('makespan and GB-s bars: one bar and one error bar per planner in each workload panel, in the planner colours', async () => {
    const results = await tinyCompareResults();
    const colours = plannerColours(results.matrix.variants.map((v) => v.label));
    for (const metric of [MAKESPAN_BARS, GB_SECONDS_BARS]) {
      for (const width of ['single', 'double'] as const) {
        const svg = await renderSvg(metricBarsSpec(results, metric, width));
        const bars = marksOfRole(svg, 'bar');
        // 2 workloads × 2 planners: each planner has one bar per workload panel.
        expect(count(bars.map((l) => labelField(l, 'variant')!))).toEqual(new Map([['wukong', 2], ['uniform', 2]]));
        // One error bar (its labelled rule; the caps are unlabelled) per bar.
        expect(count(marksOfRole(svg, 'errorbar').map((l) => labelField(l, 'variant')!))).toEqual(new Map([['wukong', 2], ['uniform', 2]]));
        for (const colour of colours.range) expect(svg).toContain(`fill="${colour}"`);
        // The bar heights are the means of the aggregates, in the drawn unit.
        const wukongTree = results.aggregates.find((a) => a.workload === 'tree_reduction' && a.variant === 'wukong')!;
        expect(bars.some((l) => l.includes(`mean ${metric.title}: ${Number((wukongTree.metrics[metric.metric].mean! * metric.scale).toPrecision(4))}`))).toBe(true);
        // Sized for its column: the whole figure (axes and legend included) stays close to the target width.
        expect(svgSize(svg).width).toBeLessThanOrEqual(WIDTH_PT[width] * 1.15);
      }
    }
  });

  it('cost vs makespan: one point per planner per workload, Pareto positions computed by dominance', async () => {
    const results = await tinyCompareResults();
    expect(paretoPositions([
      { makespanS: 1, costMicroUsd: 5 },
      { makespanS: 2, costMicroUsd: 1 },
      { makespanS: 2, costMicroUsd: 6 },
      { makespanS: 1, costMicroUsd: 5 },
    ])).toEqual(['Pareto-optimal', 'Pareto-optimal', 'dominated', 'Pareto-optimal']);
    const data = paretoData(results);
    const svg = await renderSvg(paretoSpec(results, 'double'));
    const points = marksOfRole(svg, 'point');
    expect(points).toHaveLength(4);
    expect(count(points.map((l) => labelField(l, 'planner')!))).toEqual(new Map([['wukong', 2], ['uniform', 2]]));
    for (const d of data) expect(points.some((l) => labelField(l, 'planner') === d.variant && labelField(l, 'position') === d.position)).toBe(true);
    // Every workload has at least one Pareto-optimal planner.
    for (const workload of ['tree_reduction', 'gemm']) expect(data.some((d) => d.panel === workload && d.position === 'Pareto-optimal')).toBe(true);
  });

  it('Gantt: one row per worker, a bar per task phase, cold starts distinguished', async () => {
    const { run } = singleRun(3);
    const { workers, bars } = ganttData(run);
    expect(workers).toHaveLength(run.workers.length);
    const svg = await renderSvg(ganttSpec(run));
    const marks = marksOfRole(svg, 'bar');
    expect(marks).toHaveLength(bars.length);
    expect(new Set(marks.map((l) => labelField(l, 'worker')))).toEqual(new Set(run.workers.map((w) => w.workerId)));
    // One row per worker: its start-up and lifetime bars' y offsets take exactly as many distinct values as there
    // are workers (tasks it ran at once get sub-rows within it: chart-quality.test.ts).
    const rowY = new Set(
      [...svg.matchAll(/aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="bar" d="M[-\d.e]+,([-\d.e]+)/g)]
        .filter((m) => labelField(m[1]!, 'task') === undefined || labelField(m[1]!, 'task') === '')
        .map((m) => Number(m[2]).toFixed(3)),
    );
    expect(rowY.size).toBe(run.workers.length);
    const phases = count(marks.map((l) => labelField(l, 'phase')!));
    expect(phases.get('execute')).toBe(run.tasks.filter((t) => t.execMs > 0).length);
    expect(phases.get('cold start')).toBe(run.workers.filter((w) => w.start === 'cold' && w.readyAtMs > w.invokedAtMs).length);
    expect(phases.get('upload')).toBeGreaterThan(0);
    expect(phases.get('download')).toBeGreaterThan(0);
  });

  it('Gantt phases: execution starts when the last input arrived and ends by the task end', () => {
    const task: TaskRecord = {
      type: 'task', runId: 'r', taskId: 't', functionName: 'f', workerId: 'w', resources: { memoryMb: 1024, vCpus: 0.5 },
      inputBytes: 2, outputBytes: 1, startMs: 100, endMs: 400, execMs: 150,
      downloads: [{ key: 'a', sizeBytes: 1, startMs: 100, durationMs: 30 }, { key: 'b', sizeBytes: 1, startMs: 105, durationMs: 40 }],
      uploads: [{ key: 't', sizeBytes: 1, startMs: 295, durationMs: 100 }],
    };
    expect(taskPhases(task)).toEqual([
      { phase: 'download', startMs: 100, endMs: 145 },
      { phase: 'execute', startMs: 145, endMs: 295 },
      { phase: 'upload', startMs: 295, endMs: 395 },
    ]);
  });

  it('prediction-error CDF: a step line per group, from simulated vs real runs of the same plan', async () => {
    const simulated = [singleRun(1).run, singleRun(2).run];
    const real = singleRun(5, { platform: 'lambda:test', runId: 'real-5' }).run;
    const samples = predictionErrorsFromTraces([...simulated, real]);
    expect(samples.filter((s) => s.kind === 'task')).toHaveLength(15);
    expect(samples.filter((s) => s.kind === 'makespan')).toHaveLength(1);
    const task = samples.find((s) => s.kind === 'task')!;
    const predicted = simulated.map((r) => r.tasks.find((t) => t.taskId === task.subject)!.execMs);
    expect(task.predictedMs).toBeCloseTo((predicted[0]! + predicted[1]!) / 2, 9);
    expect(task.errorPct).toBeCloseTo(((task.predictedMs - task.observedMs) / task.observedMs) * 100, 9);
    expect(predictionErrorsFromTraces(simulated)).toEqual([]);
    const svg = await renderSvg(predictionCdfSpec(samples));
    const lines = marksOfRole(svg, 'line mark');
    expect(lines.map((l) => labelField(l, 'group')).sort()).toEqual(['tree_reduction · fixed · makespan', 'tree_reduction · fixed · task']);
  });

  it('every spec compiles without a warning, and its PNG is a valid image at twice the SVG size', async () => {
    const results = await tinyCompareResults();
    const { run } = singleRun(1);
    const specs = [
      metricBarsSpec(results, MAKESPAN_BARS, 'single'),
      paretoSpec(results, 'single'),
      ganttSpec(run, 'single'),
      predictionCdfSpec(predictionErrorsFromTraces([run, singleRun(2, { platform: 'lambda:x', runId: 'x' }).run])),
      errorSensitivitySpec(await levelsCompareResults(), 'double'),
    ];
    for (const spec of specs) {
      expect(() => compileSpec(spec)).not.toThrow();
      const svg = await renderSvg(spec);
      const size = svgSize(svg);
      const png = renderPng(svg);
      expect(pngSize(png)).toEqual({ width: Math.round(size.width * PNG_ZOOM), height: Math.round(size.height * PNG_ZOOM) });
    }
  });

  it('a spec vega-lite would warn about is rejected rather than drawn wrongly', () => {
    expect(() => compileSpec({ data: { values: [] }, mark: 'bar', encoding: { x: { field: 'a', type: 'quantitative', aggregate: 'nonsense' } } })).toThrow(/vega-lite/);
  });
});
