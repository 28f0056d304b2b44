import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPARE_METRICS, parseCompareResults, type CompareAggregate } from '../../core/compare-results.js';
import { COMPARE_CSV_COLUMNS, compareCsv } from '../../experiments/compare/csv.js';
import type { CompareResults as RunnerResults } from '../../experiments/compare/results.js';
import { RUN_CSV_COLUMNS, runsCsv, SENSITIVITY_CSV_COLUMNS, sensitivityCsv, SUMMARY_CSV_COLUMNS, summaryCsv, TRUTH_CSV_COLUMNS, truthCsv } from '../../reports/csv.js';
import { compileSpec, renderSvg } from '../../reports/render.js';
import { sensitivityRows } from '../../reports/sensitivity.js';
import { errorSensitivitySpec, sensitivityData } from '../../reports/specs/error-sensitivity.js';
import { barData, MAKESPAN_BARS } from '../../reports/specs/metric-bars.js';
import { paretoData } from '../../reports/specs/pareto.js';
import { compareTables, qualityTables } from '../../reports/tables.js';
import { writeCompareReport } from '../../reports/write-report.js';
import { labelField, levelsCompareResults, marksOfRole, olderResultsJson, parseCsv, tinyCompareResults } from './fixtures.js';

const tempDir = () => mkdtemp(join(tmpdir(), 'octoplan-report-levels-'));
const headerOf = (csv: string) => csv.split('\n')[0]!.split(',');
/** A CSV cell as csv-stringify writes a value: empty for null. */
const cellOf = (value: number | null) => (value === null ? '' : String(value));
const cellKey = (c: { workload: string; sla: string; predictionError: number | string; variant: string }) => `${c.workload}/${c.sla}/${c.predictionError}/${c.variant}`;
/** The same key of a parsed CSV row. */
const rowKey = (r: Record<string, string>) => cellKey({ workload: r.workload!, sla: r.sla!, predictionError: r.predictionError!, variant: r.variant! });

describe('reports with several prediction-error levels', () => {
  it('draws the sensitivity chart and writes sensitivity.csv only when the results have more than one level', async () => {
    const one = await writeCompareReport(await tinyCompareResults(), await tempDir(), { source: 'one.json' });
    expect(one.files.filter((f) => f.startsWith('error-sensitivity') || f === 'sensitivity.csv')).toEqual([]);
    expect(await readFile(join(one.dir, 'report.md'), 'utf8')).toContain('One prediction-error level (0) only, so there is no sensitivity to draw');

    const results = await levelsCompareResults();
    const two = await writeCompareReport(results, await tempDir(), { source: 'two.json' });
    expect(two.files).toEqual(expect.arrayContaining(['error-sensitivity.vl.json', 'error-sensitivity.svg', 'error-sensitivity.png', 'sensitivity.csv', 'truth.csv']));
    const md = await readFile(join(two.dir, 'report.md'), 'utf8');
    expect(md).toContain('![Sensitivity to prediction error](error-sensitivity.png)');
    const html = await readFile(join(two.dir, 'report.html'), 'utf8');
    expect(html.match(/<figure data-chart="[a-z-]+"/g)).toEqual([
      '<figure data-chart="makespan"',
      '<figure data-chart="gb-seconds"',
      '<figure data-chart="cost-makespan"',
      '<figure data-chart="error-sensitivity"',
    ]);
    // The written spec carries the same rows as the CSV: one point per cell and quantity, plus the SLA axis anchors.
    const spec = JSON.parse(await readFile(join(two.dir, 'error-sensitivity.vl.json'), 'utf8')) as { data: { values: { anchor?: boolean }[] } };
    expect(spec.data.values.filter((v) => v.anchor !== true)).toEqual(sensitivityData(results));
    expect(parseCsv(await readFile(join(two.dir, 'sensitivity.csv'), 'utf8'))).toHaveLength(results.aggregates.length);
  });

  it('sensitivity rows are the aggregates: one per workload × SLA × variant × level, values unchanged', async () => {
    const results = await levelsCompareResults();
    const rows = sensitivityRows(results);
    expect(rows).toHaveLength(4 * 2);
    expect(new Set(rows.map(cellKey)).size).toBe(rows.length);
    // Ordered as a trend: each variant's levels ascending next to each other.
    expect(rows.slice(0, 2).map((r) => [r.variant, r.predictionError])).toEqual([['wukong', 0], ['wukong', 0.5]]);
    const byKey = new Map(results.aggregates.map((a) => [cellKey(a), a]));
    for (const row of rows) {
      const a = byKey.get(cellKey(row))!;
      expect(row).toMatchObject({
        makespanMsMean: a.metrics.makespanMs.mean,
        makespanMsStd: a.metrics.makespanMs.std,
        gbSecondsMean: a.metrics.gbSeconds.mean,
        slaAttainment: a.slaAttainment,
        estimateErrorPct: a.estimateErrorPct,
        completedRuns: a.completedRuns,
      });
    }
    const csvRows = parseCsv(sensitivityCsv(results));
    expect(headerOf(sensitivityCsv(results))).toEqual(SENSITIVITY_CSV_COLUMNS);
    csvRows.forEach((r, i) => {
      expect(Number(r.predictionError)).toBe(rows[i]!.predictionError);
      expect(r.makespanMsMean).toBe(cellOf(rows[i]!.makespanMsMean));
      expect(r.slaAttainment).toBe(cellOf(rows[i]!.slaAttainment));
      expect(r.estimateErrorPct).toBe(cellOf(rows[i]!.estimateErrorPct));
    });
  });

  it('the sensitivity chart draws a point per variant, level and quantity, at the aggregate values', async () => {
    const results = await levelsCompareResults();
    const spec = errorSensitivitySpec(results, 'double');
    expect(() => compileSpec(spec)).not.toThrow();
    const svg = await renderSvg(spec);
    const points = marksOfRole(svg, 'point');
    // 4 variants × 2 levels × 3 quantities; the invisible anchors of the SLA axis carry no label.
    expect(points).toHaveLength(4 * 2 * 3);
    for (const a of results.aggregates) {
      const at = (quantity: string) =>
        points.filter((l) => labelField(l, 'planner') === a.variant && labelField(l, 'prediction error') === String(a.predictionError) && labelField(l, 'quantity') === quantity);
      expect(at('makespan (s)').map((l) => labelField(l, 'value'))).toEqual([String(Number((a.metrics.makespanMs.mean! / 1000).toPrecision(4)))]);
      expect(at('SLA met (%)').map((l) => labelField(l, 'value'))).toEqual([String(Number((a.slaAttainment! * 100).toPrecision(4)))]);
    }
    // A line per variant in each of the 3 panels of the one workload.
    expect(marksOfRole(svg, 'line mark')).toHaveLength(4 * 3);
  });

  it('charts comparing planners draw the lowest level only: one bar and one point per variant and panel', async () => {
    const results = await levelsCompareResults();
    const bars = barData(results, MAKESPAN_BARS);
    expect(bars.map((b) => b.variant)).toEqual(results.matrix.variants.map((v) => v.label));
    const wukong0 = results.aggregates.find((a) => a.variant === 'wukong' && a.predictionError === 0)!;
    expect(bars[0]!.mean).toBe(wukong0.metrics.makespanMs.mean! / 1000);
    expect(paretoData(results)).toHaveLength(4);
  });

  it('runs.csv and summary.csv key every row by prediction-error level and carry the truth and the new figures', async () => {
    const results = await levelsCompareResults();
    const runs = parseCsv(runsCsv(results));
    expect(headerOf(runsCsv(results))).toEqual(RUN_CSV_COLUMNS);
    expect(runs).toHaveLength(results.runs.length);
    expect(new Set(runs.map((r) => `${rowKey(r)}/${r.run}`)).size).toBe(runs.length);
    results.runs.forEach((run, i) => {
      const row = runs[i]!;
      expect(Number(row.predictionError)).toBe(run.predictionError);
      expect(row.truthKind).toBe('generator');
      expect(row.truthRun).toBe(run.truthRun ?? '');
      expect(row.lowerBoundMakespanMs).toBe(cellOf(run.lowerBoundMakespanMs));
      expect(row.lowerBoundGbSeconds).toBe(cellOf(run.lowerBoundGbSeconds));
    });

    const summary = parseCsv(summaryCsv(results));
    expect(headerOf(summaryCsv(results))).toEqual(SUMMARY_CSV_COLUMNS);
    expect(summary.map(rowKey)).toEqual(results.aggregates.map(cellKey));
    results.aggregates.forEach((a: CompareAggregate, i) => {
      const row = summary[i]!;
      // Statistics over this level's runs only: a variant's levels are not pooled.
      expect(Number(row.completedRuns)).toBe(a.completedRuns);
      expect(Number(row.makespanMsMean)).toBeCloseTo(a.metrics.makespanMs.mean!, 9);
      expect(row).toMatchObject({
        truthKind: 'generator',
        selfEvaluation: 'false',
        trainingRuns: '3',
        estimateErrorPct: cellOf(a.estimateErrorPct),
        slaAttainment: cellOf(a.slaAttainment),
        makespanMsBoundRatio: cellOf(a.boundRatio.makespanMs),
        gbSecondsBoundRatio: cellOf(a.boundRatio.gbSeconds),
        makespanMsOptEffectPct: cellOf(a.optimizationEffectPct?.makespanMs ?? null),
        gbSecondsOptEffectPct: cellOf(a.optimizationEffectPct?.gbSeconds ?? null),
      });
    });
    // The passes' effect is defined for the +opt variants and empty for those without passes.
    expect(summary.filter((r) => r.makespanMsOptEffectPct !== '').map((r) => r.variant)).toEqual(['wukong+opt', 'uniform+opt', 'wukong+opt', 'uniform+opt']);

    const truth = parseCsv(truthCsv(results));
    expect(headerOf(truthCsv(results))).toEqual(TRUTH_CSV_COLUMNS);
    expect(truth).toEqual([
      expect.objectContaining({ workload: 'tree_reduction', truthKind: 'generator', selfEvaluation: 'false', recorded: 'true', trainingRuns: '3', trainingRunIds: results.truth.tree_reduction!.trainingRunIds.join(' ') }),
    ]);
  });

  it('the bench compare CSV has the level, the truth and the new columns, values as in the JSON', async () => {
    const results = (await levelsCompareResults('predictions')) as RunnerResults;
    const csv = compareCsv(results);
    expect(headerOf(csv)).toEqual(COMPARE_CSV_COLUMNS);
    const rows = parseCsv(csv);
    expect(rows.map(rowKey)).toEqual(results.aggregates.map(cellKey));
    results.aggregates.forEach((a, i) => {
      const row = rows[i]!;
      expect(row).toMatchObject({
        predictionError: String(a.predictionError),
        estimateErrorPct: cellOf(a.estimateErrorPct),
        slaAttainment: cellOf(a.slaAttainment),
        makespanMsBoundRatio: cellOf(a.boundRatio.makespanMs),
        gbSecondsBoundRatio: cellOf(a.boundRatio.gbSeconds),
        truthKind: 'predictions',
        selfEvaluation: 'true',
        trainingRuns: '3',
        truthDescription: results.truth.tree_reduction!.description,
      });
      for (const m of COMPARE_METRICS) {
        expect(row[`${m}Mean`]).toBe(cellOf(a.metrics[m].mean));
        expect(row[`${m}OptEffectPct`]).toBe(cellOf(a.optimizationEffectPct?.[m] ?? null));
      }
    });
  });

  it('Markdown: a table pair per level, the truth section, and the quality figures of each cell', async () => {
    const results = await levelsCompareResults();
    const tables = compareTables(results);
    expect(tables).toHaveLength(2 * 2);
    expect(tables.map((t) => t.caption.match(/prediction error ([\d.]+)/)?.[1])).toEqual(['0', '0', '0.5', '0.5']);
    const dir = await tempDir();
    await writeCompareReport(results, dir, { source: 'results.json' });
    const md = await readFile(join(dir, 'report.md'), 'utf8');
    expect(md).toContain('## Truth and belief');
    expect(md).toMatch(/\| tree_reduction \| generator \| generator: fresh per-task draws[^|]*\| 3 \|/);
    expect(md).not.toContain('SELF-EVALUATION');
    const uniformOpt = results.aggregates.find((a) => a.variant === 'uniform+opt' && a.predictionError === 0.5)!;
    const effect = uniformOpt.optimizationEffectPct!.makespanMs!;
    const pct = (v: number) => (Math.abs(v) < 0.05 ? '0.0%' : `${v >= 0 ? '+' : ''}${v.toFixed(1)}%`);
    expect(md).toContain(`| uniform+opt | ${(uniformOpt.estimatedMakespanMs / 1000).toFixed(3)} | ${pct(uniformOpt.estimateErrorPct!)} | ${Math.round(uniformOpt.slaAttainment! * 100)}% |`);
    expect(md).toMatch(new RegExp(`\\| uniform\\+opt \\|[^\\n]*\\| ${pct(effect).replace('+', '\\+')} \\| [^|]+ \\|\\n`));
    expect(md).toContain('| prediction-error levels | 0, 0.5');
  });
});

describe('self-evaluation and older results', () => {
  it('a predictions truth puts the SELF-EVALUATION label at the top of Markdown and HTML and on every table of it', async () => {
    const results = await levelsCompareResults('predictions');
    const dir = await tempDir();
    await writeCompareReport(results, dir, { source: 'results.json' });
    const md = await readFile(join(dir, 'report.md'), 'utf8');
    // Right under the title, before the intro.
    expect(md.split('\n').slice(0, 3).join('\n')).toMatch(/^# Planner comparison: tree_reduction\n\n> \*\*SELF-EVALUATION:\*\* tree_reduction: plans are graded against draws from their own predictions/);
    expect(md.match(/^\*SELF-EVALUATION: tree_reduction \(15 tasks\)/gm)).toHaveLength(4);
    expect(md).toContain('| tree_reduction | predictions (SELF-EVALUATION) |');
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    expect(html).toMatch(/<h1>[^<]*<\/h1>\n<p class="warning" role="alert"><strong>SELF-EVALUATION:<\/strong> tree_reduction: plans are graded/);
    expect(parseCsv(await readFile(join(dir, 'truth.csv'), 'utf8'))[0]).toMatchObject({ truthKind: 'predictions', selfEvaluation: 'true' });
  });

  it('results written before truths and levels still render, labelled as the self-evaluation they were', async () => {
    const results = parseCompareResults(olderResultsJson(await tinyCompareResults()), 'old.json');
    expect(results.truth).toEqual({});
    const dir = await tempDir();
    const output = await writeCompareReport(results, dir, { source: 'old.json' });
    expect(output.files).toEqual(expect.arrayContaining(['runs.csv', 'summary.csv', 'truth.csv', 'makespan.svg', 'report.md', 'report.html']));
    expect(output.files).not.toContain('sensitivity.csv');
    const md = await readFile(join(dir, 'report.md'), 'utf8');
    expect(md).toContain('> **SELF-EVALUATION:** tree_reduction, gemm:');
    expect(md).toContain('predates recorded truths');
    expect(md).toContain("| truth | not recorded (graded against the planner's own predictions) |");
    expect(md).toMatch(/\| gemm \| predictions \(SELF-EVALUATION\) \| not recorded: [^|]+\| 3 \| not recorded \|/);
    const truth = parseCsv(await readFile(join(dir, 'truth.csv'), 'utf8'));
    expect(truth.map((t) => [t.workload, t.recorded, t.trainingRuns])).toEqual([['tree_reduction', 'false', '3'], ['gemm', 'false', '3']]);
    const summary = parseCsv(await readFile(join(dir, 'summary.csv'), 'utf8'));
    expect(summary.every((r) => r.predictionError === '0' && r.estimateErrorPct === '' && r.makespanMsBoundRatio === '')).toBe(true);
    // What the old file lacks shows as undefined, not as a made-up number.
    expect(qualityTables(results)[0]!.rows[0]!.slice(2)).toEqual(['–', '–', '–', '–', '–', '–']);
  });
});
