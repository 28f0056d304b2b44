import { describe, expect, it } from 'vitest';
import { renderSvg } from '../../reports/render.js';
import { PAPER_CONFIG, WIDTH_PT } from '../../reports/specs/common.js';
import { assignLanes, GANTT_LABEL_FONT_SIZE, ganttData, ganttSpec } from '../../reports/specs/gantt.js';
import { GB_SECONDS_BARS, MAKESPAN_BARS, metricBarsSpec } from '../../reports/specs/metric-bars.js';
import { PARETO_NUDGE_PT, paretoAxis, paretoNudges, paretoSpec } from '../../reports/specs/pareto.js';
import { predictionCdfSpec } from '../../reports/specs/prediction-cdf.js';
import type { PredictionErrorSample } from '../../reports/prediction-error.js';
import { textWidth } from '../../reports/text-width.js';
import { labelField, marksOfRole, optimizedCompareResults, singleRun } from './fixtures.js';

/* Defects 16–19 of the charts: what a paper's single-column figure needs, checked on the specs and the SVGs. */

type Json = Record<string, any>;
/** The panels of a concatenated chart, row by row. */
const panelsOf = (spec: Json): Json[][] => (spec.vconcat as Json[]).map((row) => row.hconcat as Json[]);
/** The texts of an SVG's text elements. */
const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));

describe('bar charts (16)', () => {
  it('name every planner on the x axis under each column, write the y title once per row, and end the scale at the data', async () => {
    const results = await optimizedCompareResults();
    const variants = results.matrix.variants.map((v) => v.label);
    for (const metric of [MAKESPAN_BARS, GB_SECONDS_BARS]) {
      for (const width of ['single', 'double'] as const) {
        const spec = metricBarsSpec(results, metric, width) as Json;
        const rows = panelsOf(spec);
        expect(rows.flat()).toHaveLength(2);
        for (const [r, row] of rows.entries()) {
          for (const [c, panel] of row.entries()) {
            const bar = panel.layer[0].encoding;
            // One y title per row: the first panel's.
            expect(bar.y.title).toBe(c === 0 ? metric.title : null);
            // Planner names under the lowest panel of each column.
            const lowest = rows[r + 1]?.[c] === undefined;
            expect(bar.x.axis.labels !== false).toBe(lowest);
            // No empty band above: the scale ends within 5 % above the highest error bar, and no tick lies above it.
            const [, top] = bar.y.scale.domain as [number, number];
            expect(bar.y.scale.nice).toBe(false);
            expect(Math.max(...bar.y.axis.values)).toBeLessThanOrEqual(top);
            expect(bar.y.axis.values.length).toBeGreaterThanOrEqual(3);
          }
        }
        const svg = await renderSvg(spec);
        const drawn = texts(svg);
        for (const v of variants) expect(drawn.filter((t) => t === v)).toHaveLength(rows[0]!.length);
        expect(drawn.filter((t) => t === metric.title)).toHaveLength(rows.length);
        // Sized for its column.
        expect(Number(/<svg[^>]* width="([\d.]+)"/.exec(svg)![1])).toBeLessThanOrEqual(WIDTH_PT[width] * 1.05);
      }
    }
  });
});

describe('cost vs makespan (17)', () => {
  it('gives every panel at least two labelled ticks from its data, at single width too', async () => {
    const results = await optimizedCompareResults();
    for (const width of ['single', 'double'] as const) {
      for (const panel of panelsOf(paretoSpec(results, width)).flat()) {
        const marker = panel.layer[panel.layer.length - 1].encoding;
        for (const axis of [marker.x, marker.y]) {
          expect(axis.axis.values.length, `${panel.title.text} ${axis.field}`).toBeGreaterThanOrEqual(2);
          const [lo, hi] = axis.scale.domain as [number, number];
          for (const t of axis.axis.values) expect(t >= lo && t <= hi).toBe(true);
        }
      }
    }
    // A narrow range still gets two ticks; a range that holds none widens to its neighbours.
    expect(paretoAxis([3.1, 3.2], 75, 45).ticks.length).toBeGreaterThanOrEqual(2);
    expect(paretoAxis([5, 5], 75, 45).ticks.length).toBeGreaterThanOrEqual(2);
  });

  it('sets coincident markers side by side and draws optimized variants as diamonds', async () => {
    expect(paretoNudges([{ x: 10, y: 10 }, { x: 11, y: 10 }, { x: 50, y: 50 }])).toEqual([-PARETO_NUDGE_PT / 2, PARETO_NUDGE_PT / 2, 0]);
    const results = await optimizedCompareResults();
    const spec = paretoSpec(results, 'single') as Json;
    const data = spec.data.values as Json[];
    // wukong+opt has the plain wukong plan here: same point, moved apart.
    for (const panel of new Set(data.map((d) => d.panel))) {
      const plain = data.find((d) => d.panel === panel && d.variant === 'wukong')!;
      const opt = data.find((d) => d.panel === panel && d.variant === 'wukong+opt')!;
      if (plain.makespanS === opt.makespanS && plain.costMicroUsd === opt.costMicroUsd) expect(Math.abs(plain.nudgePt - opt.nudgePt)).toBeGreaterThanOrEqual(PARETO_NUDGE_PT);
    }
    const marker = panelsOf(spec)[0]![0]!.layer.at(-1).encoding;
    expect(marker.shape.scale.range).toEqual(results.matrix.variants.map((v) => (v.optimizations.length > 0 ? 'diamond' : 'circle')));
    const svg = await renderSvg(spec);
    const points = marksOfRole(svg, 'point');
    expect(new Set(points.map((l) => labelField(l, 'planner')))).toEqual(new Set(results.matrix.variants.map((v) => v.label)));
  });

  it('says in the legend what filled and hollow mean', async () => {
    const svg = await renderSvg(paretoSpec(await optimizedCompareResults(), 'single'));
    const drawn = texts(svg);
    expect(drawn).toContain('filled: Pareto-optimal');
    expect(drawn).toContain('hollow: dominated');
  });
});

describe('Gantt (18)', () => {
  it('gives tasks running at once on one worker their own sub-rows', async () => {
    expect(assignLanes([{ startMs: 0, endMs: 10 }, { startMs: 5, endMs: 8 }, { startMs: 9, endMs: 12 }, { startMs: 10, endMs: 11 }])).toEqual([0, 1, 1, 0]);
    const { run } = singleRun(3);
    const { bars, rows } = ganttData(run);
    // The fixture runs tree_reduction's leaves four to a worker: some run at once.
    expect(Math.max(...rows.map((r) => r.lanes))).toBeGreaterThan(1);
    // No two task bars of one phase share a worker's sub-row at the same time.
    const tasks = bars.filter((b) => b.lane !== null && b.phase === 'execute');
    for (const a of tasks) {
      for (const b of tasks) {
        if (a !== b && a.worker === b.worker && a.lane === b.lane) expect(a.endS <= b.startS || b.endS <= a.startS, `${a.task} and ${b.task}`).toBe(true);
      }
    }
    const spec = ganttSpec(run, 'single') as Json;
    expect(spec.encoding.y.field).toBe('rowTop');
    expect(spec.encoding.tooltip.map((t: Json) => t.field)).toContain('lane');
    // Drawn: the execute bars of a worker take as many distinct heights as it has sub-rows in use.
    const svg = await renderSvg(spec);
    const execY = new Set([...svg.matchAll(/aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="bar" d="M[-\d.e]+,([-\d.e]+)/g)].filter((m) => labelField(m[1]!, 'phase') === 'execute').map((m) => Number(m[2]).toFixed(2)));
    expect(execY.size).toBe(new Set(tasks.map((b) => `${b.worker}/${b.lane}`)).size);
  });

  it('labels workers at 9 pt or more at single width, and lists only the phases that occur', async () => {
    const { run } = singleRun(3);
    for (const width of ['single', 'double'] as const) {
      const spec = ganttSpec(run, width) as Json;
      expect(spec.encoding.y.axis.labelFontSize).toBeGreaterThanOrEqual(9);
      expect(GANTT_LABEL_FONT_SIZE).toBeGreaterThanOrEqual(9);
      const svg = await renderSvg(spec);
      for (const w of run.workers) expect(texts(svg)).toContain(w.workerId);
      const occurring = new Set(ganttData(run).bars.map((b) => b.phase));
      expect(new Set(spec.encoding.color.scale.domain)).toEqual(occurring);
      // The fixture's workers all start cold: no warm start in the legend.
      expect(texts(svg)).not.toContain('warm start');
      expect(Number(/<svg[^>]* width="([\d.]+)"/.exec(svg)![1])).toBeLessThanOrEqual(WIDTH_PT[width] * 1.05);
    }
  });
});

describe('prediction-error CDF (19)', () => {
  const sample = (group: string, errorPct: number): PredictionErrorSample => ({ group, kind: 'task', subject: 't', realRunId: 'r', predictedMs: 100 + errorPct, observedMs: 100, errorPct });
  it('draws legend entries whole: the label limit is the chart width, longer labels break after the planner', async () => {
    const groups = ['tree_reduction · fixed · makespan', 'tree_reduction · fixed · task', 'image_transformer · non-uniform+opt · makespan'];
    const samples = groups.flatMap((g) => [sample(g, 5), sample(g, 12)]);
    for (const width of ['single', 'double'] as const) {
      const spec = predictionCdfSpec(samples, width) as Json;
      expect(spec.config.legend.labelLimit).toBeGreaterThanOrEqual(WIDTH_PT[width] - 2 * PAPER_CONFIG.padding - 24);
      const svg = await renderSvg(spec);
      const drawn = texts(svg).join('\n');
      expect(drawn).not.toContain('…');
      expect(drawn).toContain('tree_reduction · fixed · makespan');
      expect(drawn).toContain('makespan');
      for (const t of texts(svg)) expect(textWidth(t, PAPER_CONFIG.legend.labelFontSize)).toBeLessThanOrEqual(spec.config.legend.labelLimit + 1);
    }
  });
});
