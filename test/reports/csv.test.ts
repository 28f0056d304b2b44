import { describe, expect, it } from 'vitest';
import { COMPARE_METRICS } from '../../core/compare-results.js';
import { RUN_CSV_COLUMNS, runsCsv, SUMMARY_CSV_COLUMNS, summaryCsv, TASK_CSV_COLUMNS, tasksCsv, TRACE_RUN_CSV_COLUMNS, traceRunsCsv } from '../../reports/csv.js';
import { percentile, summarize } from '../../reports/stats.js';
import { parseCsv, singleRun, tinyCompareResults } from './fixtures.js';

const rowsOf = parseCsv;
const headerOf = (csv: string) => csv.split('\n')[0]!.split(',');

describe('report CSV', () => {
  it('runs.csv has one row per run with the columns and values of the results', async () => {
    const results = await tinyCompareResults();
    const csv = runsCsv(results);
    expect(headerOf(csv)).toEqual(RUN_CSV_COLUMNS);
    const rows = rowsOf(csv);
    expect(rows).toHaveLength(results.runs.length);
    expect(rows).toHaveLength(2 * 2 * 3);
    results.runs.forEach((run, i) => {
      const row = rows[i]!;
      expect(row.runId).toBe(run.runId);
      expect(row.status).toBe(run.status);
      expect(row.planner).toBe(run.variant); // no optimizations: the variant label is the planner's name
      expect(Number(row.run)).toBe(run.run);
      // Values round-trip exactly: the CSV holds the JSON numbers unrounded.
      for (const m of [...COMPARE_METRICS, 'warmStarts', 'uploadedBytes', 'downloadedBytes', 'storageOps'] as const) expect(Number(row[m])).toBe(run[m]);
    });
  });

  it('summary.csv has mean, std, p50 and p95 per workload × planner agreeing with the aggregates and the runs', async () => {
    const results = await tinyCompareResults();
    const csv = summaryCsv(results);
    expect(headerOf(csv)).toEqual(SUMMARY_CSV_COLUMNS);
    const rows = rowsOf(csv);
    expect(rows.map((r) => `${r.workload}/${r.variant}`)).toEqual(results.aggregates.map((a) => `${a.workload}/${a.variant}`));
    for (const [i, a] of results.aggregates.entries()) {
      const row = rows[i]!;
      expect(Number(row.completedRuns)).toBe(a.completedRuns);
      for (const m of COMPARE_METRICS) {
        expect(Number(row[`${m}Mean`])).toBeCloseTo(a.metrics[m].mean!, 9);
        expect(Number(row[`${m}Std`])).toBeCloseTo(a.metrics[m].std!, 9);
        expect(Number(row[`${m}P50`])).toBeCloseTo(a.metrics[m].median!, 9);
      }
      // p95 of three values by linear interpolation: the largest minus 10 % of the gap to the middle one.
      const values = results.runs.filter((r) => r.workload === a.workload && r.variant === a.variant).map((r) => r.makespanMs).sort((x, y) => x - y);
      expect(Number(row.makespanMsP95)).toBeCloseTo(values[2]! - 0.1 * (values[2]! - values[1]!), 9);
    }
  });

  it('percentile interpolates linearly (type 7) and summarize leaves undefined statistics null', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([10, 20], 95)).toBeCloseTo(19.5, 12);
    expect(percentile([4, 1, 3, 2], 0)).toBe(1);
    expect(percentile([4, 1, 3, 2], 100)).toBe(4);
    expect(percentile([], 50)).toBeNull();
    expect(summarize([5])).toEqual({ n: 1, mean: 5, std: null, p50: 5, p95: 5 });
    expect(summarize([2, 4]).std).toBeCloseTo(Math.SQRT2, 12);
  });

  it('trace CSVs: one row per run and one per task record, values from the records', () => {
    const a = singleRun(1);
    const b = singleRun(2, { platform: 'lambda:test', runId: 'real-1' });
    const runsRows = rowsOf(traceRunsCsv([a.run, b.run]));
    expect(headerOf(traceRunsCsv([a.run]))).toEqual(TRACE_RUN_CSV_COLUMNS);
    expect(runsRows.map((r) => [r.runId, r.real])).toEqual([[a.run.header.runId, 'false'], ['real-1', 'true']]);
    expect(Number(runsRows[0]!.makespanMs)).toBe(a.run.end!.makespanMs);
    expect(Number(runsRows[0]!.tasks)).toBe(15);
    expect(Number(runsRows[0]!.workers)).toBe(a.run.workers.length);
    const tasks = rowsOf(tasksCsv([a.run]));
    expect(headerOf(tasksCsv([a.run]))).toEqual(TASK_CSV_COLUMNS);
    expect(tasks).toHaveLength(a.run.tasks.length);
    a.run.tasks.forEach((t, i) => {
      expect(tasks[i]!.taskId).toBe(t.taskId);
      expect(Number(tasks[i]!.execMs)).toBe(t.execMs);
      expect(Number(tasks[i]!.uploadedBytes)).toBe(t.uploads.reduce((s, u) => s + u.sizeBytes, 0));
    });
  });
});
